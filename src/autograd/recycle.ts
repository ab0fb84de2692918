/**
 * What a backward pass can give back to the memory pool (src/memory.ts, docs/memory.md). Only the
 * engine sees the gradients flowing between nodes and the temporaries a node's backward makes, so
 * it can tell when one is dead, as JavaScript's garbage collector only can much later:
 * - a buffer made while a node's backward ran and not part of what it returned (its temporaries);
 * - a gradient once every node it was handed to has consumed it (counted per buffer, since a
 *   pass-through backward such as add's hands one tensor to several inputs, and views share it).
 * A buffer that leaves the engine's hands (adopted as a leaf's .grad, captured by autograd.grad)
 * escapes and is never given back. This holds because every node's backward is kindling's own
 * (autograd/node.ts apply): none keeps a gradient or a temporary beyond its return.
 */
import type { DataArray } from '../backend/contract.js';
import type { Tensor } from '../tensor.js';
import { collectAllocations, reclaim } from '../memory.js';

export class Recycler {
  /** Buffers made during this pass that only the engine holds, with how many pending gradients use each. */
  private owned = new Map<ArrayBufferLike, number>();
  /** Arrays made since the last settle(), judged there. */
  private made: DataArray[] = [];

  /** Runs one step of the engine's own (a node's backward, a sum of gradients), noting what it makes. */
  run<T>(fn: () => T): T {
    const [result, made] = collectAllocations(fn);
    for (const a of made) {
      if (!this.owned.has(a.buffer)) this.owned.set(a.buffer, 0);
      this.made.push(a);
    }
    return result;
  }

  /** t is now a pending gradient (in the engine's map). */
  hold(t: Tensor): void {
    const b = bufferOf(t);
    const c = this.owned.get(b);
    if (c !== undefined) this.owned.set(b, c + 1);
  }

  /** One pending use of t is over; the last gives its buffer back. */
  drop(t: Tensor): void {
    const b = bufferOf(t);
    const c = this.owned.get(b);
    if (c === undefined) return;
    if (c > 1) {
      this.owned.set(b, c - 1);
      return;
    }
    this.owned.delete(b);
    if (!t._storage.shared) reclaim(t._storage.data);
  }

  /** t leaves the engine: its buffer is never given back. */
  escape(t: Tensor): void {
    this.owned.delete(bufferOf(t));
  }

  /** Gives back what the last steps made and no pending gradient uses (their temporaries). */
  settle(): void {
    for (const a of this.made) {
      if (this.owned.get(a.buffer) === 0) {
        this.owned.delete(a.buffer);
        reclaim(a);
      }
    }
    this.made.length = 0;
  }
}

function bufferOf(t: Tensor): ArrayBufferLike {
  return t._storage.data.buffer;
}
