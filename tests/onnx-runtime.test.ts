/**
 * kindling/onnxruntime against onnxruntime-node, live: the same .onnx bytes (exported by PyTorch
 * 1.13, scripts/golden/onnx_models.py) run through both on the same inputs; the sessions' plans
 * (one native call for an MLP); the checks at create (hostile graphs) and the misuse messages,
 * compared with onnxruntime-node's own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import * as kort from '../src/onnx/runtime.js';
import { planOf } from '../src/onnx/internals.js';
import { encodeModel, DataType, AttributeType, type ModelProto, type NodeProto, type TensorProto } from '../src/onnx/proto.js';
import { rand } from './helpers/random.js';

type Ort = typeof import('onnxruntime-node');
const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;

const FIXTURES = new URL('./fixtures/onnx/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`${name}.onnx`, FIXTURES)));

/** Runs `bytes` on both engines at `shape` and compares to float32 rounding. */
async function compare(bytes: Uint8Array, shape: number[], seed: number): Promise<kort.InferenceSession> {
  const k = await kort.InferenceSession.create(bytes);
  const o = await ort.InferenceSession.create(bytes);
  const x = rand(shape.reduce((p, d) => p * d, 1), seed).map((v) => 4 * v - 2);
  const want = await o.run({ [o.inputNames[0]]: new ort.Tensor('float32', x, shape) });
  const got = await k.run({ [k.inputNames[0]]: new kort.Tensor('float32', x, shape) });
  expect(k.outputNames).toEqual(o.outputNames);
  for (const name of o.outputNames) {
    expect(got[name].type).toBe('float32');
    expect(got[name].dims).toEqual(want[name].dims);
    const a = want[name].data as Float32Array, b = got[name].data as Float32Array;
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      if (!(Math.abs(a[i] - b[i]) <= 1e-6 + 1e-5 * Math.abs(a[i]))) expect.fail(`${name}[${i}]: kindling ${b[i]}, onnxruntime ${a[i]}`);
    }
  }
  await o.release();
  return k;
}

