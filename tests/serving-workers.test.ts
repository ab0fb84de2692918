/**
 * The worker_threads serving pattern of examples/workers.ts: several workers, each loading kindling
 * and tracing its own copy of one model from weights sent by the main thread, serve concurrent
 * requests round-robin and give the same bits as the traced model run sequentially in the main
 * thread. A worker runs a file, so the example is the built one (build/examples/, run by `npm run
 * build`); its workers load the built package, while here it runs on the sources, as tests do.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';

const example = new URL('../build/examples/workers.js', import.meta.url);

describe('serving from worker_threads', () => {
  it('answers concurrent requests from four workers with the bits of a sequential run, and a bad request fails alone', async () => {
    if (!existsSync(fileURLToPath(example))) throw new Error('the workers run the built example: run npm run build first');
    const ex = await import(example.href);
    // two threads here, one in each worker (their setting): a traced model's bits do not depend on it
    torch.set_num_threads(2);
    torch.manual_seed(1);
    const model = ex.buildModel().eval();
    const requests = Array.from({ length: 96 }, (_, i) => torch.randn(1 + (i % 8) * 11, ex.INPUT_FEATURES));
    const traced = torch.jit.trace(model, requests[0]);
    const expected = requests.map((x) => traced(x));

    const pool = await ex.WorkerPool.start(4, ex.exportWeights(model));
    try {
      const answers: { y: Tensor; threadId: number }[] = await Promise.all(requests.map((x) => pool.run(x)));
      answers.forEach(({ y }, i) => {
        expect(y.shape, `request ${i}`).toEqual(expected[i].shape);
        expect(torch.equal(y, expected[i]), `request ${i}: not the bits of the sequential run`).toBe(true);
      });
      expect(new Set(answers.map((a) => a.threadId)).size).toBe(4);

      await expect(pool.run(torch.randn(2, 5))).rejects.toThrow(/shape|size|mat/i);
      const again = await pool.run(requests[7]);
      expect(torch.equal(again.y, expected[7])).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
