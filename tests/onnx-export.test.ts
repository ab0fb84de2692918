/**
 * torch.onnx.export: every exported file runs in onnxruntime-node inside the test and is compared
 * with kindling's own forward; the graphs are compared with what PyTorch 1.13 exports for the same
 * models (fixtures from scripts/golden/onnx_export.py), whose outputs the runs must also match.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as torch from '../src/index.js';
import { nn, Tensor } from '../src/index.js';
import { AttributeType, decodeModel, type ModelProto } from '../src/onnx/proto.js';
import { decode, loadFixture, type Encoded } from './helpers/fixtures.js';
import { expectClose } from './helpers/opcheck.js';
import { throws } from './helpers/throws.js';

const F = nn.functional;
const { TrainingMode } = torch.onnx;

interface ExportCase {
  name: string;
  opset: number;
  kwargs: torch.onnx.ExportOptions;
  state_dict: Record<string, Encoded>;
  input: Encoded;
  output: Encoded;
  op_types: string[];
  attributes: Record<string, number | number[]>[];
  inputs: string[];
  outputs: string[];
  initializers: string[];
}
const fx = loadFixture<{ cases: ExportCase[] }>('onnx_export');

/** PyTorch's Custom of the golden script. */
class Custom extends nn.Module {
  fc = new nn.Linear(6, 4);
  proj = new nn.Parameter(torch.randn(4, 3));
  override forward(x: Tensor): Tensor {
    let h = this.fc(x.view(x.size(0), -1)) as Tensor;
    h = torch.relu(h.mul(2.0).add(1.0)).sub(h.div(3.0));
    return F.log_softmax(torch.matmul(h, this.proj), -1);
  }
}

const mlp = (act: nn.Module) => new nn.Sequential(new nn.Linear(4, 6), act, new nn.Linear(6, 3));
const ACTIVATIONS: Record<string, () => nn.Module> = {
  relu: () => new nn.ReLU(), relu6: () => new nn.ReLU6(), hardtanh: () => new nn.Hardtanh(-0.5, 0.75), sigmoid: () => new nn.Sigmoid(),
  tanh: () => new nn.Tanh(), gelu: () => new nn.GELU(), gelu_tanh: () => new nn.GELU('tanh'), silu: () => new nn.SiLU(),
  mish: () => new nn.Mish(), softplus: () => new nn.Softplus(), softplus_beta2: () => new nn.Softplus({ beta: 2 }), softsign: () => new nn.Softsign(),
  elu: () => new nn.ELU(0.7), celu: () => new nn.CELU(1.3), selu: () => new nn.SELU(), leaky_relu: () => new nn.LeakyReLU(0.2),
  prelu: () => new nn.PReLU(), prelu_channels: () => new nn.PReLU(6), hardswish: () => new nn.Hardswish(), hardsigmoid: () => new nn.Hardsigmoid(),
  logsigmoid: () => new nn.LogSigmoid(), tanhshrink: () => new nn.Tanhshrink(), softshrink: () => new nn.Softshrink(0.3),
  hardshrink: () => new nn.Hardshrink(0.3),
};

function model(name: string): nn.Module {
  if (name in ACTIVATIONS) return mlp(ACTIVATIONS[name]());
  if (name.startsWith('layer_norm')) return new nn.Sequential(new nn.Linear(4, 6), new nn.LayerNorm(6), new nn.ReLU());
  switch (name) {
    case 'glu': return new nn.Sequential(new nn.Linear(4, 6), new nn.GLU(), new nn.Linear(3, 3));
    case 'hardswish_opset13': return mlp(new nn.Hardswish());
    case 'softmax_head': return new nn.Sequential(new nn.Linear(4, 5), new nn.Softmax(1));
    case 'log_softmax_head': return new nn.Sequential(new nn.Linear(4, 5), new nn.LogSoftmax(-1));
    case 'softmin_head': return new nn.Sequential(new nn.Linear(4, 5), new nn.Softmin(1));
    case 'flatten_3d': return new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 3));
    case 'flatten_4d': return new nn.Sequential(new nn.Flatten(), new nn.Linear(60, 3));
    case 'flatten_start2': return new nn.Sequential(new nn.Flatten(2), new nn.Linear(20, 3));
    case 'dropout': return new nn.Sequential(new nn.Linear(4, 6), new nn.Dropout(0.5), new nn.ReLU(), new nn.Linear(6, 3));
    case 'linear_3d': return new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.Linear(6, 3));
    case 'linear_3d_no_folding': return new nn.Sequential(new nn.Linear(4, 3));
    case 'named_dynamic': return mlp(new nn.ReLU());
    case 'custom_module': return new Custom();
    default: throw new Error(`no model for case ${name}`);
  }
}