const plan = (s: kort.InferenceSession) => planOf.get(s)!;
const segments = (s: kort.InferenceSession) => (plan(s).traced?.graph.match(/ plan\(/g) ?? []).length;
const eagerSteps = (s: kort.InferenceSession) => (plan(s).traced?.graph.match(/# eager/g) ?? []).length;

// fixture → [input shape with B for the batch, whether the whole model is one plan]
const MODELS: Record<string, [(number | 'B')[], boolean]> = {
  mlp_relu: [['B', 8], true], mlp_sigmoid: [['B', 8], true], mlp_tanh: [['B', 8], true], mlp_gelu: [['B', 8], true],
  mlp_gelu_tanh: [['B', 8], true], mlp_leaky_relu: [['B', 8], true], mlp_elu: [['B', 8], true], mlp_selu: [['B', 8], false],
  mlp_softplus: [['B', 8], true], mlp_hardsigmoid: [['B', 8], false], mlp_silu: [['B', 8], true], mlp_hardswish_op14: [['B', 8], true],
  mlp_op11: [['B', 8], true], mlp_op13: [['B', 8], true], mlp_op14: [['B', 8], true], mlp_op17: [['B', 8], true],
  softmax_head_op11: [['B', 8], true], softmax_head_op13: [['B', 8], true], log_softmax_head_op13: [['B', 8], true],
  linear_3d: [['B', 5, 8], true], softmax_3d_op11: [['B', 5, 8], true], softmax_dim1_3d_op11: [['B', 5, 8], false],
  layernorm_op13: [['B', 8], false], layernorm_op17: [['B', 8], false], flatten_3d: [['B', 3, 8], true],
  flatten_4d: [['B', 2, 3, 4], true], view_4d_op11: [['B', 2, 3, 4], true], view_4d_op13: [['B', 2, 3, 4], true], dropout: [['B', 8], true],
  transpose_concat: [['B', 3, 6], false], static_batch: [[3, 8], true],
};

describe('outputs match onnxruntime-node', () => {
  for (const [name, [shape, onePlan]] of Object.entries(MODELS)) {
    it(name, async () => {
      const batches = shape[0] === 'B' ? [1, 3, 64] : [shape[0]];
      let session: kort.InferenceSession | null = null;
      for (const [k, b] of batches.entries()) session = await compare(fixture(name), shape.map((d) => (d === 'B' ? b : d)), 17 + k);
      const p = plan(session!);
      expect(p.eagerReason).toBe('');
      const o = await ort.InferenceSession.create(fixture(name));
      expect([session!.inputMetadata, session!.outputMetadata]).toEqual([o.inputMetadata, o.outputMetadata]);
      await o.release();
      if (onePlan) {
        expect(segments(session!), p.traced!.graph).toBe(1);
        expect(eagerSteps(session!), p.traced!.graph).toBe(0);
      }
    });
  }
});

describe('the plan is serving\'s', () => {
  it('an MLP is one native call with its activations fused into the GEMMs', async () => {
    const s = await kort.InferenceSession.create(fixture('mlp_op13'));
    const g = plan(s).traced!.graph;
    expect(g).toContain('plan(3 ops, one call)');
    expect(g.match(/linear\+relu/g)).toHaveLength(2);
  });

  it('PyTorch\'s exported patterns become single ops again', async () => {
    const listing = async (name: string) => plan(await kort.InferenceSession.create(fixture(name))).traced!.graph;
    expect(await listing('mlp_gelu')).toContain('linear+gelu');
    expect(await listing('mlp_gelu_tanh')).toContain('gelu_tanh(');
    expect(await listing('mlp_silu')).toContain('linear+silu');
    expect(await listing('mlp_hardswish_op14')).toContain('linear+hardswish');
    expect(await listing('linear_3d')).toMatch(/linear\+relu[^\n]*\n[^\n]*linear\(/);
    expect(await listing('layernorm_op13')).toContain('layer_norm');
    expect(await listing('softmax_head_op11')).toContain('softmax(');
  });

  it('a run too big for the JS thread goes through forwardAsync, with the same results', async () => {
    const big = model([node('Gemm', ['x', 'w1', 'b1'], ['h'], [{ name: 'transB', type: AttributeType.INT, i: 1 }]), node('Relu', ['h'], ['r']),
      node('Gemm', ['r', 'w2'], ['y'], [{ name: 'transB', type: AttributeType.INT, i: 1 }])], [floats('w1', [512, 256]), floats('b1', [512]), floats('w2', [8, 512])], [['batch', 256]]);
    // 136 Ki multiply-adds a row: 1 and 200 rows compute on the JS thread (below 3·10⁷), 240 rows off it
    for (const b of [1, 200, 240]) expect(segments(await compare(big, [b, 256], b))).toBe(1);
    const k = await kort.InferenceSession.create(big);
    const offThread = vi.spyOn(plan(k).traced!, 'forwardAsync');
    await k.run({ x: new kort.Tensor(rand(256, 1), [1, 256]) });
    await k.run({ x: new kort.Tensor(rand(200 * 256, 1), [200, 256]) });
    expect(offThread).not.toHaveBeenCalled();
    await k.run({ x: new kort.Tensor(rand(240 * 256, 1), [240, 256]) });
    expect(offThread).toHaveBeenCalledTimes(1);
  });

  it('several inputs, and an empty batch', async () => {
    const two = model([node('Add', ['x', 'x1'], ['s']), node('Tanh', ['s'], ['y'])], [], [['batch', 4], ['batch', 4]]);
    const k = await kort.InferenceSession.create(two), o = await ort.InferenceSession.create(two);
    expect(plan(k).traced!.graph).toMatch(/plan\(2 ops, one call\)/);
    const a = rand(12, 1), b = rand(12, 2);
    const want = (await o.run({ x: new ort.Tensor(a, [3, 4]), x1: new ort.Tensor(b, [3, 4]) })).y.data as Float32Array;
    const got = (await k.run({ x: new kort.Tensor(a, [3, 4]), x1: new kort.Tensor(b, [3, 4]) })).y.data as Float32Array;
    Array.from(got).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    await compare(fixture('mlp_op13'), [0, 8], 4);
  });

  it('a graph that bakes the traced batch into a shape runs eagerly at other batches, still right', async () => {
    const shape: TensorProto = { name: 'shape', dims: [2], data_type: DataType.INT64, int64_data: [-1, 2] };
    // [B, 4] → [2B, 2] → Softmax over the last dim → [B, 4]: every batch row stays a plan row, so the trace holds
    const rows = model([node('Reshape', ['x', 'shape'], ['r']), node('Softmax', ['r'], ['s']), node('Reshape', ['s', 'back'], ['y'])],
      [shape, { name: 'back', dims: [2], data_type: DataType.INT64, int64_data: [-1, 4] }]);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      for (const b of [1, 5]) await compare(rows, [b, 4], b);
      expect(warn).not.toHaveBeenCalled();
      // [B, 4] → [2, 2B]: the batch moves into the columns, which the trace fixes at the traced batch
      const fixed = model([node('Reshape', ['x', 'shape'], ['r']), node('Softmax', ['r'], ['s']), node('Reshape', ['s', 'back'], ['y'])],
        [{ ...shape, int64_data: [2, -1] }, { name: 'back', dims: [2], data_type: DataType.INT64, int64_data: [-1, 4] }]);
      for (const b of [1, 3, 6]) await compare(fixed, [b, 4], b);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/the trace does not generalize to other batch sizes/);
    } finally {
      warn.mockRestore();
    }
  });

  it('a symbolic dimension after the batch runs eagerly, at any size', async () => {
    const bytes = model([node('Relu', ['x'], ['y'])], [], [['batch', 'seq', 4]]);
    const s = await kort.InferenceSession.create(bytes);
    expect(plan(s).traced).toBeNull();
    expect(plan(s).eagerReason).toMatch(/symbolic dimensions after the first/);
    await compare(bytes, [2, 3, 4], 1);
    await compare(bytes, [2, 7, 4], 2);
  });
});

// ---- graphs built here ---------------------------------------------------------------------------

function node(op: string, input: string[], output: string[], attribute: NodeProto['attribute'] = [], name = ''): NodeProto {
  return { op_type: op, input, output, attribute, name };
}

function floats(name: string, dims: number[], values?: number[]): TensorProto {
  const n = dims.reduce((p, d) => p * d, 1);
  const data = new Float32Array(values ?? Array.from({ length: n }, (_, i) => Math.sin(i + 1)));
  return { name, dims, data_type: DataType.FLOAT, raw_data: new Uint8Array(data.buffer) };
}

const valueInfo = (name: string, dims: (number | string)[]) =>
  ({ name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) } } } });

