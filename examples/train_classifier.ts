// End to end: a classifier on a synthetic data set (three interleaved spirals), with DataLoader,
// CrossEntropyLoss, Adam, a OneCycle schedule, a progress line, and the loss curve saved as SVG.
//   npm run build && node build/examples/train_classifier.js [out.svg]
import { writeFileSync } from 'node:fs';
import * as torch from 'kindling';
import { nn, optim, Tensor } from 'kindling';
import { lineChartSvg } from './svg_plot.js';

const { DataLoader, TensorDataset, random_split } = torch.utils.data;

torch.manual_seed(0);
const perClass = 400, classes = 3;
const xs: number[][] = [], labels: bigint[] = [];
for (let c = 0; c < classes; c++) {
  const r = torch.linspace(0.05, 1, perClass).toTypedArray();
  const noise = torch.randn(perClass).mul(0.4).toTypedArray();
  for (let i = 0; i < perClass; i++) {
    const theta = c * ((2 * Math.PI) / classes) + 4 * r[i] + noise[i];
    xs.push([r[i] * Math.cos(theta), r[i] * Math.sin(theta)]);
    labels.push(BigInt(c));
  }
}
const dataset = new TensorDataset(torch.tensor(xs), torch.tensor(labels));
const [train, test] = random_split(dataset, [0.8, 0.2]);

class Classifier extends nn.Module {
  net = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, classes));
  forward(x: Tensor) {
    return this.net(x);
  }
}

const model = new Classifier();
console.log(String(model));
const loader = new DataLoader(train, { batch_size: 32, shuffle: true });
const epochs = 40;
const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
const scheduler = new optim.lr_scheduler.OneCycleLR(optimizer, { max_lr: 0.02, total_steps: epochs * loader.length });
const lossFn = new nn.CrossEntropyLoss();

function accuracy(ds: typeof test): number {
  const all = new DataLoader(ds, { batch_size: 1024 });
  let right = 0, n = 0;
  torch.no_grad(() => {
    for (const [x, y] of all) {
      right += ((model(x) as Tensor).argmax(1).eq(y).sum().item());
      n += y.shape[0];
    }
  });
  return right / n;
}

const curve: number[] = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  let total = 0, count = 0;
  for (const [x, y] of loader) {
    optimizer.zero_grad();
    const loss = lossFn(model(x), y);
    loss.backward();
    optimizer.step();
    scheduler.step();
    total += (loss.item()) * y.shape[0];
    count += y.shape[0];
  }
  curve.push(total / count);
  const bar = '#'.repeat(Math.round((epoch / epochs) * 30)).padEnd(30, '.');
  const line = `epoch ${String(epoch).padStart(2)}/${epochs} [${bar}] loss ${curve[epoch - 1].toFixed(4)} lr ${scheduler.get_last_lr()[0].toFixed(5)}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else if (epoch % 10 === 0 || epoch === 1) console.log(line);
}
if (process.stdout.isTTY) process.stdout.write('\n');
model.eval();
console.log(`train accuracy ${(accuracy(train) * 100).toFixed(1)}%, test accuracy ${(accuracy(test) * 100).toFixed(1)}%`);

const out = process.argv[2] ?? 'loss_curve.svg';
writeFileSync(out, lineChartSvg([{ name: 'training loss', values: curve, color: '#d62728' }], 'Spiral classifier: cross-entropy per epoch', 'epoch', 'loss'));
console.log(`loss curve written to ${out}`);
