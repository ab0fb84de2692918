// node benchmarks/threads_lowered.mjs [size=192] [high=64] [rounds=3]
// Whether a lowered thread count runs as fast as that count from the start: median torch.mm time
// at n threads after set_num_threads(high) -> (n), against set_num_threads(n) from the start, for
// n = 1 and 2. Each measurement is a fresh process; the configurations alternate, round by round.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [size = 192, high = 64, rounds = 3] = process.argv.slice(2, 5).map(Number);

if (process.env.THREADS_LOWERED_CHILD) {
  const torch = await import('../dist/index.js');
  const [from, n] = process.env.THREADS_LOWERED_CHILD.split(',').map(Number);
  const a = torch.randn(size, size), b = torch.randn(size, size);
  if (from) {
    torch.set_num_threads(from);
    for (let i = 0; i < 50; i++) torch.mm(a, b);
  }
  torch.set_num_threads(n);
  for (let i = 0; i < 50; i++) torch.mm(a, b);
  const t = [];
  for (let i = 0; i < 301; i++) {
    const t0 = process.hrtime.bigint();
    torch.mm(a, b);
    t.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  t.sort((x, y) => x - y);
  console.log(t[150]);
} else {
  const self = fileURLToPath(import.meta.url);
  const configs = [[0, 1], [high, 1], [0, 2], [high, 2]];
  const runs = new Map(configs.map((c) => [c.join(','), []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of configs) {
      const out = execFileSync(process.execPath, [self, String(size)], { env: { ...process.env, THREADS_LOWERED_CHILD: c.join(',') } });
      runs.get(c.join(',')).push(Number(out.toString()));
    }
  }
  console.log(`torch.mm ${size}x${size}x${size}, median µs per call in each of ${rounds} processes:`);
  for (const [from, n] of configs) {
    const label = from ? `set_num_threads(${from}) -> (${n})` : `set_num_threads(${n}) from the start`;
    console.log(`  ${label.padEnd(34)} ${runs.get(`${from},${n}`).map((v) => v.toFixed(1)).join('  ')}`);
  }
}