/** A model of `nodes` from input x (shape inputs[0]) to output y. */
function model(nodes: NodeProto[], initializer: TensorProto[] = [], inputs: (number | string)[][] = [['batch', 4]], opset = 13, extra: Partial<ModelProto> = {}): Uint8Array {
  return encodeModel({
    ir_version: 8, opset_import: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, initializer, input: inputs.map((d, i) => valueInfo(i === 0 ? 'x' : `x${i}`, d)), output: [{ name: 'y' }] },
    ...extra,
  });
}

const gemm = (extraInit: TensorProto[] = []) => [floats('w', [3, 4]), floats('b', [3]), ...extraInit];
const gemmNode = node('Gemm', ['x', 'w', 'b'], ['y'], [{ name: 'transB', type: AttributeType.INT, i: 1 }], 'fc');

async function rejects(bytes: Uint8Array, message: string | RegExp): Promise<void> {
  await expect(kort.InferenceSession.create(bytes)).rejects.toThrow(message);
}

describe('create rejects what it cannot run, naming the node', () => {
  it('a cycle', () => rejects(fixture('cycle'), "the graph has a cycle through node 'first' (Add)"));
  it('a missing initializer', () => rejects(fixture('missing_initializer'), "node 'fc' (Gemm) reads 'bias_not_there', which is not a graph input, an initializer, a Constant or any node's output"));
  it('an unsupported op', () => rejects(fixture('unsupported_op'), "node 'conv_1' (Conv): operator Conv is not supported by kindling/onnxruntime"));
  it('truncated bytes', () => rejects(fixture('truncated'), /^invalid ONNX model: the protobuf could not be parsed/));
  it('garbage and empty bytes', async () => {
    await rejects(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), /invalid ONNX model/);
    await rejects(new Uint8Array(0), 'invalid ONNX model: it has no graph');
  });

  it('corrupted models are an Error with a message, never a crash or a stray TypeError', async () => {
    const base = fixture('layernorm_op13');
    const r = rand(4 * 300, 11);
    let rejected = 0;
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      for (let t = 0; t < 300; t++) {
        const b = new Uint8Array(base);
        for (let j = 0; j < 1 + Math.floor(r[4 * t] * 3); j++) b[Math.floor(r[4 * t + 1 + j] * b.length)] = Math.floor(r[4 * t + 3 - j] * 256);
        try {
          await (await kort.InferenceSession.create(b)).run({ x: new kort.Tensor(rand(16, t), [2, 8]) });
        } catch (e) {
          rejected++;
          expect((e as Error).constructor).toBe(Error);
          expect((e as Error).message).toMatch(/^(invalid ONNX model|node |ONNX opset|initializer)/);
        }
      }
    } finally {
      warn.mockRestore();
    }
    expect(rejected).toBeGreaterThan(50);
  });

  it('nodes out of order are sorted; a value defined twice is not', async () => {
    const sorted = model([node('Relu', ['h'], ['y']), node('Neg', ['x'], ['h'])]);
    const s = await compare(sorted, [2, 4], 3);
    expect(segments(s)).toBe(1);
    await rejects(model([node('Neg', ['x'], ['y']), node('Relu', ['x'], ['y'], [], 'again')]), "node 'again' (Relu) writes 'y', which is already defined");
  });

  it('an unsupported attribute, or an attribute value it does not implement', async () => {
    await rejects(model([node('Relu', ['x'], ['y'], [{ name: 'alpha', type: AttributeType.FLOAT, f: 1 }], 'act')]), "node 'act' (Relu): attribute 'alpha' is not supported");
    await rejects(model([node('Gelu', ['x'], ['y'], [{ name: 'approximate', type: AttributeType.STRING, s: new TextEncoder().encode('erf') }], 'g')], [], [['batch', 4]], 20), "node 'g' (Gelu): approximate='erf'");
    await rejects(model([node('Cast', ['x'], ['y'], [{ name: 'to', type: AttributeType.INT, i: DataType.DOUBLE }], 'c')]), "node 'c' (Cast): casting to DOUBLE is not supported");
    await rejects(model([node('LeakyRelu', ['x'], ['y'], [{ name: 'alpha', type: AttributeType.INT, i: 1 }], 'l')]), "node 'l' (LeakyRelu): attribute 'alpha' must be FLOAT, but it is INT");
  });

  it('initializers whose data does not fit their dims', async () => {
    const short = { ...floats('w', [3, 4]), raw_data: new Uint8Array(44) };
    await rejects(model([gemmNode], [short, floats('b', [3])]), "initializer 'w' has 44 bytes of raw_data, but its dims [3, 4] need 48");
    const few: TensorProto = { name: 'w', dims: [3, 4], data_type: DataType.FLOAT, float_data: [1, 2, 3] };
    await rejects(model([gemmNode], [few, floats('b', [3])]), "initializer 'w' holds 3 values, but its dims [3, 4] need 12");
    const negative: TensorProto = { name: 'w', dims: [-3, 4], data_type: DataType.FLOAT, float_data: [] };
    await rejects(model([gemmNode], [negative, floats('b', [3])]), "initializer 'w' has dimension -3");
    const doubles: TensorProto = { name: 'w', dims: [1], data_type: DataType.DOUBLE, double_data: [1] };
    await rejects(model([gemmNode], [doubles, floats('b', [3])]), "initializer 'w' has data type DOUBLE, which is not supported");
  });

  it('external data', async () => {
    const external: TensorProto = { name: 'w', dims: [3, 4], data_type: DataType.FLOAT, data_location: 1, external_data: [{ key: 'location', value: 'weights.bin' }] };
    await rejects(model([gemmNode], [external, floats('b', [3])]), "initializer 'w' stores its data outside the model (external data), which is not supported");
  });

  it('a domain other than ai.onnx, an opset out of range', async () => {
    await rejects(model([{ ...node('Scaler', ['x'], ['y'], [], 'sc'), domain: 'ai.onnx.ml' }]), "node 'sc' (Scaler): operator domain 'ai.onnx.ml' is not supported");
    await rejects(model([node('Relu', ['x'], ['y'])], [], [['batch', 4]], 99), 'ONNX opset 99 is not supported');
    await rejects(encodeModel({ ir_version: 8, opset_import: [{ domain: 'ai.onnx.ml', version: 3 }], graph: { node: [], output: [] } }), 'imports no opset of the default ONNX domain');
  });

  it('a non-float input, a training-mode Dropout, an unsupported second output', async () => {
    const ints = encodeModel({
      ir_version: 8, opset_import: [{ domain: '', version: 13 }],
      graph: { node: [node('Identity', ['x'], ['y'])], input: [{ name: 'x', type: { tensor_type: { elem_type: DataType.INT64, shape: { dim: [{ dim_value: 2 }] } } } }], output: [{ name: 'y' }] },
    });
    await rejects(ints, "graph input 'x' has element type INT64; kindling/onnxruntime takes float32 inputs only");
    const on: TensorProto = { name: 't', dims: [], data_type: DataType.INT64, int64_data: [1] };
    const ratio = floats('r', [], [0.5]);
    await rejects(model([node('Dropout', ['x', 'r', 't'], ['y'], [], 'drop')], [ratio, { ...on, data_type: DataType.INT32, int32_data: [1], int64_data: [] }]), "node 'drop' (Dropout): training_mode is true");
    await rejects(model([node('Dropout', ['x'], ['h', 'mask'], [], 'drop'), node('Mul', ['h', 'mask'], ['y'])]), "node 'drop' (Dropout): its output 1 ('mask') is not supported");
  });

  it('a graph error at trace time names the node', async () => {
    // a Gemm whose weight does not fit the input's 4 columns
    await rejects(model([node('Gemm', ['x', 'w'], ['y'], [{ name: 'transB', type: AttributeType.INT, i: 1 }], 'fc')], [floats('w', [3, 5])]), /^node 'fc' \(Gemm\): /);
  });
});

