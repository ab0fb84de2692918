// `npm start`: defines the two seed networks, prints them, and trains one on a small
// synthetic regression task with a live progress line.
import * as torch from 'kindling';
import { nn, optim } from 'kindling';
import { SimpleNN, AdvancedNN } from './seed_networks.js';

torch.manual_seed(0);
console.log(`kindling on the ${torch.backendInfo().backend} backend (${torch.backendInfo().reason})\n`);

const simple = new SimpleNN();
const advanced = new AdvancedNN();
console.log(String(simple));
console.log(String(advanced));

// y = sin(x0) + x1·x2 − 0.5·x3² + noise, the other six inputs are distractors
const N = 2048;
const X = torch.randn(N, 10);
const [x0, x1, x2, x3] = [0, 1, 2, 3].map((i) => X.select(1, i));
const y = x0.sin().add(x1.mul(x2)).sub(x3.square().mul(0.5)).add(torch.randn(N).mul(0.05)).unsqueeze(1);

const model = advanced;
const lossFn = new nn.MSELoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
const epochs = 60, batch = 128;
const tty = process.stdout.isTTY;
const started = performance.now();
console.log(`\ntraining AdvancedNN on ${N} samples, ${epochs} epochs, batch ${batch}, Adam(lr=0.01)`);

for (let epoch = 1; epoch <= epochs; epoch++) {
  const perm = torch.randperm(N);
  let total = 0;
  for (let start = 0; start < N; start += batch) {
    const idx = perm.narrow(0, start, Math.min(batch, N - start));
    const xb = X.index_select(0, idx), yb = y.index_select(0, idx);
    optimizer.zero_grad();
    const loss = lossFn(model(xb), yb);
    loss.backward();
    optimizer.step();
    total += (loss.item()) * idx.shape[0];
  }
  const width = 30, done = Math.round((epoch / epochs) * width);
  const line = `epoch ${String(epoch).padStart(3)}/${epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] loss ${(total / N).toFixed(5)}`;
  if (tty) process.stdout.write(`\r${line}`);
  else if (epoch % 10 === 0 || epoch === 1) console.log(line);
}
if (tty) process.stdout.write('\n');

const mse = torch.no_grad(() => lossFn(model(X), y).item());
console.log(`final MSE ${mse.toFixed(5)} (variance of y: ${(y.var().item()).toFixed(3)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`backend: ${torch.backendInfo().backend}`);
