/** Runs risky native work in a child node process, so a crash fails the test instead of killing the runner. */
import { spawn } from 'node:child_process';

export interface ChildResult {
  /** null when the child was killed by a signal (an abort is SIGABRT) */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `code` (CommonJS) with `node -e`, passing `args` as process.argv[1..]; kills it after `timeoutMs`. */
export function runNode(code: string, args: string[], timeoutMs = 20_000, env: NodeJS.ProcessEnv = process.env): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * A child script (for runNode, with the addon's path and a duration in ms as arguments) that starts
 * workers running `workerCode` one after another and terminates each at a random point until the
 * time is up, then prints `terminated N`. A worker posts a message once its work is under way; it
 * is stopped up to `maxDelayMs` after that, and every fourth one without waiting for it (it may
 * still be loading the addon).
 */
export function terminatingWorkers(workerCode: string, maxDelayMs: number): string {
  return `
const { Worker } = require('node:worker_threads');
const [path, ms] = [process.argv[1], Number(process.argv[2])];
const code = ${JSON.stringify(workerCode)};
const end = Date.now() + ms;
let n = 0;
function next() {
  if (Date.now() > end) return console.log('terminated ' + n);
  const w = new Worker(code, { eval: true, workerData: { path } });
  const stop = () => w.terminate().then(() => { n++; next(); });
  if (n % 4 === 3) setTimeout(stop, Math.random() * 10);
  else w.once('message', () => setTimeout(stop, Math.random() * ${maxDelayMs}));
  w.once('error', (e) => { console.error(e); process.exit(3); });
}
next();
`;
}