describe('each operator against onnxruntime-node', () => {
  const i = (name: string, v: number) => ({ name, type: AttributeType.INT, i: v });
  const f = (name: string, v: number) => ({ name, type: AttributeType.FLOAT, f: v });
  const is = (name: string, v: number[]) => ({ name, type: AttributeType.INTS, ints: v });
  const ints = (name: string, v: number[], dims = [v.length]): TensorProto => ({ name, dims, data_type: DataType.INT64, int64_data: v });
  // name → [nodes, initializers, opset]; input x is [batch, 3, 4], output y
  const CASES: Record<string, [NodeProto[], TensorProto[], number?]> = {
    'Gemm transA, alpha, beta, C broadcast': [[node('Flatten', ['x'], ['f']), node('Transpose', ['f'], ['t']),
      node('Gemm', ['t', 'w', 'c'], ['y'], [i('transA', 1), f('alpha', 0.5), f('beta', 2)])], [floats('w', [12, 6]), floats('c', [1, 6])]],
    'Gemm without bias, transB 0': [[node('Flatten', ['x'], ['f']), node('Gemm', ['f', 'w'], ['y'])], [floats('w', [12, 5])]],
    'MatMul of two computed values': [[node('Transpose', ['x'], ['t'], [is('perm', [0, 2, 1])]), node('MatMul', ['x', 't'], ['y'])], []],
    'Clip (inputs), Abs, Neg, Sqrt, Exp, Log, Reciprocal': [[node('Clip', ['x', 'lo', 'hi'], ['c']), node('Abs', ['c'], ['a']), node('Sqrt', ['a'], ['s']),
      node('Exp', ['s'], ['e']), node('Log', ['e'], ['l']), node('Neg', ['l'], ['n']), node('Reciprocal', ['e'], ['r']), node('Add', ['n', 'r'], ['y'])],
    [floats('lo', [], [-0.5]), floats('hi', [], [1.5])]],
    'Clip (attributes, opset 10), Pow': [[node('Clip', ['x'], ['c'], [f('min', -1), f('max', 0.25)]), node('Pow', ['c', 'p'], ['y'])], [floats('p', [], [3])], 10],
    'HardSigmoid and Selu with other constants': [[node('HardSigmoid', ['x'], ['h'], [f('alpha', 0.3), f('beta', 0.4)]),
      node('Selu', ['x'], ['s'], [f('alpha', 1.5), f('gamma', 2)]), node('Sub', ['h', 's'], ['y'])], []],
    'ReduceMean keepdims 0 (attribute), Div broadcasting': [[node('ReduceMean', ['x'], ['m'], [is('axes', [0]), i('keepdims', 0)]),
      node('Div', ['x', 'm'], ['y'])], []],
    'ReduceMean axes input (opset 18), all axes': [[node('ReduceMean', ['x', 'ax'], ['m']), node('ReduceMean', ['x'], ['all']),
      node('Mul', ['m', 'all'], ['y'])], [ints('ax', [-1])], 18],
    'Squeeze without axes, Unsqueeze (attribute, opset 11)': [[node('Unsqueeze', ['x'], ['u'], [is('axes', [1, -1])]), node('Squeeze', ['u'], ['s'], [is('axes', [1])]),
      node('Squeeze', ['s'], ['y'])], [], 11],
    'Softmax at opset 11, axis 1 of 3-D (flattened)': [[node('Softmax', ['x'], ['y'], [i('axis', 1)])], [], 11],
    'LogSoftmax at opset 13, axis 1': [[node('LogSoftmax', ['x'], ['y'], [i('axis', 1)])], []],
    'Flatten axis 0, 1 and 2, Reshape, Concat': [[node('Flatten', ['x'], ['a'], [i('axis', 2)]), node('Flatten', ['x'], ['b'], [i('axis', 1)]),
      node('Flatten', ['x'], ['z'], [i('axis', 0)]), node('Reshape', ['a', 's'], ['r']), node('Reshape', ['z', 's'], ['q']), node('Add', ['q', 'b'], ['p']),
      node('Concat', ['r', 'p'], ['y'], [i('axis', 1)])], [ints('s', [-1, 12])]],
    'Gather on a float tensor, Cast to float': [[node('Gather', ['x', 'idx'], ['g'], [i('axis', 2)]), node('Cast', ['g'], ['c'], [i('to', DataType.FLOAT)]),
      node('Gather', ['c', 'one'], ['y'], [i('axis', 1)])], [ints('idx', [3, 0, -1]), ints('one', [1], [])]],
    'Constant forms, Erf, Gelu (opset 20)': [[node('Constant', [], ['k'], [{ name: 'value_float', type: AttributeType.FLOAT, f: 0.75 }]), node('Mul', ['x', 'k'], ['m']),
      node('Erf', ['m'], ['e']), node('Gelu', ['e'], ['y'], [{ name: 'approximate', type: AttributeType.STRING, s: new TextEncoder().encode('tanh') }])], [], 20],
    'LayerNormalization over the last two axes, no bias': [[node('LayerNormalization', ['x', 'sc'], ['y'], [i('axis', -2), f('epsilon', 1e-3)])], [floats('sc', [3, 4])], 17],
  };
  for (const [name, [nodes, inits, opset]] of Object.entries(CASES)) {
    it(name, async () => {
      const bytes = model(nodes, inits, [['batch', 3, 4]], opset ?? 13);
      await compare(bytes, [2, 3, 4], 7);
      await compare(bytes, [5, 3, 4], 8);
    });
  }
});