function loaded(c: ExportCase): nn.Module {
  const m = model(c.name);
  m.load_state_dict(Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, decode(v)])));
  return m.eval();
}

/**
 * Where kindling's graph differs from PyTorch's by design: Flatten(2) is one Reshape with 0 for the
 * kept dims (PyTorch: Shape, Slice, Concat, Reshape), so the input is named after the Reshape.
 */
const OWN: Record<string, { ops: string[]; inputs: string[]; outputs: string[]; initializers: string[] }> = {
  flatten_start2: { ops: ['Reshape', 'MatMul', 'Add'], inputs: ['onnx::Reshape_0'], outputs: ['7'], initializers: ['1.bias', 'onnx::MatMul_8'] },
};

/** PyTorch numbers values of its traced graph that did not become ONNX values: x.size(0), a shared zero. */
const RENUMBERED = new Set(['custom_module', 'softshrink', 'hardshrink']);

const sessions: ort.InferenceSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

/** Runs an exported model in onnxruntime; the outputs in the graph's order, as kindling tensors. */
async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Tensor[]> {
  const s = await ort.InferenceSession.create(bytes);
  sessions.push(s);
  const input: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) {
    const data = t.contiguous().toTypedArray();
    input[k] = t.dtype === torch.int64 ? new ort.Tensor('int64', BigInt64Array.from(data as Float64Array, (v) => BigInt(v)), t.shape) : new ort.Tensor('float32', data as Float32Array, t.shape);
  }
  const out = await s.run(input);
  return s.outputNames.map((n) => torch.tensor(Float32Array.from(out[n].data as Float32Array)).reshape([...out[n].dims]));
}

const inputName = (bytes: Uint8Array, i = 0) => decodeModel(bytes).graph!.input![i].name!;
const opTypes = (m: ModelProto) => m.graph!.node!.map((n) => n.op_type!);
const noConstants = (ops: string[]) => ops.filter((o) => o !== 'Constant');
/** Each non-Constant node's int, float and ints attributes, as the golden script reads them. */
const attributes = (m: ModelProto) => m.graph!.node!.filter((n) => n.op_type !== 'Constant').map((n) => Object.fromEntries(n.attribute!.flatMap((a): [string, number | number[]][] => {
  if (a.type === AttributeType.FLOAT) return [[a.name!, a.f!]];
  if (a.type === AttributeType.INT) return [[a.name!, a.i!]];
  return a.type === AttributeType.INTS ? [[a.name!, a.ints!]] : [];
})));
const child = (m: nn.Module, k: number) => (m as unknown as Record<string, nn.Module>)[k];
const eager = (m: nn.Module, ...x: Tensor[]) => torch.no_grad(() => m(...x) as Tensor);

