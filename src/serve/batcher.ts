/**
 * torch.serve.DynamicBatcher: concurrent requests to one model coalesce along dim 0 into one
 * forwardAsync call, and each caller gets its own rows back. A batch leaves when maxBatchSize
 * rows of one trailing shape are queued, or maxDelayMs after its first request arrived; at most
 * maxInFlight batches run at once, so requests that arrive during a forward form the next batch
 * (the busier the server, the larger its batches).
 */
import { no_grad } from '../autograd/grad_mode.js';
import { describe } from '../ops/util.js';
import { Tensor } from '../tensor.js';
import { cat } from '../torch_functions.js';

/** What the batcher runs: a traced module, or anything with the same async forward. */
export interface AsyncModel {
  forwardAsync(x: Tensor): Promise<Tensor>;
  /** Input shapes with dim 0 = -1 (the batch): a request of another shape is rejected alone, at run(). */
  readonly inputShapes?: readonly (readonly number[])[];
}

export interface DynamicBatcherOptions {
  /** Rows (sum of the requests' dim 0) that make a batch leave at once. Default 64. */
  maxBatchSize?: number;
  /** How long the first request of a batch waits for others, in ms. Default 0: until the I/O callbacks of this turn of the event loop have run. */
  maxDelayMs?: number;
  /** Requests waiting (not yet running) beyond which run() rejects at once. Default 1024. */
  maxQueue?: number;
  /** Batches running at once. Default 1. */
  maxInFlight?: number;
}

export interface RunOptions {
  /** Aborting it rejects the request with signal.reason, and removes it from the queue if it has not started. */
  signal?: AbortSignal;
}

/** run() on a full queue: the request is rejected at once, the others are unaffected. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

/** run() after close(). */
export class BatcherClosedError extends Error {
  override name = 'BatcherClosedError';
}

interface Request {
  x: Tensor;
  rows: number;
  /** trailing shape and dtype: only requests with the same key can be concatenated */
  key: string;
  deadline: number;
  resolve(t: Tensor): void;
  reject(e: unknown): void;
  /** resolved, rejected or aborted: later outcomes are ignored */
  settled: boolean;
  running: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

// maxDelayMs 0: measured on the HTTP load test (MLP784), waiting 1 ms cost a lone client 3.5× its
// requests/s and gained nothing beyond the noise at 16 and 256 connections, where the batch in
// flight already makes the next one wait. maxInFlight 1: a traced module's forwardAsync runs its
// plans one at a time on one native thread, so a second batch would only wait there, smaller
// (measured: maxInFlight 2 served 35-45% fewer requests/s at 256 connections, 15-35% at 16).
const DEFAULTS = { maxBatchSize: 64, maxDelayMs: 0, maxQueue: 1024, maxInFlight: 1 };

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`DynamicBatcher: option '${name}' must be a number, not ${describe(v)}`);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`DynamicBatcher: option '${name}' must be a positive integer, but got ${v}`);
  return v;
}

export class DynamicBatcher {
  readonly model: AsyncModel;
  readonly maxBatchSize: number;
  readonly maxDelayMs: number;
  readonly maxQueue: number;
  readonly maxInFlight: number;
  readonly #trailing: readonly number[] | null;
  #queue: Request[] = [];
  /** rows queued per key, to see a full batch without walking the queue */
  #rowsByKey = new Map<string, number>();
  #inFlight = 0;
  /** cancels the armed timer, if any */
  #disarm: (() => void) | null = null;
  #timerDeadline = NaN;
  /** the latest deadline a timer has fired for: a timer may fire a little before the clock says so */
  #expired = -Infinity;
  #closing = false;
  #drained: Promise<void> | null = null;
  #onDrained: (() => void) | null = null;

