/** The [outer, size, inner] geometry of a contiguous tensor's rows along one dim. */
import { numelOf } from '../shape.js';

/** A 0-d tensor is one row of one element. */
export function rowGeometry(shape: readonly number[], d: number): { outer: number; size: number; inner: number } {
  if (shape.length === 0) return { outer: 1, size: 1, inner: 1 };
  return { outer: numelOf(shape.slice(0, d)), size: shape[d], inner: numelOf(shape.slice(d + 1)) };
}
