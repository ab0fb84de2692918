// onnxruntime-node, CPU execution provider, default settings apart from the thread count. With
// BENCH_ONNX_DROP_IN=1 the same code runs on kindling's drop-in (kindling/onnxruntime, from dist/):
// the same ONNX bytes, options and run loop, only the import changed, as a user would.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { readF32 } from '../lib/data.mjs';
import { NotApplicable } from './not_applicable.mjs';
import { gemmGraph, opGraph, mlpGraph, convGraph, mnistGraph, BINARY_OPS } from './onnx_graphs.mjs';

const require = createRequire(import.meta.url);
let ort, threads;
const dropIn = process.env.BENCH_ONNX_DROP_IN === '1';

export async function init(n) {
  if (dropIn) {
    ort = await import('../../dist/onnx/runtime.js');
    // the drop-in has no per-session thread setting: kindling's pool is the process's
    const torch = await import('../../dist/index.js');
    torch.set_num_threads(n);
    threads = n;
    const info = torch.backendInfo();
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return { version: pkg.version, info: { backend: info.backend, isa: info.isa ?? null, threads: torch.get_num_threads() } };
  }
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
  } else if (c.suite === 'ops' || c.suite === 'overhead') {
    if (c.out) throw new NotApplicable('onnxruntime-node has no out= (its outputs can be pre-bound, but not per op call from a graph-free API)');
    bytes = opGraph(c.op, c.shape);
    feeds = { x: new ort.Tensor('float32', readF32(files.x), c.shape) };
    if (BINARY_OPS.has(c.op)) feeds.x2 = new ort.Tensor('float32', readF32(files.y), c.shape);
  } else if (c.suite === 'mlp' || c.suite === 'floor') {
    bytes = mlpGraph(c.layers, c.acts, files);
    feeds = { x: new ort.Tensor('float32', readF32(files.x), [c.batch, c.layers[0]]) };
  } else if (c.suite === 'conv' && c.kind === 'layer') {
    bytes = convGraph(c.batch, c.cin, c.cout, c.hw, files);
    feeds = { x: new ort.Tensor('float32', readF32(files.x), [c.batch, c.cin, c.hw, c.hw]) };
  } else if (c.suite === 'conv') {
    bytes = mnistGraph(c.batch, files);
    feeds = { x: new ort.Tensor('float32', readF32(files.x), [c.batch, 1, 28, 28]) };
  } else {
    throw new NotApplicable('onnxruntime-node runs inference only');
  }
  const s = await session(bytes), name = s.outputNames[0];
  let out;
  if (c.op === 'copy' && await aliases(s, feeds.x, name)) {
    await s.release();
    throw new NotApplicable('the Identity graph hands back the input\'s own memory (no copy), so it cannot stand for a copy');
  }
  return {
    run: async () => { out = (await s.run(feeds))[name]; },
    result: () => Float32Array.from(out.data),
    dispose: () => { s.release(); },
  };
}

/** Whether an Identity graph's output is the input's memory: the same buffer, or a view that
 * changes when the input is written after the run. A copy is memory of its own. */
async function aliases(s, x, name) {
  const y = (await s.run({ x }))[name];
  if (y.data.buffer === x.data.buffer) return true;
  const v = x.data[0], before = y.data[0];
  x.data[0] = v + 1;
  const follows = y.data[0] !== before;
  x.data[0] = v;
  return follows;
}
