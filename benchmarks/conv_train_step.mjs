// One training step of the MNIST CNN at batch 64 (zero_grad, forward, nll_loss, backward, SGD
// momentum 0.5), median of 12; conv_train_step.py is the same step in PyTorch. docs/conv.md.
//
//   npm run build && node benchmarks/conv_train_step.mjs && /usr/bin/python3 benchmarks/conv_train_step.py
import * as torch from '../dist/index.js';
const { nn } = torch; const F = nn.functional;
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1); conv2 = new nn.Conv2d(32, 64, 3, 1); fc1 = new nn.Linear(9216, 128); fc2 = new nn.Linear(128, 10);
  forward(x) { x = F.max_pool2d(F.relu(this.conv2(F.relu(this.conv1(x)))), 2); return F.log_softmax(this.fc2(F.relu(this.fc1(torch.flatten(x, 1)))), { dim: 1 }); }
}
torch.manual_seed(0);
const net = new Net(), opt = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.5 });
const x = torch.rand([64, 1, 28, 28]), y = torch.randint(0, 10, [64]);
const t = [];
for (let i = 0; i < 12; i++) { const s = performance.now(); opt.zero_grad(); F.nll_loss(net(x), y).backward(); opt.step(); t.push(performance.now() - s); }
t.sort((a, b) => a - b); console.log('kindling train step B=64:', t[6].toFixed(1), 'ms');