  constructor(model: AsyncModel, options: DynamicBatcherOptions = {}) {
    if (model === null || typeof model !== 'object' && typeof model !== 'function' || typeof model.forwardAsync !== 'function') {
      throw new TypeError(`DynamicBatcher: 'model' must have a forwardAsync(x) method (a traced module, say), not ${describe(model)}`);
    }
    if (options === null || typeof options !== 'object') throw new TypeError(`DynamicBatcher: 'options' must be an object, not ${describe(options)}`);
    for (const k of Object.keys(options)) {
      if (!Object.hasOwn(DEFAULTS, k)) throw new TypeError(`DynamicBatcher got an unexpected option '${k}' (known: ${Object.keys(DEFAULTS).join(', ')})`);
    }
    // an option given as undefined takes its default, as an omitted one
    const o: Record<string, unknown> = { ...DEFAULTS };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) o[k] = v;
    this.maxBatchSize = positiveInt('maxBatchSize', o.maxBatchSize);
    this.maxQueue = positiveInt('maxQueue', o.maxQueue);
    this.maxInFlight = positiveInt('maxInFlight', o.maxInFlight);
    if (typeof o.maxDelayMs !== 'number') throw new TypeError(`DynamicBatcher: option 'maxDelayMs' must be a number, not ${describe(o.maxDelayMs)}`);
    if (!(o.maxDelayMs >= 0 && o.maxDelayMs < 2 ** 31)) throw new RangeError(`DynamicBatcher: option 'maxDelayMs' must be a non-negative number of milliseconds, but got ${o.maxDelayMs}`);
    this.maxDelayMs = o.maxDelayMs;
    this.#trailing = trailingShape(model.inputShapes);
    this.model = model;
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Batches running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Runs x (dim 0 is the request's own batch, usually 1) as part of a batch; resolves to the
   * model's output rows for x, a tensor of its own. x is read when its batch leaves: do not write
   * to it before the promise settles.
   */
  run(x: Tensor, options: RunOptions = {}): Promise<Tensor> {
    try {
      return this.#enqueue(x, options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Stops accepting requests (run() rejects with BatcherClosedError), dispatches the queued ones
   * without waiting for maxDelayMs, and resolves once they and the running batches are done.
   */
  close(): Promise<void> {
    if (!this.#drained) {
      this.#closing = true;
      this.#drained = new Promise((resolve) => (this.#onDrained = resolve));
      this.#pump();
    }
    return this.#drained;
  }

  #enqueue(x: Tensor, options: RunOptions): Promise<Tensor> {
    if (!(x instanceof Tensor)) throw new TypeError(`DynamicBatcher.run(): argument 'x' must be Tensor, not ${describe(x)}`);
    if (options === null || typeof options !== 'object') throw new TypeError(`DynamicBatcher.run(): 'options' must be an object, not ${describe(options)}`);
    for (const k of Object.keys(options)) if (k !== 'signal') throw new TypeError(`DynamicBatcher.run() got an unexpected option '${k}'`);
    const { signal } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`DynamicBatcher.run(): option 'signal' must be an AbortSignal, not ${describe(signal)}`);
    if (this.#closing) throw new BatcherClosedError('DynamicBatcher is closed: run() was called after close()');
    if (x.shape.length === 0 || x.shape[0] === 0) {
      throw new RangeError(`DynamicBatcher.run(): x must have a batch dim 0 of at least one row, but got shape [${x.shape.join(', ')}]`);
    }
    if (this.#trailing && !matches(x.shape, this.#trailing)) {
      throw new RangeError(`DynamicBatcher.run(): the model takes inputs of shape [-1, ${this.#trailing.join(', ')}] (dim 0 is the batch), but got [${x.shape.join(', ')}]`);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.length >= this.maxQueue) {
      throw new QueueFullError(`DynamicBatcher queue is full (maxQueue=${this.maxQueue}): try again later`);
    }
    return new Promise<Tensor>((resolve, reject) => {
      const r: Request = {
        x, rows: x.shape[0], key: `${x.dtype.name}[${x.shape.slice(1).join(',')}]`, deadline: now() + this.maxDelayMs,
        resolve, reject, settled: false, running: false, signal, onAbort: undefined,
      };
      if (signal) {
        r.onAbort = () => this.#abort(r);
        signal.addEventListener('abort', r.onAbort, { once: true });
      }
      this.#queue.push(r);
      this.#rowsByKey.set(r.key, (this.#rowsByKey.get(r.key) ?? 0) + r.rows);
      this.#pump();
    });
  }

  /** Dispatches every batch that is ready while there is room in flight, then arms the timer for the next one. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.maxInFlight) {
      const head = this.#queue[0];
      let key: string | undefined = head.key;
      if (!this.#closing && !this.#due(head)) {
        key = undefined;
        for (const [k, rows] of this.#rowsByKey) if (rows >= this.maxBatchSize) { key = k; break; }
        if (key === undefined) break;
      }
      this.#launch(this.#take(key));
    }
    this.#arm();
    if (this.#closing && this.#queue.length === 0 && this.#inFlight === 0) this.#onDrained?.();
  }

  /** maxDelayMs after arrival, or for maxDelayMs 0 once the I/O callbacks of that loop turn have run */
  #due(r: Request): boolean {
    return r.deadline <= this.#expired || (this.maxDelayMs > 0 && r.deadline <= now());
  }

  #arm(): void {
    const head = this.#queue[0];
    const want = head && this.#inFlight < this.maxInFlight ? head.deadline : NaN;
    if (want === this.#timerDeadline) return;
    this.#disarm?.();
    this.#disarm = null;
    this.#timerDeadline = want;
    if (Number.isNaN(want)) return;
    const fire = () => {
      this.#disarm = null;
      this.#timerDeadline = NaN;
      this.#expired = Math.max(this.#expired, want);
      this.#pump();
    };
    // maxDelayMs 0: wait only for the I/O callbacks of this loop turn (requests parsed together)
    if (this.maxDelayMs === 0) {
      const t = setImmediate(fire);
      this.#disarm = () => clearImmediate(t);
    } else {
      const t = setTimeout(fire, Math.max(0, want - now()));
      this.#disarm = () => clearTimeout(t);
    }
  }

  /** Removes and returns the oldest requests with this key, up to maxBatchSize rows (at least one request). */
  #take(key: string): Request[] {
    const batch: Request[] = [], rest: Request[] = [];
    let rows = 0, full = false;
    for (const r of this.#queue) {
      if (!full && r.key === key && (batch.length === 0 || rows + r.rows <= this.maxBatchSize)) {
        batch.push(r);
        rows += r.rows;
      } else {
        // keep first-come order within a key: a request that does not fit closes the batch
        if (r.key === key) full = true;
        rest.push(r);
      }
    }
    this.#queue = rest;
    const left = (this.#rowsByKey.get(key) ?? 0) - rows;
    if (left > 0) this.#rowsByKey.set(key, left);
    else this.#rowsByKey.delete(key);
    return batch;
  }

  #launch(batch: Request[]): void {
    this.#inFlight++;
    for (const r of batch) r.running = true;
    this.#runBatch(batch).finally(() => {
      this.#inFlight--;
      this.#pump();
    });
  }

  async #runBatch(batch: Request[]): Promise<void> {
    if (batch.length === 1) {
      await this.#runAlone(batch[0]);
      return;
    }
    let parts: Tensor[];
    try {
      const x = no_grad(() => cat(batch.map((r) => r.x), 0));
      const out = checked(await this.model.forwardAsync(x), x.shape[0]);
      let offset = 0;
      // each caller gets rows of its own, not a view that would keep the whole batch's output alive
      parts = no_grad(() => batch.map((r) => out.narrow(0, (offset += r.rows) - r.rows, r.rows).clone()));
    } catch {
      // one bad request must not fail the others: run each alone, so the error reaches its caller only
      for (const r of batch) if (!r.settled) await this.#runAlone(r);
      return;
    }
    batch.forEach((r, i) => settle(r, () => r.resolve(parts[i])));
  }

  async #runAlone(r: Request): Promise<void> {
    try {
      const out = checked(await this.model.forwardAsync(r.x), r.rows);
      settle(r, () => r.resolve(out));
    } catch (e) {
      settle(r, () => r.reject(e));
    }
  }

  #abort(r: Request): void {
    if (r.settled) return;
    if (!r.running) {
      this.#queue.splice(this.#queue.indexOf(r), 1);
      const left = (this.#rowsByKey.get(r.key) ?? 0) - r.rows;
      if (left > 0) this.#rowsByKey.set(r.key, left);
      else this.#rowsByKey.delete(r.key);
    }
    // a running request's rows are computed anyway; its caller stops waiting for them now
    settle(r, () => r.reject(r.signal!.reason));
    this.#pump();
  }
}