// ---- the API, misuse messages compared with onnxruntime-node's ------------------------------------

/** The error both engines give for the same call (class name and message). */
async function sameError(fk: () => unknown, fo: () => unknown): Promise<string> {
  const caught = async (f: () => unknown) => {
    try {
      await f();
    } catch (e) {
      return `${(e as Error).constructor.name}: ${(e as Error).message}`;
    }
    return 'no error';
  };
  const [k, o] = [await caught(fk), await caught(fo)];
  expect(k).toBe(o);
  return k;
}

describe('InferenceSession', () => {
  const bytes = model([gemmNode], gemm());

  it('loads from a path, a Buffer, a Uint8Array and an ArrayBuffer with offset and length', async () => {
    const path = new URL('mlp_op13.onnx', FIXTURES).pathname;
    const fromPath = await kort.InferenceSession.create(path, { executionProviders: ['cpu'] });
    expect(fromPath.inputNames).toEqual(['x']);
    expect(fromPath.outputNames).toEqual(['y']);
    await kort.InferenceSession.create(readFileSync(path));
    const ab = new ArrayBuffer(bytes.length + 10);
    new Uint8Array(ab, 5).set(bytes);
    const s = await kort.InferenceSession.create(ab, 5, bytes.length);
    expect(s.inputNames).toEqual(['x']);
    await sameError(() => kort.InferenceSession.create(ab, 5, bytes.length + 100), () => ort.InferenceSession.create(ab, 5, bytes.length + 100));
    await sameError(() => kort.InferenceSession.create(ab, -1), () => ort.InferenceSession.create(ab, -1));
    await sameError(() => kort.InferenceSession.create(42 as never), () => ort.InferenceSession.create(42 as never));
    await sameError(() => kort.InferenceSession.create(bytes, 7 as never), () => ort.InferenceSession.create(bytes, 7 as never));
    await expect(kort.InferenceSession.create('/nonexistent/model.onnx')).rejects.toThrow('Load model from /nonexistent/model.onnx failed');
  });

  it('misuse gets onnxruntime-node\'s messages', async () => {
    const k = await kort.InferenceSession.create(bytes), o = await ort.InferenceSession.create(bytes);
    const both = (f: (s: kort.InferenceSession | import('onnxruntime-node').InferenceSession, T: typeof kort.Tensor | typeof ort.Tensor) => unknown) =>
      sameError(() => f(k, kort.Tensor), () => f(o, ort.Tensor));
    // either engine's Tensor, typed as fitting either engine's run
    const x = (T: typeof kort.Tensor | typeof ort.Tensor, shape = [2, 4], type = 'float32'): never =>
      new (T as typeof kort.Tensor)(type as 'float32', type === 'int32' ? new Int32Array(shape.reduce((p, d) => p * d, 1)) as never : new Float32Array(shape.reduce((p, d) => p * d, 1)), shape) as never;
    expect(await both((s) => s.run({}))).toBe("Error: input 'x' is missing in 'feeds'.");
    await both((s, T) => s.run({ z: x(T) } as never));
    expect(await both((s, T) => s.run({ x: x(T, [2, 5]) }))).toMatch(/Got invalid dimensions for input: x/);
    expect(await both((s, T) => s.run({ x: x(T, [8]) }))).toMatch(/Invalid rank for input: x Got: 1 Expected: 2/);
    expect(await both((s, T) => s.run({ x: x(T, [2, 4], 'int32') }))).toBe('Error: Unexpected input data type. Actual: (tensor(int32)) , expected: (tensor(float))');
    await both((s) => s.run(null as never));
    await both((s, T) => s.run([x(T)] as never));
    await both((s, T) => s.run({ x: x(T) }, ['nope']));
    await both((s, T) => s.run({ x: x(T) }, []));
    await both((s, T) => s.run({ x: x(T) }, 3 as never));
    await k.release();
    await o.release();
    await both((s, T) => s.run({ x: x(T) }));
  });

  it('takes onnxruntime-node\'s own Tensors as feeds; fetches pick outputs; run options are accepted', async () => {
    const two = encodeModel({
      ir_version: 8, opset_import: [{ domain: '', version: 13 }],
      graph: {
        node: [gemmNode, node('Relu', ['y'], ['r']), node('Sigmoid', ['y'], ['s'])], initializer: gemm(),
        input: [valueInfo('x', ['batch', 4])], output: [{ name: 'r' }, { name: 's' }],
      },
    });
    const k = await kort.InferenceSession.create(two), o = await ort.InferenceSession.create(two);
    const data = rand(8, 5);
    const feed = new ort.Tensor('float32', data, [2, 4]);
    const all = await k.run({ x: feed as never });
    expect(Object.keys(all)).toEqual(['r', 's']);
    const one = await k.run({ x: feed as never }, ['s'], { logSeverityLevel: 3 });
    expect(Object.keys(one)).toEqual(['s']);
    const asObject = await k.run({ x: feed as never }, { r: null });
    expect(Object.keys(asObject)).toEqual(['r']);
    const want = await o.run({ x: feed });
    expect(Array.from(one.s.data as Float32Array)).toEqual(Array.from((want.s.data as Float32Array)).map((v) => expect.closeTo(v, 6)));
  });

  it('a result never shares memory with a feed or the model', async () => {
    const k = await kort.InferenceSession.create(model([node('Identity', ['x'], ['y'])]));
    const x = new kort.Tensor('float32', rand(8, 9), [2, 4]);
    const y = (await k.run({ x })).y;
    expect(y.data).not.toBe(x.data);
    expect(y.data.buffer).not.toBe(x.data.buffer);
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(x.data as Float32Array));
    const c = await kort.InferenceSession.create(model([node('Constant', [], ['y'], [{ name: 'value_floats', type: AttributeType.FLOATS, floats: [1, 2] }])], [], []));
    const first = (await c.run({})).y;
    (first.data as Float32Array)[0] = 99;
    expect(Array.from((await c.run({})).y.data as Float32Array)).toEqual([1, 2]);
  });

  it('run returns a promise that settles after the caller\'s synchronous code', async () => {
    const k = await kort.InferenceSession.create(fixture('layernorm_op13'));
    let settled = false;
    const p = k.run({ x: new kort.Tensor(rand(16, 1), [2, 8]) }).then((r) => { settled = true; return r; });
    expect(settled).toBe(false);
    expect((await p).y.dims).toEqual([2, 4]);
  });
});

