// `npm run serve [-- --port 8080 --state-dict weights.json --threads 2]`: an HTTP JSON inference
// server. It builds an MLP (784-512-512-10, relu; seeded, or loaded from a state_dict JSON),
// traces it with torch.jit.trace, and answers POST /predict {"input": number[][]} with
// {"output": number[][]} through a torch.serve.DynamicBatcher, so concurrent requests share one
// forward. Listens on 127.0.0.1 unless told otherwise; SIGINT/SIGTERM stop it gracefully.
import fs from 'node:fs';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as torch from 'kindling';
import { nn } from 'kindling';
import { createPredictServer, listen, shutdown } from './serve_http.js';

export const LAYERS = [784, 512, 512, 10];

/**
 * The MLP, with torch.manual_seed(seed)'s initial weights or those of a state_dict JSON file:
 * {"0.weight": number[][], "0.bias": number[], "2.weight": ..., ...} (the keys of model.state_dict()).
 */
export function buildModel(stateDictPath?: string, seed = 0): nn.Sequential {
  torch.manual_seed(seed);
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < LAYERS.length; i++) {
    if (i > 0) layers.push(new nn.ReLU());
    layers.push(new nn.Linear(LAYERS[i], LAYERS[i + 1]));
  }
  const model = new nn.Sequential(...layers);
  if (stateDictPath) {
    const json = JSON.parse(fs.readFileSync(stateDictPath, 'utf8')) as Record<string, number[] | number[][]>;
    model.load_state_dict(Object.fromEntries(Object.entries(json).map(([k, v]) => [k, torch.tensor(v)])));
  }
  return model.eval();
}

export interface ServerOptions {
  host?: string;
  port?: number;
  stateDict?: string;
  maxBatchSize?: number;
  maxDelayMs?: number;
  maxQueue?: number;
  maxInFlight?: number;
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  server: http.Server;
  model: nn.Module;
  close(): Promise<void>;
}

export async function startServer(o: ServerOptions = {}): Promise<RunningServer> {
  const model = buildModel(o.stateDict);
  const traced = torch.jit.trace(model, torch.zeros(1, LAYERS[0]));
  const batcher = new torch.serve.DynamicBatcher(traced, {
    maxBatchSize: o.maxBatchSize, maxDelayMs: o.maxDelayMs, maxQueue: o.maxQueue, maxInFlight: o.maxInFlight,
  });
  const server = createPredictServer({ predictor: batcher, inputSize: LAYERS[0], maxBodyBytes: o.maxBodyBytes });
  const url = await listen(server, o.host ?? '127.0.0.1', o.port ?? 8080);
  return { url, server, model, close: () => shutdown(server, () => batcher.close()) };
}

function flags(): ServerOptions & { threads?: number } {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' }, port: { type: 'string' }, 'state-dict': { type: 'string' }, threads: { type: 'string' },
      'max-batch-size': { type: 'string' }, 'max-delay-ms': { type: 'string' }, 'max-queue': { type: 'string' }, 'max-in-flight': { type: 'string' }, 'max-body-bytes': { type: 'string' },
    },
  });
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new RangeError(`--${name} must be a number, got '${v}'`);
    return n;
  };
  return {
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    port: num('port', values.port ?? process.env.PORT) ?? 8080,
    stateDict: values['state-dict'],
    threads: num('threads', values.threads),
    maxBatchSize: num('max-batch-size', values['max-batch-size']),
    maxDelayMs: num('max-delay-ms', values['max-delay-ms']),
    maxQueue: num('max-queue', values['max-queue']),
    maxInFlight: num('max-in-flight', values['max-in-flight']),
    maxBodyBytes: num('max-body-bytes', values['max-body-bytes']),
  };
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = flags();
  } catch (e) {
    console.error(`server: ${(e as Error).message}`);
    process.exit(2);
  }
  if (opts.threads !== undefined) torch.set_num_threads(opts.threads);
  const s = await startServer(opts);
  const info = torch.backendInfo();
  // the load test reads this line for the URL
  const n = torch.get_num_threads();
  console.log(`listening on ${s.url} (kindling ${info.backend} backend, ${n} thread${n === 1 ? '' : 's'}): POST /predict {"input": number[][]}`);
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(130); // a second signal: stop now
      stopping = true;
      console.log(`${sig}: finishing the requests in progress`);
      s.close().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) await main();
