/**
 * The compiled call path of every public function binds a call exactly as Signature.parse does:
 * random calls (positional values of every kind, trailing options objects with the signature's own
 * keywords and unknown ones) reach the implementation with the values parse gives, or fail with
 * parse's message, in the function and the method form.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { METHOD, METHOD_SIGNATURES, pyfn, signatureOf, type Overloads } from '../src/python.js';

type Outcome = { values: unknown[] } | { error: string };

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, j) => Object.is(e, y[j]));
    return Object.is(x, y);
  });
}

function outcome(f: () => unknown, seen: { values: unknown[] | null }): Outcome {
  seen.values = null;
  try {
    f();
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { values: seen.values as unknown as unknown[] };
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible call. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const t = torch.tensor([[1, 2], [3, 4]]);
const POOL: unknown[] = [
  t, t, t, 1, 0, -1, 2, 2.5, -0, NaN, true, false, 'mean', 'none', null, undefined, [1, 2], [2], [], [t, t], [1, 'a'], [1.5],
  3n, torch.float32, () => 0, { manual_seed: () => 0 }, new Map(), Object.assign(Object.create(null), { dim: 0 }), { foo: 1 },
];

const TYPED: Record<string, unknown[]> = {
  Tensor: [t], 'Tensor|Number': [t, 2, 0.5], 'Tensor[]': [[t, t], [t]], int: [1, 0, -1, 2n], 'int[]': [[1, 2], [0]], 'int[1]': [1, [0], [0, 1]],
  'SymInt[]': [[2, 2], [4]], float: [0.5, 1], Scalar: [2, 0.5, true], bool: [true, false], str: ['mean', 'sum', 'none'],
  ScalarType: [torch.float32, 'float64'], Generator: [{ manual_seed: () => 0 }], Callable: [() => 0], dict: [{}], Any: [1, t],
};

function calls(o: Overloads, seed: number, count: number): unknown[][] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const names = o.signatures.flatMap((s) => s.params.map((p) => p.name));
  const out: unknown[][] = [];
  for (let c = 0; c < count; c++) {
    // mostly values of the declared types (so that calls bind), sometimes anything
    const sig = pick(o.signatures);
    const n = Math.floor(r() * (sig.maxPositional + 2));
    const args = Array.from({ length: n }, (_, i) => {
      const p = sig.params[i];
      return p && r() < 0.8 && p.type in TYPED ? pick(TYPED[p.type]) : pick(POOL);
    });
    if (r() < 0.5) {
      const kw: Record<string, unknown> = {};
      const k = 1 + Math.floor(r() * 3);
      for (let j = 0; j < k; j++) kw[r() < 0.9 ? pick(names) : 'nope'] = pick(POOL);
      args.push(kw);
    }
    out.push(args);
  }
  return out;
}

function showCall(name: string, args: readonly unknown[], self: number): string {
  const show = (_: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof torch.Tensor ? 'Tensor' : typeof v === 'function' ? 'fn' : v === undefined ? 'undefined' : v);
  return `${self ? 'method ' : ''}${name}(${args.map((a) => JSON.stringify(a, show) ?? String(a)).join(', ')})`;
}

const declared = new Map<string, Overloads>();
for (const ns of [torch, torch.nn.functional] as Record<string, unknown>[]) {
  for (const [name, f] of Object.entries(ns)) {
    const o = signatureOf(f);
    if (o) declared.set(`${ns === torch ? 'torch' : 'F'}.${name}`, o);
  }
}
for (const [name, o] of METHOD_SIGNATURES) declared.set(`Tensor.${name}`, o);

describe('the compiled call path binds as Signature.parse', () => {
  it('covers the public functions', () => {
    expect(declared.size).toBeGreaterThan(200);
  });
  let seed = 1;
  for (const [name, o] of declared) {
    const s = seed++;
    it(name, () => {
      const seen: { values: unknown[] | null } = { values: null };
      const specs = o.signatures.map((sig) => sig.spec);
      const f = pyfn(specs, (...values: unknown[]) => (seen.values = values), { python: o.signatures[0].python }) as unknown as ((...a: unknown[]) => unknown) & { [METHOD]: (...a: unknown[]) => unknown };
      const twin = signatureOf(f)!;
      let bound = 0;
      for (const args of calls(o, s, 300)) {
        for (const self of [0, 1]) {
          const got = outcome(() => (self ? f[METHOD](...args) : f(...args)), seen);
          const want = outcome(() => (seen.values = twin.parse(args, self)), seen);
          const ok = 'error' in want ? 'error' in got && got.error === want.error : 'values' in got && sameValues(got.values, want.values);
          if (!ok) expect({ call: showCall(name, args, self), got }).toEqual({ call: showCall(name, args, self), got: want });
          if ('values' in want) bound++;
        }
      }
      // the random calls must reach the implementation too, not only fail
      expect(bound).toBeGreaterThan(0);
    });
  }
});
