// Step 2 of scripts/golden/checkpoint.py's regeneration: kindling writes the two checkpoints that
// the golden script then loads with PyTorch (npm run build first: this imports dist/).
import { fileURLToPath } from 'node:url';
import * as torch from '../../dist/index.js';

const out = (name) => fileURLToPath(new URL(`../../tests/fixtures/checkpoints/${name}`, import.meta.url));

// a state dict from a kindling model, with every value fixed (no random numbers)
const model = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 2));
torch.no_grad(() => {
  for (const [i, p] of [...model.parameters()].entries()) p.copy_(torch.arange(p.numel()).reshape(p.shape).mul(0.25).sub(i));
});
model[1].running_mean.fill_(0.5);
model[1].num_batches_tracked.fill_(7);

const base = torch.arange(12, { dtype: 'float32' });
const grid = base.view(3, 4);
torch.save({
  model: model.state_dict(),
  views: { base, row: grid.select(0, 1), col: grid.select(1, 2), t: grid.t() },
  param: new torch.nn.Parameter(torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' })),
  frozen: new torch.nn.Parameter(torch.tensor([0.5, -0.5]), false),
  f64: torch.tensor([1 / 3, -2], { dtype: 'float64' }),
  mask: torch.tensor([true, false, true]),
  idx: torch.tensor([-(2 ** 53), 0, 2 ** 53, 123456789012], { dtype: 'int64' }),
  empty: torch.zeros([0, 3]),
  scalar: torch.tensor(3.5),
  ints: [1, -2, 70000, -70000, 2 ** 40, 2n ** 62n],
  tuple: Object.freeze(['a', null, true]),
  name: 'kindling',
}, out('kindling.pt'));

// values 1.13's weights_only unpickler cannot read (2.x's can): floats, bytes, sets, dtypes
torch.save({
  float: 0.1,
  negative_zero: -0,
  infinity: Infinity,
  bytes: new Uint8Array([0, 255, 10]),
  set: new Set([1, 2]),
  map: new Map([[1, 'one'], [2, 'two']]),
  dtype: torch.float64,
}, out('kindling_extras.pt'));
