// Where the MNIST CNN's forward spends its time at batch 64 (no_grad): each stage timed alone,
// the stages interleaved, medians of 11; docs/conv.md.
//
//   npm run build && node benchmarks/conv_breakdown.mjs
import * as torch from '../dist/index.js';
const F = torch.nn.functional;
const B = 64;
const x = torch.randn([B, 1, 28, 28]);
const w1 = torch.randn([32, 1, 3, 3]).mul(0.3), b1 = torch.randn([32]).mul(0.3), w2 = torch.randn([64, 32, 3, 3]).mul(0.05), b2 = torch.randn([64]).mul(0.05);
const f1 = torch.randn([128, 9216]).mul(0.01), fb1 = torch.randn([128]).mul(0.01), f2 = torch.randn([10, 128]).mul(0.1), fb2 = torch.randn([10]).mul(0.1);
torch.no_grad(() => {
  const c1 = F.conv2d(x, w1, b1), r1 = F.relu(c1), c2 = F.conv2d(r1, w2, b2), r2 = F.relu(c2), p = F.max_pool2d(r2, 2), fl = torch.flatten(p, 1), h = F.linear(fl, f1, fb1);
  const stages = {
    conv1: () => F.conv2d(x, w1, b1), relu1: () => F.relu(c1), conv2: () => F.conv2d(r1, w2, b2), relu2: () => F.relu(c2),
    max_pool2d: () => F.max_pool2d(r2, 2), fc1: () => F.linear(torch.flatten(p, 1), f1, fb1), rest: () => F.log_softmax(F.linear(F.relu(h), f2, fb2), { dim: 1 }),
  };
  const t = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  for (let r = 0; r < 11; r++) for (const [k, f] of Object.entries(stages)) { const s = performance.now(); f(); t[k].push(performance.now() - s); }
  let total = 0; const med = {};
  for (const [k, v] of Object.entries(t)) { v.sort((a, b) => a - b); med[k] = v[5]; total += v[5]; }
  for (const [k, v] of Object.entries(med)) console.log(k.padEnd(11), v.toFixed(2), 'ms', (100 * v / total).toFixed(1) + '%');
  console.log('sum', total.toFixed(2));
});