describe('Tensor', () => {
  it('has onnxruntime-node\'s constructors and fields', () => {
    const d = new Float32Array(8);
    for (const [k, o] of [[new kort.Tensor('float32', d, [2, 4]), new ort.Tensor('float32', d, [2, 4])], [new kort.Tensor(d, [2, 4]), new ort.Tensor(d, [2, 4])],
      [new kort.Tensor(d), new ort.Tensor(d)], [new kort.Tensor('float32', [1, 2, 3, 4], [2, 2]), new ort.Tensor('float32', [1, 2, 3, 4], [2, 2])],
      [new kort.Tensor('int64', [1, 2], [2]), new ort.Tensor('int64', [1, 2], [2])], [new kort.Tensor(new Int32Array(3)), new ort.Tensor(new Int32Array(3))]] as const) {
      expect([k.type, k.dims, k.size, k.data.constructor.name]).toEqual([o.type, o.dims, o.size, o.data.constructor.name]);
    }
    expect(new kort.Tensor('float32', d, [2, 4]).data).toBe(d);
  });

  it('rejects what onnxruntime-node rejects, with its messages', async () => {
    const cases: [() => unknown, () => unknown][] = [
      [() => new kort.Tensor('float32', new Float32Array(5), [2, 4]), () => new ort.Tensor('float32', new Float32Array(5), [2, 4])],
      [() => new kort.Tensor('foo' as never, new Float32Array(8), [8]), () => new ort.Tensor('foo' as never, new Float32Array(8), [8])],
      [() => new kort.Tensor('float32', new Float32Array(8), [-2, -4]), () => new ort.Tensor('float32', new Float32Array(8), [-2, -4])],
      [() => new kort.Tensor('float32', new Float32Array(8), [2.5, 4]), () => new ort.Tensor('float32', new Float32Array(8), [2.5, 4])],
      [() => new kort.Tensor('float32', new Float32Array(8), 8 as never), () => new ort.Tensor('float32', new Float32Array(8), 8 as never)],
      [() => new kort.Tensor([1, 2] as never, [2]), () => new ort.Tensor([1, 2] as never, [2])],
    ];
    for (const [k, o] of cases) await sameError(k, o);
    expect(() => new kort.Tensor('float32', new Int32Array(8) as never, [8])).toThrow("A float32 tensor's data must be type of Float32Array");
    expect(() => new kort.Tensor('string' as never, ['a'] as never, [1])).toThrow("tensor type 'string' is not supported by kindling/onnxruntime");
  });

  it('getData, dispose and reshape', async () => {
    const t = new kort.Tensor(new Float32Array([1, 2, 3, 4]), [4]);
    expect(await t.getData()).toBe(t.data);
    expect(t.reshape([2, 2]).dims).toEqual([2, 2]);
    t.dispose();
  });
});
