/** Bad input gets PyTorch's message as the right JS error class, never a NaN or a wrong shape. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { throws } from './helpers/throws.js';


describe('PyTorch error messages', () => {
  it('matrix shapes', () => {
    throws(() => torch.mm(torch.zeros(2, 3), torch.zeros(4, 5)), RangeError, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
    throws(() => torch.zeros(2, 3).matmul(torch.zeros(4, 5)), RangeError, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
    throws(() => torch.nn.functional.linear(torch.zeros(4, 9), torch.zeros(50, 10)), RangeError, 'mat1 and mat2 shapes cannot be multiplied (4x9 and 10x50)');
    throws(() => torch.mm(torch.zeros(3), torch.zeros(3, 3)), RangeError, 'self must be a matrix');
    throws(() => torch.bmm(torch.zeros(2, 3, 4), torch.zeros(3, 4, 5)), RangeError, 'Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4].');
    throws(() => torch.dot(torch.zeros(3), torch.zeros(4)), RangeError, /inconsistent tensor size, expected tensor \[3\] and src \[4\]/);
    throws(() => torch.mm(torch.zeros(2, 2), torch.zeros(2, 2, { dtype: torch.float64 })), TypeError, /same dtype/);
  });

  it('broadcasting', () => {
    throws(() => torch.zeros(2, 3).add(torch.zeros(2, 4)), RangeError, 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1');
    throws(() => torch.zeros(2, 3).expand(2, 4), RangeError, /The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 1/);
  });

  it('dims out of range', () => {
    throws(() => torch.zeros(2, 3).sum(2), RangeError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    throws(() => torch.zeros(2, 3).softmax(-3), RangeError, 'Dimension out of range (expected to be in range of [-2, 1], but got -3)');
    throws(() => torch.zeros(2, 3).transpose(0, 5), RangeError, 'Dimension out of range (expected to be in range of [-2, 1], but got 5)');
    throws(() => torch.zeros(3).select(0, 3), RangeError, 'select(): index 3 out of range for tensor of size [3] at dimension 0');
    throws(() => torch.zeros(6).narrow(0, 5, 2), RangeError, 'start (5) + length (2) exceeds dimension size (6).');
    throws(() => torch.zeros(2, 3, 4).t(), RangeError, 't() expects a tensor with <= 2 dimensions, but self is 3D');
  });

  it('sizes', () => {
    throws(() => torch.zeros(-1), RangeError, 'Trying to create tensor with negative dimension -1: [-1]');
    throws(() => torch.ones(1.5), TypeError, "ones(): argument 'size' (position 1) must be tuple of SymInts, not float");
    throws(() => torch.zeros(6).view(4, 2), RangeError, "shape '[4, 2]' is invalid for input of size 6");
    throws(() => torch.cat([torch.zeros(2, 3), torch.zeros(3, 3)], 1), RangeError, 'Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.');
    throws(() => torch.cat([]), RangeError, 'torch.cat(): expected a non-empty list of Tensors');
    throws(() => torch.stack([torch.zeros(2, 3), torch.zeros(2, 4)]), RangeError, 'stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1');
    throws(() => torch.zeros(2, 3).repeat(2), RangeError, 'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  });

  it('scalars, indices and types', () => {
    throws(() => torch.zeros(2).item(), RangeError, 'only one element tensors can be converted to Python scalars');
    throws(() => torch.zeros(3).index_select(0, torch.tensor([3n])), RangeError, 'index out of range in self');
    throws(() => torch.zeros(3, 2).gather(0, torch.tensor([[5n, 0n]])), RangeError, 'index 5 is out of bounds for dimension 0 with size 3');
    throws(() => torch.zeros(2).add('1' as never), TypeError, "add(): argument 'other' (position 1) must be Tensor, not str");
    throws(() => torch.arange(3).mean(), TypeError, 'mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long');
    throws(() => torch.zeros(2, { dtype: 'int8' as never }), TypeError, /invalid dtype/);
    throws(() => torch.tensor([true]).sub(torch.tensor([true])), TypeError, /Subtraction, the `-` operator, with two bool tensors is not supported/);
    throws(() => torch.arange(3).add_(0.5), TypeError, "result type Float can't be cast to the desired output type Long");
    throws(() => torch.zeros(3).add_(torch.zeros(2, 3)), RangeError, "output with shape [3] doesn't match the broadcast shape [2, 3]");
  });
});