describe('torch.onnx.export against PyTorch 1.13 (golden graphs, onnxruntime)', () => {
  for (const c of fx.cases) {
    it(c.name, async () => {
      const m = loaded(c);
      const x = decode(c.input);
      const bytes = torch.onnx.export(m, x, null, c.kwargs);
      const onnx = decodeModel(bytes);
      expect(onnx.opset_import).toEqual([{ domain: '', version: c.opset }]);
      expect(onnx.ir_version).toBe(c.opset <= 14 ? 7 : 8);
      expect(onnx.producer_name).toBe('kindling');
      expect(noConstants(opTypes(onnx))).toEqual(OWN[c.name]?.ops ?? noConstants(c.op_types));
      // the attributes too (float ones are float32 on both sides, so equal exactly)
      if (!OWN[c.name]) expect(attributes(onnx)).toEqual(c.op_types.flatMap((op, i) => (op === 'Constant' ? [] : [c.attributes[i]])));
      const g = onnx.graph!;
      expect(g.input!.map((v) => v.name)).toEqual(OWN[c.name]?.inputs ?? c.inputs);
      // default output names are PyTorch's value numbers, except where its traced graph had values its ONNX graph lost
      if (!RENUMBERED.has(c.name)) expect(g.output!.map((v) => v.name)).toEqual(OWN[c.name]?.outputs ?? c.outputs);
      // parameters by state_dict key, folded constants numbered as PyTorch numbers them
      expect(g.initializer!.map((t) => t.name!).sort()).toEqual(OWN[c.name]?.initializers ?? [...c.initializers].sort());
      const [y] = await runOrt(bytes, { [g.input![0].name!]: x });
      expectClose(y, decode(c.output), 1e-5, 1e-6, `${c.name}: onnxruntime vs PyTorch`);
      expectClose(y, eager(m, x), 1e-5, 1e-6, `${c.name}: onnxruntime vs kindling`);
    });
  }
});

