// ONNX graphs for onnxruntime-node, built here from the same weight files (no Python, no export
// step): a MatMul of two inputs, one elementwise node (Identity for copy, an activation, Add or
// Mul), the MLPs as Gemm(transB) + activations, and the MNIST CNN's Conv layers and whole model.
import { createRequire } from 'node:module';
import { readF32 } from '../lib/data.mjs';

const { onnx } = createRequire(import.meta.url)('onnx-proto');
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const OPSET = 20; // Gelu is an ONNX op from opset 20

const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
const value = (name, shape) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map(dim) } } } });
const init = (name, dims, data) => ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
const attrInt = (name, i) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const attrInts = (name, ints) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });

function model(nodes, inputs, outputs, initializer = []) {
  const m = onnx.ModelProto.create({
    irVersion: 9, producerName: 'kindling-benchmarks', opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: 'g', node: nodes, input: inputs, output: outputs, initializer },
  });
  return onnx.ModelProto.encode(m).finish();
}

const ACT = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', gelu: 'Gelu', softmax: 'Softmax' };
// copy: an Identity from the graph input to the graph output. ORT's planner gives a graph output
// its own buffer (AllocateOutput; it shares the input only inside a Loop body), so Identity copies.
const ELEMENTWISE = { ...ACT, copy: 'Identity', add: 'Add', mul: 'Mul' };
export const BINARY_OPS = new Set(['add', 'mul']);

export function gemmGraph(M, K, N) {
  return model([{ opType: 'MatMul', input: ['a', 'b'], output: ['c'] }], [value('a', [M, K]), value('b', [K, N])], [value('c', [M, N])]);
}

/** One elementwise node; add and mul take a second input `x2` of the same shape. */
export function opGraph(op, shape) {
  const inputs = BINARY_OPS.has(op) ? ['x', 'x2'] : ['x'];
  const node = { opType: ELEMENTWISE[op], input: inputs, output: ['y'], attribute: op === 'softmax' ? [attrInt('axis', -1)] : [] };
  return model([node], inputs.map((n) => value(n, shape)), [value('y', shape)]);
}

export function mlpGraph(layers, acts, files) {
  const nodes = [], inits = [];
  let x = 'x';
  for (let i = 0; i + 1 < layers.length; i++) {
    inits.push(init(`w${i}`, [layers[i + 1], layers[i]], readF32(files[`w${i}`])), init(`b${i}`, [layers[i + 1]], readF32(files[`b${i}`])));
    const last = i + 2 === layers.length;
    nodes.push({ opType: 'Gemm', input: [x, `w${i}`, `b${i}`], output: [last ? 'y' : `h${i}`], attribute: [attrInt('transB', 1)] });
    if (!last) {
      nodes.push({ opType: ACT[acts[i]], input: [`h${i}`], output: [`a${i}`] });
      x = `a${i}`;
    }
  }
  return model(nodes, [value('x', ['batch', layers[0]])], [value('y', ['batch', layers.at(-1)])], inits);
}

/** One Conv (3×3, stride 1, no padding) with its bias, on a batch of cin×hw×hw images. */
export function convGraph(batch, cin, cout, hw, files) {
  const node = { opType: 'Conv', input: ['x', 'w', 'b'], output: ['y'], attribute: [attrInts('kernel_shape', [3, 3])] };
  return model([node], [value('x', [batch, cin, hw, hw])], [value('y', [batch, cout, hw - 2, hw - 2])],
    [init('w', [cout, cin, 3, 3], readF32(files.c_w)), init('b', [cout], readF32(files.c_b))]);
}

/** PyTorch's examples/mnist CNN in eval mode (dropout is the identity): what torch.onnx.export writes for it. */
export function mnistGraph(batch, files) {
  const conv = (x, name, y) => ({ opType: 'Conv', input: [x, `${name}_w`, `${name}_b`], output: [y], attribute: [attrInts('kernel_shape', [3, 3])] });
  const nodes = [
    conv('x', 'conv1', 'c1'), { opType: 'Relu', input: ['c1'], output: ['r1'] },
    conv('r1', 'conv2', 'c2'), { opType: 'Relu', input: ['c2'], output: ['r2'] },
    { opType: 'MaxPool', input: ['r2'], output: ['p'], attribute: [attrInts('kernel_shape', [2, 2]), attrInts('strides', [2, 2])] },
    { opType: 'Flatten', input: ['p'], output: ['f'], attribute: [attrInt('axis', 1)] },
    { opType: 'Gemm', input: ['f', 'fc1_w', 'fc1_b'], output: ['h'], attribute: [attrInt('transB', 1)] },
    { opType: 'Relu', input: ['h'], output: ['r3'] },
    { opType: 'Gemm', input: ['r3', 'fc2_w', 'fc2_b'], output: ['z'], attribute: [attrInt('transB', 1)] },
    { opType: 'LogSoftmax', input: ['z'], output: ['y'], attribute: [attrInt('axis', 1)] },
  ];
  const shapes = { conv1_w: [32, 1, 3, 3], conv1_b: [32], conv2_w: [64, 32, 3, 3], conv2_b: [64], fc1_w: [128, 9216], fc1_b: [128], fc2_w: [10, 128], fc2_b: [10] };
  const inits = Object.entries(shapes).map(([n, d]) => init(n, d, readF32(files[n])));
  return model(nodes, [value('x', [batch, 1, 28, 28])], [value('y', [batch, 10])], inits);
}
