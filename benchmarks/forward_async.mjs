// What running a traced model off the JS thread costs: traced(x) against await traced.forwardAsync(x)
// for the MLP 784-512-512-10 at batch 1, 32 and 256, one thread, medians of 5 reps.
// Run after `npm run build`: node benchmarks/forward_async.mjs
import * as torch from '../dist/index.js';

const { nn } = torch;
torch.set_num_threads(1);
torch.manual_seed(0);
const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
for (const B of [1, 32, 256]) {
  const x = torch.randn(B, 784);
  const traced = torch.jit.trace(model, x);
  const calls = B === 256 ? 200 : 2000;
  for (let i = 0; i < 200; i++) {
    traced(x);
    await traced.forwardAsync(x);
  }
  const sync = [], off = [];
  for (let rep = 0; rep < 5; rep++) {
    let t0 = performance.now();
    for (let i = 0; i < calls; i++) traced(x);
    sync.push(((performance.now() - t0) / calls) * 1000);
    t0 = performance.now();
    for (let i = 0; i < calls; i++) await traced.forwardAsync(x);
    off.push(((performance.now() - t0) / calls) * 1000);
  }
  const s = median(sync), a = median(off);
  console.log(`MLP784 B=${B}: traced(x) ${s.toFixed(1)} µs, forwardAsync ${a.toFixed(1)} µs (+${(a - s).toFixed(1)} µs a call)`);
}
