// onnxruntime-node, CPU execution provider, default settings apart from the thread count.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { readF32 } from '../lib/data.mjs';
import { NotApplicable } from './not_applicable.mjs';
import { gemmGraph, opGraph, mlpGraph } from './onnx_graphs.mjs';

const require = createRequire(import.meta.url);
let ort, threads;

export async function init(n) {
  ort = require('onnxruntime-node');
  threads = n;
  const version = JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')).version;
  return { version, info: { threads: n, executionProvider: 'cpu' } };
}

const session = (bytes) => ort.InferenceSession.create(bytes, {
  executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
  executionMode: 'sequential', graphOptimizationLevel: 'all',
});

export async function build(c, files) {
  let feeds, bytes;
  if (c.suite === 'gemm') {
    bytes = gemmGraph(c.M, c.K, c.N);
    feeds = { a: new ort.Tensor('float32', readF32(files.a), [c.M, c.K]), b: new ort.Tensor('float32', readF32(files.b), [c.K, c.N]) };
  } else if (c.suite === 'ops') {
    bytes = opGraph(c.op, c.shape);
    feeds = { x: new ort.Tensor('float32', readF32(files.x), c.shape) };
  } else if (c.suite === 'mlp' || c.suite === 'floor') {
    bytes = mlpGraph(c.layers, c.acts, files);
    feeds = { x: new ort.Tensor('float32', readF32(files.x), [c.batch, c.layers[0]]) };
  } else {
    throw new NotApplicable('onnxruntime-node runs inference only');
  }
  const s = await session(bytes), name = s.outputNames[0];
  let out;
  return {
    run: async () => { out = (await s.run(feeds))[name]; },
    result: () => Float32Array.from(out.data),
    dispose: () => { s.release(); },
  };
}
