// ONNX graphs for onnxruntime-node, built here from the same weight files (no Python, no export
// step): a MatMul of two inputs, one elementwise node (Identity for copy, an activation, Add or
// Mul), and the MLPs as Gemm(transB) + activations.
import { createRequire } from 'node:module';
import { readF32 } from '../lib/data.mjs';

const { onnx } = createRequire(import.meta.url)('onnx-proto');
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const OPSET = 20; // Gelu is an ONNX op from opset 20

const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
const value = (name, shape) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map(dim) } } } });
const init = (name, dims, data) => ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
const attrInt = (name, i) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });

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
