"""One training step of the MNIST CNN at batch 64 in PyTorch, 2 threads, median of 12: benchmarks/conv_train_step.mjs's step."""
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2)
class Net(nn.Module):
    def __init__(s):
        super().__init__(); s.conv1=nn.Conv2d(1,32,3,1); s.conv2=nn.Conv2d(32,64,3,1); s.fc1=nn.Linear(9216,128); s.fc2=nn.Linear(128,10)
    def forward(s,x):
        x=F.max_pool2d(F.relu(s.conv2(F.relu(s.conv1(x)))),2); return F.log_softmax(s.fc2(F.relu(s.fc1(torch.flatten(x,1)))),dim=1)
net=Net(); opt=torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
x=torch.rand(64,1,28,28); y=torch.randint(0,10,(64,))
t=[]
for i in range(12):
    s=time.perf_counter(); opt.zero_grad(); F.nll_loss(net(x),y).backward(); opt.step(); t.append(time.perf_counter()-s)
t.sort(); print('pytorch train step B=64: %.1f ms' % (t[6]*1e3))
