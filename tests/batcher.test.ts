import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';

const { DynamicBatcher, QueueFullError, BatcherClosedError } = torch.serve;

/**
 * A model whose forward is 10·x, resolved when the test says so (or on the next microtask with
 * auto); a row holding a negative value makes the whole call fail, as a bad request would.
 */
class FakeModel {
  calls: number[][][] = [];
  #pending: (() => void)[] = [];
  constructor(public auto = true, public inputShapes?: number[][]) {}
  forwardAsync(x: Tensor): Promise<Tensor> {
    const rows = x.tolist() as number[][];
    this.calls.push(rows);
    return new Promise((resolve, reject) => {
      const finish = () => (rows.flat().some((v) => v < 0) ? reject(new Error(`negative input in a batch of ${rows.length}`)) : resolve(x.mul(10)));
      if (this.auto) queueMicrotask(finish);
      else this.#pending.push(finish);
    });
  }
  /** Finishes the oldest call still running. */
  finishNext(): void {
    this.#pending.shift()!();
  }
  get running(): number {
    return this.#pending.length;
  }
}

const row = (...v: number[]) => torch.tensor([v]);
const values = (t: Tensor) => t.tolist();
/** Lets pending promise callbacks (and the batcher's reactions to them) run; no timer moves. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('DynamicBatcher with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces concurrent requests into one call after maxDelayMs, results back to each caller in order', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m, { maxDelayMs: 5 });
    const ps = [row(1, 2), row(3, 4), torch.tensor([[5, 6], [7, 8]])].map((x) => b.run(x));
    await vi.advanceTimersByTimeAsync(4);
    expect(m.calls).toEqual([]);
    expect(b.queued).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls).toEqual([[[1, 2], [3, 4], [5, 6], [7, 8]]]);
    const out = await Promise.all(ps);
    expect(out.map(values)).toEqual([[[10, 20]], [[30, 40]], [[50, 60], [70, 80]]]);
    // rows of their own, not views of the batch's output
    expect(new Set(out.map((t) => t._storage)).size).toBe(3);
    expect(out.map((t) => t.storage_offset())).toEqual([0, 0, 0]);
  });

  it('dispatches at once when maxBatchSize rows are queued, and the rest after the delay', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m, { maxBatchSize: 4, maxDelayMs: 50 });
    const ps = [row(1), torch.tensor([[2], [3]]), row(4)].map((x) => b.run(x));
    expect(m.calls).toEqual([[[1], [2], [3], [4]]]);
    ps.push(b.run(row(5)), b.run(row(6)));
    await vi.advanceTimersByTimeAsync(49);
    expect(m.calls.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls).toEqual([[[1], [2], [3], [4]], [[5], [6]]]);
    expect((await Promise.all(ps)).map(values)).toEqual([[[10]], [[20], [30]], [[40]], [[50]], [[60]]]);
  });

  it('never splits a request: one that does not fit closes the batch, one larger than maxBatchSize runs alone', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m, { maxBatchSize: 3, maxDelayMs: 1, maxInFlight: 4 });
    const big = torch.arange(5).view(5, 1);
    const ps = [b.run(row(0)), b.run(torch.tensor([[1], [2], [3]])), b.run(big), b.run(row(9))];
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls.map((c) => c.length)).toEqual([1, 3, 5, 1]);
    expect((await Promise.all(ps)).map((t) => t.shape[0])).toEqual([1, 3, 5, 1]);
  });

  it('keeps requests of different trailing shapes or dtypes in separate batches', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m);
    const ps = [b.run(row(1, 2)), b.run(row(3)), b.run(row(4, 5)), b.run(torch.tensor([[6, 7]], { dtype: torch.float64 }))];
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls).toEqual([[[1, 2], [4, 5]], [[3]], [[6, 7]]]);
    const out = await Promise.all(ps);
    expect(out.map(values)).toEqual([[[10, 20]], [[30]], [[40, 50]], [[60, 70]]]);
    expect(out[3].dtype).toBe(torch.float64);
  });

  it('holds at most maxInFlight batches; requests that arrive meanwhile form the next batch', async () => {
    const m = new FakeModel(false);
    const b = new DynamicBatcher(m, { maxDelayMs: 2 });
    const first = b.run(row(1));
    await vi.advanceTimersByTimeAsync(2);
    expect(m.calls.length).toBe(1);
    const later = [2, 3, 4].map((v) => b.run(row(v)));
    await vi.advanceTimersByTimeAsync(100);
    expect(m.calls.length).toBe(1);
    expect(b.inFlight).toBe(1);
    m.finishNext();
    expect(values(await first)).toEqual([[10]]);
    await flush();
    // its requests waited longer than maxDelayMs already: the next batch leaves as the slot frees
    expect(m.calls).toEqual([[[1]], [[2], [3], [4]]]);
    m.finishNext();
    expect((await Promise.all(later)).map(values)).toEqual([[[20]], [[30]], [[40]]]);
    expect(b.inFlight).toBe(0);
  });

  it('a failing request does not fail the others coalesced with it', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m);
    const ps = [row(1), row(-1), row(3)].map((x) => b.run(x));
    const outcome = Promise.allSettled(ps);
    await vi.advanceTimersByTimeAsync(1);
    const [a, bad, c] = await outcome;
    expect(a).toEqual({ status: 'fulfilled', value: expect.any(Tensor) });
    expect(values((a as PromiseFulfilledResult<Tensor>).value)).toEqual([[10]]);
    expect(values((c as PromiseFulfilledResult<Tensor>).value)).toEqual([[30]]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason.message).toBe('negative input in a batch of 1');
    // the batch, then each request alone
    expect(m.calls).toEqual([[[1], [-1], [3]], [[1]], [[-1]], [[3]]]);
  });

  it('a forwardAsync that throws or gives a wrong batch rejects with a clear error', async () => {
    const throwing = new DynamicBatcher({ forwardAsync: () => { throw new Error('boom'); } });
    const p1 = throwing.run(row(1));
    const shape = new DynamicBatcher({ forwardAsync: async (x: Tensor) => x.sum(0, true) });
    const p2 = shape.run(torch.tensor([[1], [2]]));
    const notTensor = new DynamicBatcher({ forwardAsync: async () => [1] as unknown as Tensor });
    const p3 = notTensor.run(row(1));
    const all = Promise.allSettled([p1, p2, p3]);
    await vi.advanceTimersByTimeAsync(1);
    const [r1, r2, r3] = (await all) as PromiseRejectedResult[];
    expect(r1.reason.message).toBe('boom');
    expect(r2.reason).toBeInstanceOf(RangeError);
    expect(r2.reason.message).toBe('DynamicBatcher: forwardAsync gave an output of shape [1, 1] for an input of 2 rows; dim 0 of the output must be the batch');
    expect(r3.reason).toBeInstanceOf(TypeError);
    expect(r3.reason.message).toBe('DynamicBatcher: forwardAsync must resolve to a Tensor, but it gave an array');
  });

  it('an aborted signal removes a queued request and rejects it with signal.reason', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m);
    const ac = new AbortController(), reason = new Error('client went away');
    const kept = b.run(row(1));
    const gone = b.run(row(2), { signal: ac.signal });
    const plain = new AbortController();
    const gone2 = b.run(row(3), { signal: plain.signal });
    ac.abort(reason);
    plain.abort();
    await expect(gone).rejects.toBe(reason);
    await expect(gone2).rejects.toMatchObject({ name: 'AbortError' });
    expect(b.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls).toEqual([[[1]]]);
    expect(values(await kept)).toEqual([[10]]);
  });

  it('a signal aborted before run() rejects at once; one aborted while running rejects, the batch goes on', async () => {
    const m = new FakeModel(false);
    const b = new DynamicBatcher(m);
    const reason = { why: 'early' };
    await expect(b.run(row(1), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(b.queued).toBe(0);
    const ac = new AbortController();
    const p = b.run(row(2), { signal: ac.signal }), q = b.run(row(3));
    await vi.advanceTimersByTimeAsync(1);
    expect(m.running).toBe(1);
    ac.abort('late');
    await expect(p).rejects.toBe('late');
    m.finishNext();
    expect(values(await q)).toEqual([[30]]);
    expect(m.calls).toEqual([[[2], [3]]]);
  });

  it('a full queue rejects at once with an error naming the limit, the queued requests unaffected', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m, { maxQueue: 2 });
    const ps = [b.run(row(1)), b.run(row(2))];
    const err = await b.run(row(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect((err as Error).message).toBe('DynamicBatcher queue is full (maxQueue=2): try again later');
    await vi.advanceTimersByTimeAsync(1);
    expect((await Promise.all(ps)).map(values)).toEqual([[[10]], [[20]]]);
    expect(m.calls).toEqual([[[1], [2]]]);
    // room again
    const p = b.run(row(4));
    await vi.advanceTimersByTimeAsync(1);
    expect(values(await p)).toEqual([[40]]);
  });

  it('close() dispatches the queue without waiting, resolves once everything is done, and refuses new requests', async () => {
    const m = new FakeModel(false);
    const b = new DynamicBatcher(m, { maxDelayMs: 1000, maxBatchSize: 2 });
    const ps = [1, 2, 3].map((v) => b.run(row(v)));
    expect(m.calls.length).toBe(1);
    let closed = false;
    const closing = b.close().then(() => (closed = true));
    expect(b.close()).toBe(b.close());
    const refused = await b.run(row(4)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BatcherClosedError);
    expect((refused as Error).message).toBe('DynamicBatcher is closed: run() was called after close()');
    m.finishNext();
    await flush();
    expect(m.calls).toEqual([[[1], [2]], [[3]]]);
    expect(closed).toBe(false);
    m.finishNext();
    await closing;
    expect((await Promise.all(ps)).map(values)).toEqual([[[10]], [[20]], [[30]]]);
    await expect(new DynamicBatcher(m).close()).resolves.toBeUndefined();
  });
});

describe('DynamicBatcher with real timers', () => {
  it('maxDelayMs 0 takes the requests made in the same turn of the event loop', async () => {
    const m = new FakeModel();
    const b = new DynamicBatcher(m, { maxDelayMs: 0 });
    const ps = [1, 2, 3].map((v) => b.run(row(v)));
    expect(m.calls).toEqual([]);
    expect((await Promise.all(ps)).map(values)).toEqual([[[10]], [[20]], [[30]]]);
    expect(m.calls).toEqual([[[1], [2], [3]]]);
  });

  it('runs a traced-like model with inputShapes, rejecting a request of another shape alone', async () => {
    const m = new FakeModel(true, [[-1, 2]]);
    const b = new DynamicBatcher(m, { maxDelayMs: 0 });
    const good = b.run(row(1, 2));
    const bad = b.run(row(1, 2, 3));
    await expect(bad).rejects.toThrow(new RangeError('DynamicBatcher.run(): the model takes inputs of shape [-1, 2] (dim 0 is the batch), but got [1, 3]'));
    await expect(b.run(torch.tensor([1, 2]))).rejects.toThrow('the model takes inputs of shape [-1, 2] (dim 0 is the batch), but got [2]');
    expect(values(await good)).toEqual([[10, 20]]);
    expect(m.calls).toEqual([[[1, 2]]]);
  });

  it('computes no gradient graph for inputs that require grad', async () => {
    const m = { forwardAsync: async (x: Tensor) => torch.no_grad(() => x.mul(2)) };
    const b = new DynamicBatcher(m, { maxDelayMs: 0 });
    const [a, c] = await Promise.all([b.run(torch.ones(1, 2, { requires_grad: true })), b.run(torch.ones(1, 2))]);
    expect(a.requires_grad).toBe(false);
    expect(values(c)).toEqual([[2, 2]]);
  });
});

describe('DynamicBatcher argument checks', () => {
  const m = new FakeModel();
  it('rejects bad models and options with TypeError or RangeError', () => {
    expect(() => new DynamicBatcher({} as never)).toThrow(new TypeError("DynamicBatcher: 'model' must have a forwardAsync(x) method (a traced module, say), not object"));
    expect(() => new DynamicBatcher(null as never)).toThrow(TypeError);
    expect(() => new DynamicBatcher(m, { maxBatchSize: 0 })).toThrow(new RangeError("DynamicBatcher: option 'maxBatchSize' must be a positive integer, but got 0"));
    expect(() => new DynamicBatcher(m, { maxQueue: 1.5 })).toThrow(new RangeError("DynamicBatcher: option 'maxQueue' must be a positive integer, but got 1.5"));
    expect(() => new DynamicBatcher(m, { maxInFlight: '2' as never })).toThrow(new TypeError("DynamicBatcher: option 'maxInFlight' must be a number, not string"));
    expect(() => new DynamicBatcher(m, { maxDelayMs: -1 })).toThrow(new RangeError("DynamicBatcher: option 'maxDelayMs' must be a non-negative number of milliseconds, but got -1"));
    expect(() => new DynamicBatcher(m, { maxDelayMs: NaN })).toThrow(RangeError);
    expect(() => new DynamicBatcher(m, { maxDelay: 1 } as never)).toThrow(new TypeError("DynamicBatcher got an unexpected option 'maxDelay' (known: maxBatchSize, maxDelayMs, maxQueue, maxInFlight)"));
    expect(() => new DynamicBatcher(m, 5 as never)).toThrow(TypeError);
    expect(() => new DynamicBatcher(m, { toString: 1 } as never)).toThrow("unexpected option 'toString'");
    expect(() => new DynamicBatcher(new FakeModel(true, [[-1, 2], [-1, 3]]))).toThrow(new TypeError('DynamicBatcher runs models with one input: model.inputShapes must be [[-1, ...dims]], but got [[-1,2],[-1,3]]'));
    const b = new DynamicBatcher(m);
    expect([b.maxBatchSize, b.maxDelayMs, b.maxQueue, b.maxInFlight]).toEqual([64, 0, 1024, 1]);
    expect(new DynamicBatcher(m, { maxBatchSize: undefined, maxDelayMs: 3 }).maxBatchSize).toBe(64);
  });

  it('run() rejects bad arguments without queueing them', async () => {
    const b = new DynamicBatcher(m);
    await expect(b.run([[1]] as never)).rejects.toThrow(new TypeError("DynamicBatcher.run(): argument 'x' must be Tensor, not an array"));
    await expect(b.run(torch.tensor(1))).rejects.toThrow(new RangeError('DynamicBatcher.run(): x must have a batch dim 0 of at least one row, but got shape []'));
    await expect(b.run(torch.zeros(0, 3))).rejects.toThrow(RangeError);
    await expect(b.run(row(1), { signal: {} as never })).rejects.toThrow(new TypeError("DynamicBatcher.run(): option 'signal' must be an AbortSignal, not object"));
    await expect(b.run(row(1), { timeout: 1 } as never)).rejects.toThrow(new TypeError("DynamicBatcher.run() got an unexpected option 'timeout'"));
    expect(b.queued).toBe(0);
  });
});
