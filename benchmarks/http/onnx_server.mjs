// The onnxruntime-node twin of examples/server.ts for the HTTP load test: the same HTTP code
// (build/examples/serve_http.js) and the same torch.serve.DynamicBatcher, over an adapter whose
// forwardAsync runs an ORT session of the same MLP (weights from raw float32 files, the ONNX graph
// built by workers/onnx_graphs.mjs).
//   node benchmarks/http/onnx_server.mjs --weights DIR --threads N [--port 0] [--max-batch-size ...]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { mlpGraph } from '../workers/onnx_graphs.mjs';
import { MODELS } from '../lib/suites.mjs';
import { createPredictServer, listen, shutdown } from '../../build/examples/serve_http.js';

const torch = await import('../../dist/index.js');
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const { values: a } = parseArgs({
  options: {
    weights: { type: 'string' }, threads: { type: 'string', default: '1' }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' },
    'max-batch-size': { type: 'string' }, 'max-delay-ms': { type: 'string' }, 'max-queue': { type: 'string' }, 'max-in-flight': { type: 'string' },
  },
});
const num = (v) => (v === undefined ? undefined : Number(v));
const { layers, acts } = MODELS.MLP784;
const files = Object.fromEntries(fs.readdirSync(a.weights).filter((f) => f.endsWith('.bin')).map((f) => [path.basename(f, '.bin'), path.join(a.weights, f)]));

const session = await ort.InferenceSession.create(mlpGraph(layers, acts, files), {
  executionProviders: ['cpu'], intraOpNumThreads: Number(a.threads), interOpNumThreads: 1,
  executionMode: 'sequential', graphOptimizationLevel: 'all',
});
const [inName] = session.inputNames, [outName] = session.outputNames;
const model = {
  inputShapes: [[-1, layers[0]]],
  async forwardAsync(x) {
    const rows = x.shape[0];
    const out = (await session.run({ [inName]: new ort.Tensor('float32', x.contiguous().toTypedArray(), [rows, layers[0]]) }))[outName];
    return torch.frombuffer(out.data).view(rows, layers.at(-1));
  },
};

const batcher = new torch.serve.DynamicBatcher(model, {
  maxBatchSize: num(a['max-batch-size']), maxDelayMs: num(a['max-delay-ms']), maxQueue: num(a['max-queue']), maxInFlight: num(a['max-in-flight']),
});
const server = createPredictServer({ predictor: batcher, inputSize: layers[0] });
const url = await listen(server, a.host, Number(a.port));
const version = JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')).version;
console.log(`listening on ${url} (onnxruntime-node ${version}, ${a.threads} thread${a.threads === '1' ? '' : 's'}): POST /predict {"input": number[][]}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => shutdown(server, () => batcher.close()).then(() => process.exit(0)));
