import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { startServer, type RunningServer } from '../examples/server.js';
import { createPredictServer, listen, shutdown } from '../examples/serve_http.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { output?: number[][]; error?: string };
}

/**
 * One request over its own connection. The server may answer before the whole body is sent (413)
 * and close: a write error after the reply is not the test's concern.
 */
function request(url: string, method: string, body?: string | Buffer, headers: http.OutgoingHttpHeaders = {}, agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.end(body);
  });
}

const post = (url: string, body: unknown, agent: http.Agent | false = false) =>
  request(`${url}/predict`, 'POST', typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': 'application/json' }, agent);

describe('examples/server.ts', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('listens on 127.0.0.1 and answers POST /predict with the model\'s output', async () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    torch.manual_seed(1);
    const x = torch.randn(3, 784);
    const r = await post(s.url, { input: x.tolist() });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const want = torch.no_grad(() => (s.model as unknown as (t: Tensor) => Tensor)(x));
    expect(r.body.output).toHaveLength(3);
    expect(torch.allclose(torch.tensor(r.body.output!), want, { rtol: 1e-5, atol: 1e-6 })).toBe(true);
  });

  it('gives concurrent requests (coalesced into batches) each its own rows', async () => {
    torch.manual_seed(2);
    const xs = Array.from({ length: 12 }, () => torch.randn(1, 784));
    const replies = await Promise.all(xs.map((x) => post(s.url, { input: x.tolist() })));
    const want = torch.no_grad(() => (s.model as unknown as (t: Tensor) => Tensor)(torch.cat(xs)));
    expect(replies.map((r) => r.status)).toEqual(xs.map(() => 200));
    expect(torch.allclose(torch.tensor(replies.map((r) => r.body.output![0])), want, { rtol: 1e-5, atol: 1e-6 })).toBe(true);
  });

  it('answers bad requests with 400 and a JSON error, and keeps serving', async () => {
    const row = new Array(784).fill(0.5);
    const cases: [unknown, string][] = [
      ['{"input": [[1, 2', 'malformed JSON: '],
      ['', 'malformed JSON: '],
      [[[1]], 'the body must be {"input": number[][]} with at least one row'],
      [{ inputs: [row] }, 'the body must be {"input": number[][]} with at least one row'],
      [{ input: [] }, 'the body must be {"input": number[][]} with at least one row'],
      [{ input: [row.slice(1)] }, 'input[0] must be an array of 784 numbers, got 783 values'],
      [{ input: [row, 7] }, 'input[1] must be an array of 784 numbers, got 7'],
      [{ input: [[...row.slice(1), '1']] }, 'input[0][783] must be a number, got "1"'],
      [{ input: [[null, ...row.slice(1)]] }, 'input[0][0] must be a number, got null'],
    ];
    for (const [body, error] of cases) {
      const r = await post(s.url, body);
      expect(r.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(r.body.error).toContain(error);
    }
    expect((await post(s.url, { input: [row] })).status).toBe(200);
  });

  it('answers 404 on other paths and 405 on other methods', async () => {
    const nf = await request(`${s.url}/predict/x`, 'POST', '{}');
    expect(nf.status).toBe(404);
    expect(nf.body.error).toBe('no such path /predict/x: the server answers POST /predict');
    const m = await request(`${s.url}/predict?v=1`, 'GET');
    expect(m.status).toBe(405);
    expect(m.headers.allow).toBe('POST');
    expect(m.body.error).toBe('GET is not allowed on /predict: use POST');
  });

  it('answers 413 to a body over the limit without reading it, declared or streamed', async () => {
    const big = Buffer.alloc(512 * 1024, 0x20);
    const declared = await request(`${s.url}/predict`, 'POST', big);
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe('request body of 524288 bytes is over the limit of 65536 bytes');
    expect(declared.headers.connection).toBe('close');
    const streamed = await request(`${s.url}/predict`, 'POST', big, { 'Transfer-Encoding': 'chunked' });
    expect(streamed.status).toBe(413);
    expect(streamed.body.error).toBe('request body is over the limit of 65536 bytes');
    const asked = await request(`${s.url}/predict`, 'POST', big, { Expect: '100-continue' });
    expect(asked.status).toBe(413);
    expect((await post(s.url, { input: [new Array(784).fill(0)] })).status).toBe(200);
  });
});

describe('serve_http with a held predictor', () => {
  it('answers 503 when the batcher queue is full, and drains on shutdown', async () => {
    const held: (() => void)[] = [];
    const model = { forwardAsync: (x: Tensor) => new Promise<Tensor>((r) => held.push(() => r(x.sum(1, true)))) };
    const batcher = new torch.serve.DynamicBatcher(model, { maxQueue: 1, maxDelayMs: 0 });
    const server = createPredictServer({ predictor: batcher, inputSize: 2 });
    const url = await listen(server, '127.0.0.1', 0);
    const keepAlive = new http.Agent({ keepAlive: true });
    try {
      const first = post(url, { input: [[1, 2]] }, keepAlive);
      while (batcher.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
      const second = post(url, { input: [[3, 4]] }, keepAlive);
      while (batcher.queued === 0) await new Promise((r) => setTimeout(r, 5));
      const full = await post(url, { input: [[5, 6]] }, keepAlive);
      expect(full.status).toBe(503);
      expect(full.headers['retry-after']).toBe('1');
      expect(full.headers.connection).toBe('keep-alive');
      expect(full.body.error).toBe('DynamicBatcher queue is full (maxQueue=1): try again later');
      // shutdown waits for the running and the queued request, which get their answers
      let stopped = false;
      const stopping = shutdown(server, () => batcher.close()).then(() => (stopped = true));
      held.shift()!();
      const one = await first;
      expect(one.body.output).toEqual([[3]]);
      // answers during shutdown end their keep-alive connections, so the server can close
      expect(one.headers.connection).toBe('close');
      while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(stopped).toBe(false);
      held.shift()!();
      const two = await second;
      expect(two.body.output).toEqual([[7]]);
      expect(two.headers.connection).toBe('close');
      await stopping;
      expect(server.listening).toBe(false);
    } finally {
      keepAlive.destroy();
      server.closeAllConnections();
      server.close();
    }
  });

  it('takes the request of a client that hangs up out of the queue', async () => {
    const held: (() => void)[] = [];
    const model = { forwardAsync: (x: Tensor) => new Promise<Tensor>((r) => held.push(() => r(x))) };
    const batcher = new torch.serve.DynamicBatcher(model);
    const server = createPredictServer({ predictor: batcher, inputSize: 1 });
    const url = await listen(server, '127.0.0.1', 0);
    try {
      const first = post(url, { input: [[1]] });
      while (batcher.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
      const req = http.request(`${url}/predict`, { method: 'POST', agent: false });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ input: [[2]] }));
      while (batcher.queued === 0) await new Promise((r) => setTimeout(r, 5));
      req.destroy();
      while (batcher.queued === 1) await new Promise((r) => setTimeout(r, 5));
      held.shift()!();
      expect((await first).body.output).toEqual([[1]]);
      // the second request never ran
      await shutdown(server, () => batcher.close());
      expect(held).toHaveLength(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
