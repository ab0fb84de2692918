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
