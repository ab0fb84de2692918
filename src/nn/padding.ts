/** The padding modules: F.pad with a fixed padding, mode and value. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { pad, type PadMode } from '../ops/pad.js';
import { pyRepr } from '../python.js';
import { ntuple } from './conv.js';

type PadArg = number | readonly number[];


abstract class PadNd extends Module {
  declare padding: number[];
  protected abstract readonly mode: PadMode;
  protected padValue(): number | undefined {
    return undefined;
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, this.mode, this.padValue());
  }
  override extra_repr(): string {
    return pyRepr(this.padding);
  }
}

abstract class ConstantPadNd extends PadNd {
  protected readonly mode = 'constant';
  declare value: number;
  protected override padValue(): number {
    return this.value;
  }
  override extra_repr(): string {
    return `padding=${pyRepr(this.padding)}, value=${pyRepr(this.value)}`;
  }
}

export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: PadArg, value: number) {
    super();
    this.padding = ntuple(padding, 2);
    this.value = value;
  }
}
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: PadArg, value: number) {
    super();
    this.padding = ntuple(padding, 4);
    this.value = value;
  }
}
/** ZeroPad2d: ConstantPad2d with 0, printed with its padding only. */
export class ZeroPad2d extends ConstantPadNd {
  constructor(padding: PadArg) {
    super();
    this.padding = ntuple(padding, 4);
    this.value = 0;
  }
  override extra_repr(): string {
    return pyRepr(this.padding);
  }
}
export class ReflectionPad1d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PadArg) {
    super();
    this.padding = ntuple(padding, 2);
  }
}
export class ReflectionPad2d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(padding: PadArg) {
    super();
    this.padding = ntuple(padding, 4);
  }
}
export class ReplicationPad1d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PadArg) {
    super();
    this.padding = ntuple(padding, 2);
  }
}
export class ReplicationPad2d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(padding: PadArg) {
    super();
    this.padding = ntuple(padding, 4);
  }
}
