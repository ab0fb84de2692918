/**
 * kindling's two ONNX halves meet: a model exported by torch.onnx.export runs in kindling/onnxruntime
 * as one traced plan and gives the model's own outputs.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import * as kort from '../src/onnx/runtime.js';
import { expectClose } from './helpers/opcheck.js';

const { nn } = torch;

describe('torch.onnx.export → kindling/onnxruntime', () => {
  const models: [string, () => torch.nn.Module][] = [
    ['MLP with ReLU and a softmax head', () => new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Linear(16, 4), new nn.Softmax(-1))],
    ['GELU, LayerNorm, Tanh', () => new nn.Sequential(new nn.Linear(6, 8), new nn.GELU(), new nn.LayerNorm(8), new nn.Linear(8, 3), new nn.Tanh())],
    ['Flatten of a 3-D input, Dropout in eval', () => new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 5), new nn.Dropout(0.3), new nn.SiLU())],
  ];
  for (const [name, make] of models) {
    it(name, async () => {
      torch.manual_seed(0);
      const model = make();
      const x = name.includes('3-D') ? torch.randn(2, 2, 3) : torch.randn(2, 6);
      const bytes = torch.onnx.export(model, [x], null, { input_names: ['x'], output_names: ['y'], dynamic_axes: { x: { 0: 'batch' }, y: { 0: 'batch' } } });
      const session = await kort.InferenceSession.create(bytes);
      expect([session.inputNames, session.outputNames]).toEqual([['x'], ['y']]);
      const x5 = name.includes('3-D') ? torch.randn(5, 2, 3) : torch.randn(5, 6);
      const out = await session.run({ x: new kort.Tensor('float32', x5.toTypedArray() as Float32Array, [...x5.shape]) });
      model.eval();
      const want = model(x5) as torch.Tensor;
      expect(out.y.dims).toEqual([...want.shape]);
      expectClose(torch.tensor(out.y.data as Float32Array).reshape(want.shape), want, 1e-5, 1e-6, name);
    });
  }
});
