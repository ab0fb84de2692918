// Training step of Linear(784,512)-ReLU-Linear(512,512)-ReLU-Linear(512,10), batch 64,
// cross-entropy, SGD, through the public API, side by side with PyTorch when /usr/bin/python3 has it.
//   npm run build && node benchmarks/train_step.mjs [--threads 1] [--steps 50]
import { spawnSync } from 'node:child_process';
import * as torch from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def);
const threads = Number(opt('threads', '1'));
const steps = Number(opt('steps', '50'));
torch.set_num_threads(threads);
const { nn, optim } = torch;

function kindlingMs() {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn(64, 784), y = torch.randint(0, 10, [64]);
  const step = () => {
    opt.zero_grad();
    lossFn(model(x), y).backward();
    opt.step();
  };
  for (let i = 0; i < 10; i++) step();
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const py = `
import time, torch
torch.set_num_threads(${threads})
torch.manual_seed(0)
nn = torch.nn
model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
x = torch.randn(64, 784); y = torch.randint(0, 10, (64,))
def step():
    opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
for _ in range(10): step()
ts = []
for _ in range(${steps}):
    t = time.perf_counter(); step(); ts.append((time.perf_counter() - t) * 1000)
ts.sort(); print(ts[len(ts) // 2])
`;

function pytorchMs() {
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

const info = torch.backendInfo();
const k = [], p = [];
for (let round = 0; round < 3; round++) {
  k.push(kindlingMs());
  const v = pytorchMs();
  if (v !== null) p.push(v);
}
const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
console.log(`MLP784 training step, batch 64, ${threads} thread(s), median ms of ${steps} steps, median of 3 interleaved rounds`);
console.log(`kindling (${info.backend}${info.isa ? `, ${info.isa}` : ''}): ${med(k).toFixed(2)} ms`);
console.log(`PyTorch: ${p.length ? `${med(p).toFixed(2)} ms` : 'missing (needs /usr/bin/python3 with torch)'}`);
