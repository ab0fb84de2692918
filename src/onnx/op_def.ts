/**
 * What an ONNX operator's importer is (OpDef: built once at create, returning the kernel every
 * forward runs) and the checks the operators share.
 */
import { Tensor } from '../tensor.js';
import type { NodeProto } from './proto.js';
import type { Attrs } from './attributes.js';
import { Ints, type Val } from './values.js';

export interface NodeCtx {
  node: NodeProto;
  /** how the node is named in messages */
  label: string;
  opset: number;
  attrs: Attrs;
  /** input i's value when it is known at create (initializer, Constant, folded), else undefined */
  constant(i: number): Val | undefined;
  /** whether input i is given (an optional input may be absent or named '') */
  has(i: number): boolean;
}

export type Kernel = (inputs: readonly (Val | undefined)[]) => Val[];

export interface OpDef {
  /** how many inputs the operator takes, at least and at most */
  inputs: [number, number];
  /** how many of its outputs the importer computes (the others must be unused) */
  outputs: number;
  build(c: NodeCtx): Kernel;
}

// ---- helpers --------------------------------------------------------------------------------------

export function tensorOf(v: Val | undefined, what: string): Tensor {
  if (v instanceof Tensor) return v;
  throw new Error(`${what} must be a float tensor, but it is ${v === undefined ? 'missing' : 'an integer tensor'}`);
}

export function intsOf(v: Val | undefined, what: string): Ints {
  if (v instanceof Ints) return v;
  throw new Error(`${what} must be an integer tensor (int64), but it is ${v === undefined ? 'missing' : 'a float tensor'}`);
}

/** A constant float input holding one value (a Clip bound, a Pow exponent). */
export function scalarOf(v: Val | undefined, what: string): number {
  const t = tensorOf(v, what);
  if (t.numel() !== 1) throw new Error(`${what} must hold one value, but it has shape [${t.shape.join(', ')}]`);
  return t.item() as number;
}

export function axis(a: number, rank: number, what = 'axis'): number {
  if (a < -rank || a >= rank) throw new Error(`${what} ${a} is out of range for a tensor of rank ${rank}`);
  return a < 0 ? a + rank : a;
}