describe('torch.onnx.export: dynamic axes, modes, options', () => {
  it('a dynamic batch runs at another batch size, also through view(x.size(0), -1)', async () => {
    torch.manual_seed(1);
    const m = new Custom().eval();
    const bytes = torch.onnx.export(m, torch.randn(3, 2, 3), null, { input_names: ['x'], dynamic_axes: { x: { 0: 'batch' } } });
    const g = decodeModel(bytes).graph!;
    expect(g.input![0].type!.tensor_type!.shape!.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 2 }, { dim_value: 3 }]);
    // the output carries the input's batch
    expect(g.output![0].type!.tensor_type!.shape!.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 3 }]);
    for (const n of [1, 7]) {
      const x = torch.randn(n, 2, 3);
      const [y] = await runOrt(bytes, { x });
      expectClose(y, eager(m, x), 1e-5, 1e-6, `batch ${n}`);
    }
  });

  it('every opset from 13 to 17 runs in onnxruntime at another batch size', async () => {
    torch.manual_seed(8);
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.Threshold(0.1, 2), new nn.Linear(8, 8), new nn.Hardswish(),
      new nn.LayerNorm(8), new nn.Softplus(0.5), new nn.Flatten(0), new nn.Softmax(0)).eval();
    const x = torch.randn(6, 4);
    for (let opset = 13; opset <= 17; opset++) {
      const bytes = torch.onnx.export(m, torch.randn(2, 4), null, { opset_version: opset, input_names: ['x'], dynamic_axes: { x: [0] } });
      const onnx = decodeModel(bytes);
      expect([onnx.ir_version, onnx.opset_import![0].version]).toEqual([opset <= 14 ? 7 : 8, opset]);
      expect(opTypes(onnx).includes('LayerNormalization')).toBe(opset >= 17);
      expect(opTypes(onnx).includes('HardSwish')).toBe(opset >= 14);
      const [y] = await runOrt(bytes, { x });
      expectClose(y, eager(m, x), 1e-5, 1e-7, `opset ${opset}`);
    }
  });

  it('dynamic_axes as lists get PyTorch\'s <name>_dynamic_axes_<k> names', () => {
    const m = mlp(new nn.ReLU());
    const bytes = torch.onnx.export(m, torch.randn(2, 4), null, { input_names: ['x'], output_names: ['y'], dynamic_axes: { x: [0], y: [0] } });
    const g = decodeModel(bytes).graph!;
    expect(g.input![0].type!.tensor_type!.shape!.dim![0]).toEqual({ dim_param: 'x_dynamic_axes_1' });
    expect(g.output![0].type!.tensor_type!.shape!.dim![0]).toEqual({ dim_param: 'y_dynamic_axes_1' });
  });

  it('Flatten of 4-D input from dim 2 keeps the batch dynamic', async () => {
    torch.manual_seed(2);
    const m = new nn.Sequential(new nn.Flatten(2), new nn.Linear(20, 3), new nn.Flatten(0, 1)).eval();
    const bytes = torch.onnx.export(m, torch.randn(2, 3, 4, 5), null, { input_names: ['x'], dynamic_axes: { x: [0] } });
    expect(decodeModel(torch.onnx.export(m, torch.randn(2, 3, 4, 5), null, { input_names: ['x'], dynamic_axes: { x: { '-1': 'w' } } })).graph!.input![0].type!.tensor_type!.shape!.dim![3]).toEqual({ dim_param: 'w' });
    const x = torch.randn(4, 3, 4, 5);
    const [y] = await runOrt(bytes, { x });
    expectClose(y, eager(m, x), 1e-5, 1e-6, 'flatten');
    // the output's first dim is 3·batch: dynamic, under a name of its own
    const out = decodeModel(bytes).graph!.output![0];
    expect(out.type!.tensor_type!.shape!.dim).toEqual([{ dim_param: `${out.name}_dim_0` }, { dim_value: 3 }]);
  });

  it('a model that cannot run at another batch keeps static output shapes, with a warning', () => {
    class Fixed extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.view(2, 4).relu();
      }
    }
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const bytes = torch.onnx.export(new Fixed(), torch.randn(2, 4), null, { input_names: ['x'], output_names: ['y'], dynamic_axes: { x: [0] } });
      expect(decodeModel(bytes).graph!.output![0].type!.tensor_type!.shape!.dim).toEqual([{ dim_value: 2 }, { dim_value: 4 }]);
      expect(String(warn.mock.calls[0][0])).toMatch(/^torch.onnx.export: the model does not run with a batch of 3 \(.*\); the outputs' shapes keep the traced batch$/);
    } finally {
      warn.mockRestore();
    }
  });

  it('exports in eval mode and restores every module\'s own mode', () => {
    const m = new nn.Sequential(new nn.Linear(4, 6), new nn.Dropout(0.5), new nn.Sequential(new nn.Dropout(0.2)));
    m.train();
    child(m, 2).eval();
    const bytes = torch.onnx.export(m, torch.randn(2, 4), null);
    expect(opTypes(decodeModel(bytes))).toEqual(['Gemm']);
    expect([...m.modules()].map((x) => x.training)).toEqual([true, true, true, false, false]);
  });

  it('TrainingMode.TRAINING keeps Dropout, which onnxruntime then applies', async () => {
    torch.manual_seed(3);
    const m = new nn.Sequential(new nn.Linear(4, 64), new nn.Dropout(0.5));
    const x = torch.randn(8, 4);
    const bytes = torch.onnx.export(m, x, null, { training: TrainingMode.TRAINING });
    expect(noConstants(opTypes(decodeModel(bytes)))).toEqual(['Gemm', 'Dropout']);
    expect(m.training).toBe(true);
    const [y] = await runOrt(bytes, { [inputName(bytes)]: x });
    const z = eager(child(m, 0), x).toTypedArray(), got = y.toTypedArray();
    let zeros = 0;
    for (let i = 0; i < z.length; i++) {
      if (got[i] === 0) zeros++;
      else expect(Math.abs(got[i] - 2 * z[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(z[i])));
    }
    expect(zeros).toBeGreaterThan(z.length / 4);
    expect(zeros).toBeLessThan((z.length * 3) / 4);
  });

  it('export_params=false makes the weights graph inputs; keep_initializers_as_inputs lists them too', async () => {
    torch.manual_seed(4);
    const m = mlp(new nn.Tanh()).eval();
    const x = torch.randn(2, 4);
    const bytes = torch.onnx.export(m, x, null, { export_params: false, input_names: ['x'] });
    const g = decodeModel(bytes).graph!;
    expect(g.initializer).toEqual([]);
    expect(g.input!.map((v) => v.name)).toEqual(['x', '0.weight', '0.bias', '2.weight', '2.bias']);
    const [y] = await runOrt(bytes, { x, ...m.state_dict() });
    expectClose(y, eager(m, x), 1e-5, 1e-6, 'weights fed as inputs');
    const kept = decodeModel(torch.onnx.export(m, x, null, { keep_initializers_as_inputs: true })).graph!;
    expect(kept.initializer!.map((t) => t.name)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(kept.input!.length).toBe(5);
  });

  it('writes the file at f and returns the same bytes; positional arguments in PyTorch\'s order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-onnx-'));
    try {
      const path = join(dir, 'model.onnx');
      const m = mlp(new nn.ReLU());
      const bytes = torch.onnx.export(m, [torch.randn(2, 4)], path, true, false, TrainingMode.EVAL, ['inp'], ['out'], 0, 17);
      expect(Buffer.compare(readFileSync(path), bytes)).toBe(0);
      const onnx = decodeModel(bytes);
      expect(onnx.opset_import![0].version).toBe(17);
      expect([onnx.graph!.input![0].name, onnx.graph!.output![0].name]).toEqual(['inp', 'out']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a traced module exports its original; a plain function exports too', async () => {
    torch.manual_seed(7);
    const m = mlp(new nn.SiLU()).eval();
    const x = torch.randn(3, 4);
    const direct = torch.onnx.export(m, x, null);
    expect(torch.onnx.export(torch.jit.trace(m, x), x, null)).toEqual(direct);
    const fn = (a: Tensor, b: Tensor) => torch.softmax(torch.matmul(a, b).mul(0.5), -1);
    const b = torch.randn(4, 2);
    const bytes = torch.onnx.export(fn, [x, b], null, { input_names: ['a', 'b'] });
    expect(noConstants(opTypes(decodeModel(bytes)))).toEqual(['MatMul', 'Mul', 'Softmax']);
    const [y] = await runOrt(bytes, { a: x, b });
    expectClose(y, fn(x, b), 1e-6, 1e-7, 'function');
  });

  it('verbose prints the graph', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      torch.onnx.export(mlp(new nn.ReLU()), torch.randn(2, 4), null, { verbose: true, input_names: ['x'] });
      const text = write.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain('= Gemm[alpha=1, beta=1, transB=1](x, 0.weight, 0.bias)');
      expect(text).toContain('Relu(');
    } finally {
      write.mockRestore();
    }
  });
});

