/**
 * src/random/trig.ts against glibc's sin and cos and the correctly rounded values
 * (scripts/golden/random_trig.py): edge cases, 3000 random Box–Muller angles, and the angles of a
 * 200,000-angle sample where glibc itself is not correctly rounded. Compared with Object.is.
 */
import { describe, expect, it } from 'vitest';
import { sincos, sincosExact } from '../src/random/trig.js';
import { loadFixture } from './helpers/fixtures.js';

const fx = loadFixture<{
  glibc: string;
  counts: { edges: number; random: number; misrounded: number; sample: number };
  angles: number[];
  glibc_sin: number[];
  glibc_cos: number[];
  sin: number[];
  cos: number[];
}>('random_trig');

/** The angles where f's result is not the fixture's (first few, as text). */
function mismatches(f: (theta: number, out: Float64Array) => void, sinWant: number[], cosWant: number[]): string[] {
  const out = new Float64Array(2), bad: string[] = [];
  fx.angles.forEach((t, i) => {
    f(t, out);
    if (!Object.is(out[0], sinWant[i]) && bad.length < 5) bad.push(`sin(${t}) = ${out[0]}, want ${sinWant[i]}`);
    if (!Object.is(out[1], cosWant[i]) && bad.length < 5) bad.push(`cos(${t}) = ${out[1]}, want ${cosWant[i]}`);
  });
  return bad;
}

/** Indices where glibc's value is not the correctly rounded one. */
function glibcMisrounded(): number[] {
  return fx.angles.flatMap((_, i) => (Object.is(fx.glibc_sin[i], fx.sin[i]) && Object.is(fx.glibc_cos[i], fx.cos[i]) ? [] : [i]));
}

describe('sincos: correctly rounded sin and cos of the Box–Muller angles', () => {
  it('the fixture covers what it says', () => {
    const { edges, random, misrounded } = fx.counts;
    expect(fx.angles.length).toBe(edges + random + misrounded);
    expect(misrounded).toBeGreaterThan(100);
  });

  it('the fast path with its fallback gives the correctly rounded value everywhere', () => {
    expect(mismatches(sincos, fx.sin, fx.cos)).toEqual([]);
  });

  it('the BigInt fallback alone gives the correctly rounded value everywhere it applies (θ ≥ 2^-27)', () => {
    const out = new Float64Array(2), bad: string[] = [];
    fx.angles.forEach((t, i) => {
      if (t < 2 ** -27) return;
      sincosExact(t, out);
      if ((!Object.is(out[0], fx.sin[i]) || !Object.is(out[1], fx.cos[i])) && bad.length < 5) bad.push(`${t}: ${out[0]}, ${out[1]}`);
    });
    expect(bad).toEqual([]);
  });

  it("matches glibc bit for bit wherever glibc is correctly rounded, and is one ulp from glibc's value elsewhere", () => {
    const off = new Set(glibcMisrounded());
    const out = new Float64Array(2), bad: string[] = [];
    fx.angles.forEach((t, i) => {
      sincos(t, out);
      for (const [got, want] of [[out[0], fx.glibc_sin[i]], [out[1], fx.glibc_cos[i]]]) {
        const ok = off.has(i) ? got === want || Math.abs(got - want) === 2 ** (Math.floor(Math.log2(Math.abs(got))) - 52) : Object.is(got, want);
        if (!ok && bad.length < 5) bad.push(`${t}: ${got} vs glibc ${want}`);
      }
    });
    expect(bad).toEqual([]);
    // the sampled misrounded angles, and a few edge cases (two of them behind random.json's normals)
    expect(off.size).toBeGreaterThanOrEqual(fx.counts.misrounded);
    expect(off.size).toBeLessThan(fx.counts.misrounded + fx.counts.edges);
  });

  it("glibc is misrounded at the angles of random.json's three exceptional float64 normals", () => {
    const off = glibcMisrounded().map((i) => fx.angles[i]);
    // 0x1.2dd7292900d21p-1, 0x1.54cc46f4b64f9p+2, 0x1.61c7fd66f4841p-1 (tests/random.test.ts)
    for (const t of [0.589532171492838, 5.324968089081488, 0.6909789264848386]) expect(off).toContain(t);
  });

  it('edge cases: 0, tiny angles, the quadrant boundaries, the largest angle', () => {
    const out = new Float64Array(2);
    sincos(0, out);
    expect([Object.is(out[0], 0), out[1]]).toEqual([true, 1]);
    sincos(1e-300, out);
    expect([out[0], out[1]]).toEqual([1e-300, 1]);
    sincos(Math.PI / 2, out); // the double below π/2
    expect([out[0], out[1]]).toEqual([1, 6.123233995736766e-17]);
    sincos(Math.PI, out);
    expect([out[0], out[1]]).toEqual([1.2246467991473532e-16, -1]);
    sincos(2 * Math.PI, out);
    expect([out[0], out[1]]).toEqual([-2.4492935982947064e-16, 1]);
  });
});
