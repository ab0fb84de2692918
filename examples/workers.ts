// Serving one model from several worker_threads: `node build/examples/workers.js [workers]`.
//
// The main thread owns the model and its weights; each worker loads kindling, builds the same
// architecture, loads the weights (sent as a state_dict of Float32Arrays), traces it once and
// answers requests with the traced module. Requests go to the workers round-robin, so N requests
// in flight compute on N threads while the main thread's event loop stays free. This file is both
// sides: imported, it gives WorkerPool; loaded as a worker, it serves.
import { Worker, isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as torch from 'kindling';
import { nn, Tensor } from 'kindling';

/** The served model; the main thread and every worker build it from this one definition. */
export function buildModel() {
  return new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
}
export const INPUT_FEATURES = 784;

/** A state_dict as plain typed arrays and shapes: what postMessage can carry to a worker. */
export type Weights = Record<string, { data: Float32Array; shape: number[] }>;

export function exportWeights(model: nn.Module): Weights {
  const out: Weights = {};
  for (const [k, v] of Object.entries(model.state_dict())) out[k] = { data: Float32Array.from(v.contiguous().toTypedArray() as Float32Array), shape: [...v.shape] };
  return out;
}

function importWeights(model: nn.Module, weights: Weights) {
  model.load_state_dict(Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, torch.frombuffer(w.data).view(w.shape)])));
}

type Request = { id: number; data: Float32Array; shape: number[] };
type Reply = { id: number; data?: Float32Array; shape?: number[]; error?: string; threadId: number };

/** N workers serving one model; run() sends each request to the next worker in turn. */
export class WorkerPool {
  private next = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (r: Reply) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.resolve(r);
      });
      // a worker that dies takes its requests with it: they fail, the other workers' do not
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => this.failAll(new Error(`a serving worker exited (code ${code})`)));
    }
  }

  /** Starts n workers on the given weights; resolves once every one has traced the model. */
  static async start(n: number, weights: Weights): Promise<WorkerPool> {
    const file = fileURLToPath(import.meta.url);
    const workers = Array.from({ length: n }, () => new Worker(file, { workerData: { servingWorker: true, weights } }));
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    })));
    return new WorkerPool(workers);
  }

  /** The model's output for x; computed in a worker, the next one in turn. */
  async run(x: Tensor): Promise<{ y: Tensor; threadId: number }> {
    const id = this.nextId++, w = this.workers[this.next];
    this.next = (this.next + 1) % this.workers.length;
    const data = Float32Array.from(x.contiguous().toTypedArray() as Float32Array);
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, data, shape: [...x.shape] } satisfies Request, [data.buffer]);
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return { y: torch.frombuffer(reply.data!).view(reply.shape!), threadId: reply.threadId };
  }

  async close() {
    for (const w of this.workers) w.removeAllListeners('exit');
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('the worker pool was closed'));
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

// The worker side: build, load, trace once, then answer each request synchronously (the worker
// has its own event loop; nothing else waits on it).
if (!isMainThread && workerData?.servingWorker) {
  // the native kernels' thread pool is one per process: with a worker per core, each computes on
  // its own thread instead of all queueing for the pool
  torch.set_num_threads(1);
  const model = buildModel();
  importWeights(model, workerData.weights as Weights);
  model.eval();
  const traced = torch.jit.trace(model, torch.zeros(1, INPUT_FEATURES));
  const port = parentPort!;
  port.on('message', ({ id, data, shape }: Request) => {
    try {
      const y = traced(torch.frombuffer(data).view(shape));
      const out = Float32Array.from(y.toTypedArray() as Float32Array);
      port.postMessage({ id, data: out, shape: [...y.shape], threadId } satisfies Reply, [out.buffer]);
    } catch (e) {
      port.postMessage({ id, error: (e as Error).message, threadId } satisfies Reply);
    }
  });
  port.postMessage({ ready: true });
}

// `node build/examples/workers.js [workers]`: serve 2048 requests from 4 workers and check them
// against the model run in the main thread, one request after another.
if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 4);
  torch.manual_seed(0);
  const model = buildModel();
  model.eval();
  const requests = Array.from({ length: 2048 }, (_, i) => torch.randn(1 + (i % 8), INPUT_FEATURES));
  const traced = torch.jit.trace(model, requests[0]);
  const expected = requests.map((x) => traced(x));

  const pool = await WorkerPool.start(n, exportWeights(model));
  const t0 = performance.now();
  const answers = await Promise.all(requests.map((x) => pool.run(x)));
  const sec = (performance.now() - t0) / 1e3;
  await pool.close();

  const same = answers.every(({ y }, i) => torch.equal(y, expected[i]));
  const samples = requests.reduce((s, x) => s + x.shape[0], 0);
  console.log(`${n} workers, ${requests.length} requests (${samples} samples) in ${sec.toFixed(2)} s: ${(requests.length / sec).toFixed(0)} requests/s`);
  console.log(`answered by ${new Set(answers.map((a) => a.threadId)).size} workers; equal to the main thread's sequential run: ${same}`);
  if (!same) process.exitCode = 1;
}