describe('torch.onnx.export: functions and more layers in onnxruntime', () => {
  class Functional extends nn.Module {
    fc = new nn.Linear(6, 6);
    norm = new nn.BatchNorm1d(6);
    override forward(x: Tensor, y: Tensor): unknown {
      let h = this.norm(this.fc(x)) as Tensor;
      h = torch.add(h, y, { alpha: 0.5 }).sub(torch.ones(6)).mul(torch.sigmoid(h)).div(2);
      h = torch.cat([h, torch.clamp(h, -0.2, 0.3)], 1);
      h = h.unsqueeze(1).transpose(1, 2).squeeze(2);
      h = F.layer_norm(h, [12]).permute(1, 0).t();
      const s = torch.sum(h.pow(2), 1, { keepdim: true }).add(h.mean(1, { keepdim: true }));
      return [F.softplus(h, 1), s.sqrt().abs().neg().exp(), x];
    }
  }

  it('arithmetic with tensors, scalars and alpha; cat, clamp, view ops, reductions; several outputs and an input as output', async () => {
    torch.manual_seed(5);
    const m = new Functional();
    m.train();
    const norm = m.norm as nn.Module;
    torch.no_grad(() => {
      for (let i = 0; i < 3; i++) norm(torch.randn(16, 6).mul(2).add(1));
    });
    m.eval();
    const x = torch.randn(5, 6), y = torch.randn(6);
    const bytes = torch.onnx.export(m, [x, y], null, { opset_version: 13 });
    const outs = await runOrt(bytes, { [inputName(bytes, 0)]: x, [inputName(bytes, 1)]: y });
    const want = torch.no_grad(() => m(x, y) as Tensor[]);
    expect(outs.length).toBe(3);
    outs.forEach((o, i) => expectClose(o, want[i], 1e-5, 1e-6, `output ${i}`));
    expect(opTypes(decodeModel(bytes))).toContain('BatchNormalization');
    expect(opTypes(decodeModel(bytes)).at(-1)).toBe('Identity');
  });

  it('PReLU with per-channel slopes on 3-D input, Embedding and Unflatten', async () => {
    torch.manual_seed(6);
    class Net extends nn.Module {
      emb = new nn.Embedding(10, 4);
      act = new nn.PReLU(3);
      unflat = new nn.Unflatten(1, [2, 6]);
      override forward(ids: Tensor): Tensor {
        const e = this.emb(ids) as Tensor; // [B, 3, 4]
        return this.unflat(this.act(e).reshape(ids.size(0), 12)) as Tensor;
      }
    }
    const m = new Net().eval();
    (m.act as nn.PReLU).weight.data.copy_(torch.tensor([0.1, -0.3, 0.7]));
    const ids = torch.tensor([[1, 2, 3], [9, 0, 4]], { dtype: torch.int64 });
    const bytes = torch.onnx.export(m, ids, null, { input_names: ['ids'], dynamic_axes: { ids: [0] } });
    const more = torch.tensor([[5, 6, 7], [8, 1, 0], [2, 2, 2]], { dtype: torch.int64 });
    const [out] = await runOrt(bytes, { ids: more });
    expectClose(out, eager(m, more), 1e-6, 1e-7, 'embedding, prelu, unflatten');
  });
});

