// The two networks of the tutorial kindling grew from, exactly as a PyTorch user writes them.
import * as torch from 'kindling';
import { nn, Tensor } from 'kindling';

export class SimpleNN extends nn.Module {
  fc1 = new nn.Linear(10, 50);
  fc2 = new nn.Linear(50, 1);
  forward(x: Tensor) {
    x = torch.relu(this.fc1(x));
    return this.fc2(x);
  }
}

export class AdvancedNN extends nn.Module {
  fc1 = new nn.Linear(10, 50);
  fc2 = new nn.Linear(50, 50);
  fc3 = new nn.Linear(50, 1);
  forward(x: Tensor) {
    x = torch.relu(this.fc1(x));
    x = torch.sigmoid(this.fc2(x));
    return this.fc3(x);
  }
}
