// node benchmarks/memory_sync_loop.mjs [reps=5]
// What memory a result gets inside a synchronous loop, where the event loop never turns (the
// numbers docs/memory.md quotes). Per size, the median µs of one "result" (fill an n-float array
// with a copy of x) when the array is:
//   reused     the same array every time (out=, the warm case)
//   pooled     taken from kindling's pool and given back at once (what the backward pass does)
//   fresh      new Float32Array(n) (zeroed by V8), dropped after use
//   unsafe     Buffer.allocUnsafeSlow (what kindling allocates above 16 KiB), dropped after use
// then how many bytes of dropped buffers wait for V8 at the worst point of a long loop, and
// whether FinalizationRegistry callbacks (like N-API finalizers) ran before the loop ended.
import { newArrayForOverwrite, reclaim } from '../dist/memory.js';
import { float32 } from '../dist/dtype.js';
// loaded first, as in any kindling process: the native addon tunes glibc's malloc (docs/memory.md)
import { backendInfo } from '../dist/backend/index.js';

const reps = Number(process.argv[2] ?? 5);
console.log(`backend: ${backendInfo().backend}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function time(n, make, iters) {
  const x = new Float32Array(n).fill(1.5);
  const one = () => { const a = make(); a.set(x); return a; };
  for (let i = 0; i < iters; i++) one();
  const per = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) one();
    per.push(Number(process.hrtime.bigint() - t0) / iters / 1e3);
  }
  return median(per);
}

console.log('| floats | reused | pooled | fresh | unsafe | fresh ÷ reused |');
console.log('|---|---|---|---|---|---|');
for (const n of [1e4, 1e5, 1e6]) {
  const iters = Math.max(200, Math.round(4e8 / (n * 4)));
  const kept = new Float32Array(n);
  const ways = {
    reused: () => kept,
    pooled: () => { const a = newArrayForOverwrite(float32, n); reclaim(a); return a; },
    fresh: () => new Float32Array(n),
    unsafe: () => new Float32Array(Buffer.allocUnsafeSlow(n * 4).buffer, 0, n),
  };
  const us = {};
  // interleaved, so a noisy neighbour hits every way alike
  for (const [name, make] of Object.entries(ways)) us[name] = time(n, make, iters);
  const f = (v) => v.toFixed(2);
  console.log(`| ${n.toExponential()} | ${f(us.reused)} | ${f(us.pooled)} | ${f(us.fresh)} | ${f(us.unsafe)} | ${(us.fresh / us.reused).toFixed(1)}× |`);
}

// Dropped buffers waiting for the collector: the most process.memoryUsage().arrayBuffers reached
// beyond the live set while 2000 dropped 400 KB results were made in one synchronous loop.
{
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  for (let i = 0; i < 2000; i++) {
    new Float32Array(Buffer.allocUnsafeSlow(400_000).buffer).fill(1);
    if (i % 10 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  }
  console.log(`\ndropped buffers awaiting the collector, worst point of the loop: ${(peak / 2 ** 20).toFixed(0)} MiB (of ${(2000 * 0.4).toFixed(0)} MB made)`);
}

// FinalizationRegistry: callbacks only run after the loop yields to the event loop.
{
  let ran = 0;
  const registry = new FinalizationRegistry(() => { ran++; });
  for (let i = 0; i < 20000; i++) {
    registry.register({ payload: new Float32Array(Buffer.allocUnsafeSlow(40_000).buffer) }, i);
  }
  const inLoop = ran;
  await new Promise((r) => setTimeout(r, 50));
  console.log(`FinalizationRegistry callbacks run inside the synchronous loop: ${inLoop}; after one turn of the event loop: ${ran}`);
}

// A training step (MLP 784-512-512-10, batch 64, cross-entropy, SGD with momentum, zero_grad(true)
// before each step): bytes of results above the slab sizes per step, fresh against reused.
{
  const torch = await import('../dist/index.js');
  const { allocationCounts } = await import('../dist/memory.js');
  const { nn, optim } = torch;
  torch.manual_seed(0);
  const net = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
  const x = torch.randn([64, 784]), y = torch.randint(0, 10, [64]);
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 }), lossFn = new nn.CrossEntropyLoss();
  const step = () => { opt.zero_grad(true); lossFn(net(x), y).backward(); opt.step(); };
  for (let i = 0; i < 20; i++) step();
  const before = allocationCounts(), steps = 100;
  for (let i = 0; i < steps; i++) step();
  const after = allocationCounts(), mb = (b) => (b / steps / 1e6).toFixed(2);
  console.log(`training step, results above 16 KiB per step: ${mb(after.fresh - before.fresh)} MB fresh, ${mb(after.reused - before.reused)} MB reused`);
}