describe('torch.onnx.export: errors', () => {
  const m = () => mlp(new nn.ReLU());
  it('an unsupported operator or module names it and the opset', () => {
    class Lse extends nn.Module {
      override forward(x: Tensor): Tensor {
        return torch.logsumexp(x, 1);
      }
    }
    throws(() => torch.onnx.export(new Lse(), torch.randn(2, 3), null), Error, 'Exporting the operator logsumexp to ONNX opset version 14 is not supported');
    class Loss extends nn.Module {
      loss = new nn.MSELoss();
      override forward(x: Tensor): Tensor {
        return this.loss(x, torch.zeros(2, 3)) as Tensor;
      }
    }
    throws(() => torch.onnx.export(new Loss(), torch.randn(2, 3), null, { opset_version: 17 }), Error, 'Exporting the module MSELoss to ONNX opset version 17 is not supported');
  });

  it('BatchNorm in training mode and random tensors made in forward', () => {
    const bn = new nn.Sequential(new nn.BatchNorm1d(3));
    throws(() => torch.onnx.export(bn, torch.randn(4, 3), null, { training: TrainingMode.TRAINING }), Error, /Exporting the module BatchNorm1d in training mode/);
    class Noise extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.add(torch.randn(3));
      }
    }
    throws(() => torch.onnx.export(new Noise(), torch.randn(2, 3), null), Error, /Exporting the operator randn .*random tensor made inside forward/);
    class Counter extends nn.Module {
      steps = new nn.Parameter(torch.zeros(3), false);
      override forward(x: Tensor): Tensor {
        return x.add(this.steps.add_(1));
      }
    }
    const counter = new Counter();
    throws(() => torch.onnx.export(counter, torch.randn(2, 3), null), Error, 'Exporting the operator add_ in place on a parameter or buffer to ONNX opset version 14 is not supported');
    expect([...counter.steps.toTypedArray()]).toEqual([1, 1, 1]);
  });

  it('wrong arguments', () => {
    throws(() => torch.onnx.export(m(), [1, 2] as never, null), TypeError, 'export(): args must be a Tensor or an array of Tensors, but got list');
    throws(() => torch.onnx.export('model' as never, torch.randn(2, 4), null), TypeError, 'export(): model must be a Module or a function, but got str');
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), 3 as never), TypeError, 'export(): f must be a file path (a string) or null, but got int');
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { opset_version: 12 }), RangeError, 'Unsupported ONNX opset version: 12. kindling exports opset versions 13 to 17');
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { opset_version: 18 }), RangeError, /opset version: 18/);
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { input_names: ['a', 'b'] }), RangeError, 'export(): input_names has 2 names for 1 input');
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { dynamic_axes: { z: [0] } }), RangeError, /dynamic_axes names 'z', which is neither an input nor an output name/);
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { training: 5 as never }), TypeError, /training must be torch.onnx.TrainingMode/);
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { verbose: 'yes' as never }), TypeError, 'export(): verbose must be a bool, but got str');
    throws(() => torch.onnx.export(m(), torch.randn(2, 4), null, { custom_opsets: {} } as never), TypeError, "export() got an unexpected keyword argument 'custom_opsets'");
  });
});
