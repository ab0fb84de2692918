// The HTTP side of the inference server, engine-agnostic: POST /predict with {"input": number[][]}
// answers {"output": number[][]} through anything with a batcher's run(). examples/server.ts runs
// it over a traced kindling model; the HTTP load test (benchmarks/http/) runs the very same code
// over onnxruntime-node.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as torch from 'kindling';
import type { Tensor } from 'kindling';

export interface Predictor {
  run(x: Tensor, options?: { signal?: AbortSignal }): Promise<Tensor>;
}

export interface PredictServerOptions {
  /** A torch.serve.DynamicBatcher, usually. */
  predictor: Predictor;
  /** Numbers per input row (784 for an MNIST-sized MLP). */
  inputSize: number;
  /** A larger request body gets 413 and is not read further. Default 1 MiB. */
  maxBodyBytes?: number;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request body as text, or an HttpError 413 as soon as it exceeds the limit (the rest is not read). */
function readBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${limit} bytes`));
    // a client that asked first (Expect: 100-continue) sends the body only now
    if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(new HttpError(413, `request body is over the limit of ${limit} bytes`));
      } else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The rows of {"input": number[][]} as one float32 tensor [rows, inputSize], or an HttpError 400 saying what is wrong. */
export function parseInput(text: string, inputSize: number): Tensor {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `malformed JSON: ${(e as Error).message}`);
  }
  const rows = (body as { input?: unknown } | null)?.input;
  if (typeof body !== 'object' || Array.isArray(body) || !Array.isArray(rows) || rows.length === 0) {
    throw new HttpError(400, 'the body must be {"input": number[][]} with at least one row');
  }
  const data = new Float32Array(rows.length * inputSize);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== inputSize) {
      throw new HttpError(400, `input[${i}] must be an array of ${inputSize} numbers, got ${Array.isArray(row) ? `${row.length} values` : JSON.stringify(row)}`);
    }
    for (let j = 0; j < inputSize; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') throw new HttpError(400, `input[${i}][${j}] must be a number, got ${JSON.stringify(v)}`);
      data[i * inputSize + j] = v;
    }
  });
  return torch.frombuffer(data).view(rows.length, inputSize);
}

/** The answer to a POST /predict: its output rows, or a thrown HttpError; undefined when the client has gone. */
async function predict(req: http.IncomingMessage, res: http.ServerResponse, o: Required<PredictServerOptions>): Promise<{ output: unknown } | undefined> {
  const x = parseInput(await readBody(req, res, o.maxBodyBytes), o.inputSize);
  // a client that hangs up stops waiting: its request leaves the queue if it has not run yet
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  let y: Tensor;
  try {
    y = await o.predictor.run(x, { signal: gone.signal });
  } catch (e) {
    if (gone.signal.aborted) return undefined;
    const name = (e as Error).name;
    // QueueFullError, BatcherClosedError: the server is overloaded or shutting down
    if (name === 'QueueFullError' || name === 'BatcherClosedError') throw new HttpError(503, (e as Error).message);
    throw e;
  }
  return { output: y.tolist() };
}

/** The request listener: /predict is the only route, POST its only method; every error is JSON. */
function predictListener(options: PredictServerOptions, server: http.Server): http.RequestListener {
  const o: Required<PredictServerOptions> = { ...options, maxBodyBytes: options.maxBodyBytes ?? 1 << 20 };
  return (req, res) => {
    const reply = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      // shutting down: every answer ends its keep-alive connection, so the server can close
      if (!server.listening) headers.Connection = 'close';
      send(res, status, body, headers);
    };
    const path = (req.url ?? '/').split('?')[0];
    let done: Promise<{ output: unknown } | undefined>;
    if (path !== '/predict') done = Promise.reject(new HttpError(404, `no such path ${path}: the server answers POST /predict`));
    else if (req.method !== 'POST') done = Promise.reject(new HttpError(405, `${req.method} is not allowed on /predict: use POST`));
    else done = predict(req, res, o);
    done.then((body) => {
      if (body) reply(200, body);
    }, (e: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const status = e instanceof HttpError ? e.status : 500;
      const headers: http.OutgoingHttpHeaders = {};
      if (status === 405) headers.Allow = 'POST';
      if (status === 503) headers['Retry-After'] = '1';
      // the unread rest of a body is not worth reading: close the connection once answered
      if (status === 413 || !req.complete) headers.Connection = 'close';
      reply(status, { error: e instanceof HttpError ? e.message : `inference failed: ${(e as Error).message}` }, headers);
    });
  };
}

export function createPredictServer(options: PredictServerOptions): http.Server {
  const server = http.createServer();
  const listener = predictListener(options, server);
  // Expect: 100-continue reaches the same listener, which answers 413 before the body is sent
  return server.on('request', listener).on('checkContinue', listener);
}

/** Listens on host:port (port 0: any free port); resolves to the server's URL. */
export function listen(server: http.Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

/**
 * Stops accepting connections and closes the idle ones, runs `drain` (the batcher's close(): the
 * requests already queued or running get their answers), and resolves once every connection has
 * closed (each answer from now on says Connection: close; requests still arriving get 503).
 */
export async function shutdown(server: http.Server, drain: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await drain();
  await closed;
}