function settle(r: Request, how: () => void): void {
  if (r.settled) return;
  r.settled = true;
  if (r.onAbort) r.signal!.removeEventListener('abort', r.onAbort);
  how();
}

function checked(out: unknown, rows: number): Tensor {
  if (!(out instanceof Tensor)) throw new TypeError(`DynamicBatcher: forwardAsync must resolve to a Tensor, but it gave ${describe(out)}`);
  if (out.shape.length === 0 || out.shape[0] !== rows) {
    throw new RangeError(`DynamicBatcher: forwardAsync gave an output of shape [${out.shape.join(', ')}] for an input of ${rows} rows; dim 0 of the output must be the batch`);
  }
  return out;
}

/** The shape after dim 0 that inputShapes demands (-1 matches any size), or null when the model does not say. */
function trailingShape(inputShapes: AsyncModel['inputShapes']): number[] | null {
  if (inputShapes === undefined) return null;
  if (!Array.isArray(inputShapes) || inputShapes.length !== 1 || !Array.isArray(inputShapes[0]) || inputShapes[0].length === 0) {
    throw new TypeError(`DynamicBatcher runs models with one input: model.inputShapes must be [[-1, ...dims]], but got ${JSON.stringify(inputShapes)}`);
  }
  return inputShapes[0].slice(1);
}

function matches(shape: readonly number[], trailing: readonly number[]): boolean {
  return shape.length === trailing.length + 1 && trailing.every((d, i) => d === -1 || d === shape[i + 1]);
}

const now = (): number => performance.now();
