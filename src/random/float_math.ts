/**
 * The float32 Box–Muller of PyTorch's `normal_fill_16_AVX2` (the kernel its x86-64 builds run for
 * float tensors of 16 or more contiguous elements on any CPU with AVX2): Julien Pommier's Cephes-based
 * log256_ps and sincos256_ps (avx_mathfun.h), emulated one lane at a time in float arithmetic. GCC
 * builds that file with -mfma and contracts the intrinsics' a*b+c into fused multiply-adds, so each
 * `fmaf` below stands where the compiled kernel has a vfmadd (checked against GCC 12.2's output and
 * PyTorch 1.13's numbers; a build without FMA would round those products first).
 */

const fr = Math.fround;

/**
 * A float32 fused multiply-add: a*b is exact in double, so fr(a*b + c) is right unless the double
 * sum rounded onto a tie between two floats. (Where a*b is exact in float32, the kernel's fma is
 * one float addition, and a float op done in double then rounded is always right: no fmaf there.)
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b, s = p + c, r = fr(s), other = 2 * s - r; // other: the float across s if s is a tie
  return r === s || fr(other) !== other ? r : fmafTie(p, c, s, r, other);
}

/** s = p + c lies exactly halfway between the floats r and other: the sum's rounding error decides. */
function fmafTie(p: number, c: number, s: number, r: number, other: number): number {
  const bb = s - p, err = p - (s - bb) + (c - bb);
  return err === 0 || err > 0 !== s > r ? r : other;
}

const P0 = fr(7.0376836292e-2), P1 = fr(-1.151461031e-1), P2 = fr(1.167699874e-1), P3 = fr(-1.2420140846e-1), P4 = fr(1.4249322787e-1),
  P5 = fr(-1.6668057665e-1), P6 = fr(2.0000714765e-1), P7 = fr(-2.4999993993e-1), P8 = fr(3.3333331174e-1);
const Q1 = fr(-2.1219444e-4), Q2 = fr(0.693359375), SQRTHF = fr(0.707106781186547524);
const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);

/** log256_ps for one lane, x a normal float in (0, 1] (1 - u for a 24-bit uniform u). */
export function logf(x: number): number {
  f32[0] = x;
  const bits = i32[0];
  let e = (bits >>> 23) - 126;
  i32[0] = (bits & 0x807fffff) | 0x3f000000; // the mantissa scaled into [0.5, 1)
  let m = f32[0];
  if (m < SQRTHF) {
    e -= 1;
    m = fr(fr(m - 1) + m);
  } else m = fr(m - 1);
  const z = fr(m * m);
  let y = fmaf(fmaf(fmaf(fmaf(P0, m, P1), m, P2), m, P3), m, P4);
  y = fmaf(fmaf(fmaf(fmaf(y, m, P5), m, P6), m, P7), m, P8);
  y = fr(fmaf(fr(y * m), z, fr(e * Q1)) - z * 0.5);
  return fr(e * Q2 + fr(m + y)); // e·Q2 is exact
}

const DP1 = fr(-0.78515625), DP2 = fr(-2.4187564849853515625e-4), DP3 = fr(-3.77489497744594108e-8);
const SP0 = fr(-1.9515295891e-4), SP1 = fr(8.3321608736e-3), SP2 = fr(-1.6666654611e-1);
const CP0 = fr(2.443315711809948e-5), CP1 = fr(-1.388731625493765e-3), CP2 = fr(4.166664568298827e-2);
const FOPI = fr(1.27323954473516);
const TWO_PI = fr(2 * Math.PI);

/**
 * normal_fill_16 on d[o..o+16): the 16 uniforms become 16 normals (u1 from the first 8, u2 from the
 * last 8; cosines go to the first half, sines to the second), then × std + mean in one fma.
 */
export function normalFill16(d: Float32Array, o: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const radius = fr(Math.sqrt(-2 * logf(fr(1 - d[o + j]))));
    // sincos256_ps of theta = 2π·u2 (theta >= 0)
    let x = fr(TWO_PI * d[o + j + 8]);
    const q = (Math.trunc(fr(x * FOPI)) + 1) & ~1;
    x = fmaf(q, DP3, fr(q * DP2 + fr(q * DP1 + x))); // q·DP1 and q·DP2 are exact
    const z = fr(x * x);
    const c = fr(fmaf(fr(fmaf(fmaf(CP0, z, CP1), z, CP2) * z), z, -fr(z * 0.5)) + 1);
    const s = fmaf(fr(fmaf(fmaf(SP0, z, SP1), z, SP2) * z), x, x);
    const swap = (q & 2) !== 0; // the other quadrant polynomial
    let sin = swap ? c : s, cos = swap ? s : c;
    if (q & 4) sin = -sin;
    if (((q - 2) & 4) === 0) cos = -cos;
    if (mean === 0 && std === 1) {
      d[o + j] = radius * cos;
      d[o + j + 8] = radius * sin;
    } else {
      d[o + j] = fmaf(fr(radius * cos), std, mean);
      d[o + j + 8] = fmaf(fr(radius * sin), std, mean);
    }
  }
}
