// fp32 activation and elementwise kernels, AVX-512 (compiled with -march=x86-64-v4).
// The file has two halves: ISA primitives (this half differs from activation_avx2.cpp) and the
// algorithms written over them (textually the same in both ISA files: keep them in step).
// Everything except the exported entry points has internal linkage (anonymous namespace), so no
// inline symbol compiled for AVX-512 can be picked by the linker for another ISA (DESIGN.md §5).
// Accuracy (max error vs float64, native/tests/activation_test.cpp): exp, log, sigmoid, silu <= 2 ULP,
// tanh <= 4 ULP, gelu within 10·eps absolute or 5·eps relative.
#include <immintrin.h>

#include <cstdint>

#include "../kernels.h"

// gcc 12 warns about the deliberately undefined pass-through operand inside <avx512fintrin.h>
// (`__m512 __Y = __Y;`, gcc bug 105593) once such intrinsics are inlined: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace kindling {
namespace avx512 {
namespace {

// ---------------------------------------------------------------- ISA primitives (AVX-512)
using vf = __m512;
using vm = __mmask16;
constexpr int64_t W = 16;

inline vf set1(float v) { return _mm512_set1_ps(v); }
inline vf zero() { return _mm512_setzero_ps(); }
inline vf add(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf div(vf a, vf b) { return _mm512_div_ps(a, b); }
inline vf fmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }    // a·b + c
inline vf fnmadd(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); }  // c − a·b
inline vf fmsub(vf a, vf b, vf c) { return _mm512_fmsub_ps(a, b, c); }    // a·b − c
inline vf vsqrt(vf a) { return _mm512_sqrt_ps(a); }
// max/min return their second operand when either is NaN: keeping x second propagates NaN.
inline vf lower_clamp(vf x, float lo) { return _mm512_max_ps(set1(lo), x); }
inline vf upper_clamp(vf x, float hi) { return _mm512_min_ps(set1(hi), x); }
inline vf vabs(vf a) { return _mm512_abs_ps(a); }
inline vf sign_of(vf a) { return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN))); }
inline vf vor(vf a, vf b) { return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_castps_si512(b))); }
inline vf vxor(vf a, vf b) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_castps_si512(b))); }
inline vf neg_abs(vf a) { return vor(a, set1(-0.0f)); }  // −|a|
inline vm lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
inline vm le(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
inline vm gt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
inline vm ge(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
inline vm eq(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
inline vf select(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); }  // m ? a : b
// 2^n for integral n in [−126, 127].
inline vf pow2i(vf n) { return _mm512_scalef_ps(set1(1.0f), n); }
// y·2^n with one rounding, for any integral n: scalef handles overflow and subnormal results.
inline vf ldexp(vf y, vf n) { return _mm512_scalef_ps(y, n); }
// exp's final scaling y·2^n (t: the magic-rounding word, z: the clamped argument; AVX2 uses them).
inline vf scale_exp(vf y, vf n, vf, vf) { return _mm512_scalef_ps(y, n); }
inline vf rcp(vf a) { return _mm512_rcp14_ps(a); }  // 14 bits
// x = m·2^e with m in [1, 2), for positive finite x including subnormals.
inline void frexp1(vf x, vf& m, vf& e) {
  m = _mm512_getmant_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
  e = _mm512_getexp_ps(x);
}

inline vf loadu(const float* p) { return _mm512_loadu_ps(p); }
inline void storeu(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline vm tail_mask(int64_t k) { return static_cast<vm>((1u << k) - 1u); }  // 0 < k < W
inline vf load_tail(const float* p, vm m, float fill) { return _mm512_mask_loadu_ps(set1(fill), m, p); }
inline void store_tail(float* p, vm m, vf v) { _mm512_mask_storeu_ps(p, m, v); }
inline vf keep(vm m, vf v) { return _mm512_maskz_mov_ps(m, v); }  // zero outside m
inline float reduce_add(vf v) { return _mm512_reduce_add_ps(v); }
inline float reduce_max(vf v) { return _mm512_reduce_max_ps(v); }
inline vf max_(vf a, vf b) { return _mm512_max_ps(a, b); }
// Double-precision accumulators: lanes 0–7 into a, 8–15 into b.
using vd = __m512d;
inline vd dzero() { return _mm512_setzero_pd(); }
inline __m512d lo_pd(vf v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline __m512d hi_pd(vf v) { return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))); }
inline void dacc(vd& a, vd& b, vf v) {
  a = _mm512_add_pd(a, lo_pd(v));
  b = _mm512_add_pd(b, hi_pd(v));
}
inline void dacc_mul(vd& a, vd& b, vf u, vf v) {
  a = _mm512_fmadd_pd(lo_pd(u), lo_pd(v), a);
  b = _mm512_fmadd_pd(hi_pd(u), hi_pd(v), b);
}
inline double dreduce(vd a, vd b) { return _mm512_reduce_add_pd(_mm512_add_pd(a, b)); }

// ---------------------------------------------------------------- algorithms (same text in both ISA files)
// exp(r) = 1 + r + r²·(c2 + c3 r + ... + c6 r⁴) on |r| <= ln2/2: Lawson minimax fit, relative
// error 3.1e-9 before rounding. Cody–Waite: ln2 = LN2_HI + LN2_LO with LN2_HI 15 bits, so n·LN2_HI is exact.
constexpr float LOG2E = 0x1.715476p+0f, LN2_HI = 0x1.62e4p-1f, LN2_LO = 0x1.7f7d1cp-20f;
constexpr float EXP_C2 = 0x1.fffffcp-2f, EXP_C3 = 0x1.555492p-3f, EXP_C4 = 0x1.5558f2p-5f,
                EXP_C5 = 0x1.1239e0p-7f, EXP_C6 = 0x1.6a243cp-10f;
constexpr float EXP_LO = -128.0f;  // exp(−128) and 128·exp(−128) round to 0 (silu needs the latter)
constexpr float EXP_HI = 89.0f;    // exp(89) > FLT_MAX: rounds to +inf

// c2 + c3 r + ... + c6 r⁴, so that exp(r) ≈ 1 + r + r²·p(r).
inline vf exp_poly(vf r) {
  vf p = fmadd(set1(EXP_C6), r, set1(EXP_C5));
  p = fmadd(p, r, set1(EXP_C4));
  p = fmadd(p, r, set1(EXP_C3));
  return fmadd(p, r, set1(EXP_C2));
}
// expm1(r) for |r| <= ln2/2 (relative error ~1e-9 + one rounding).
inline vf expm1_reduced(vf r) { return fmadd(exp_poly(r), mul(r, r), r); }
// n = round(z·log2e) by the magic-number trick: t's low mantissa bits hold n + 127, which
// pow2_from_magic (AVX2) shifts into an exponent field. z must be clamped to [−128, 89].
constexpr float EXP_MAGIC = 0x1.8p23f + 127.0f;
inline vf round_log2e(vf z, vf& t) {
  t = fmadd(z, set1(LOG2E), set1(EXP_MAGIC));
  return sub(t, set1(EXP_MAGIC));
}
// Range reduction for tanh: z = n·ln2 + r (Cody–Waite: n·LN2_HI and z − n·LN2_HI are exact).
inline vf reduce_ln2(vf z, vf& n) {
  vf t;
  n = round_log2e(z, t);
  vf r = fnmadd(n, set1(LN2_HI), z);
  return fnmadd(n, set1(LN2_LO), r);
}
// exp(z) = y·2^n with y in [0.7, 1.42], full Horner 1 + r(1 + r(c2 + ...)): max 0.99 ULP.
inline vf exp_(vf x) {
  vf z = upper_clamp(lower_clamp(x, EXP_LO), EXP_HI), t;
  vf n = round_log2e(z, t);
  vf r = fnmadd(n, set1(LN2_LO), fnmadd(n, set1(LN2_HI), z));
  vf y = fmadd(fmadd(exp_poly(r), r, set1(1.0f)), r, set1(1.0f));
  return scale_exp(y, n, t, z);
}
// exp(x − m) for softmax with the subtraction's rounding error carried into the reduction: a
// rounded x − m (|x − m| ~ 20) alone would cost ~20 ULP. ±inf differences skip the correction.
inline vf exp_diff(vf x, vf neg_m) {
  vf d = add(x, neg_m);
  vf bb = sub(d, x);
  vf lo = add(sub(x, sub(d, bb)), sub(neg_m, bb));  // Knuth's TwoSum: d + lo = x − m exactly
  lo = select(lt(vabs(d), set1(__builtin_inff())), lo, zero());
  vf z = upper_clamp(lower_clamp(d, EXP_LO), EXP_HI), t;
  vf n = round_log2e(z, t);
  vf r = add(fnmadd(n, set1(LN2_HI), z), fnmadd(n, set1(LN2_LO), lo));
  vf y = fmadd(fmadd(exp_poly(r), r, set1(1.0f)), r, set1(1.0f));
  return scale_exp(y, n, t, z);
}
// exp for x <= 0 only (sigmoid, silu, softplus evaluate on −|x|); also returns y, n, z, t so that
// callers can scale a product by 2^n themselves.
inline vf exp_neg(vf negx, vf& y, vf& n, vf& z, vf& t) {
  z = lower_clamp(negx, EXP_LO);
  n = round_log2e(z, t);
  vf r = fnmadd(n, set1(LN2_LO), fnmadd(n, set1(LN2_HI), z));
  y = fmadd(fmadd(exp_poly(r), r, set1(1.0f)), r, set1(1.0f));
  return scale_exp(y, n, t, z);
}
// num/(1 + e), with the rounding error of d = 1 + e (up to 1 ULP of the quotient) and a low part
// of num folded back by one residual step: q + (num + num_lo − q·d − q·d_lo)·(1/d), 1/d from rcp.
inline vf div_one_plus(vf num, vf e) {
  vf d = add(set1(1.0f), e);
  vf d_lo = add(sub(set1(1.0f), d), e);  // exact (Fast2Sum, e <= 1)
  vf q = div(num, d);
  return fmadd(fnmadd(q, d_lo, fnmadd(q, d, num)), rcp(d), q);
}
inline vf div_one_plus(vf num, vf num_lo, vf e) {
  vf d = add(set1(1.0f), e);
  vf d_lo = add(sub(set1(1.0f), d), e);
  vf q = div(num, d);
  return fmadd(fnmadd(q, d_lo, add(fnmadd(q, d, num), num_lo)), rcp(d), q);
}

// sigmoid on −|x| never overflows: e = exp(−|x|); 1/(1+e) for x >= 0, e/(1+e) for x < 0.
inline vf sigmoid_(vf x) {
  vf y, n, z, t;
  vf e = exp_neg(neg_abs(x), y, n, z, t);
  return div_one_plus(select(lt(x, zero()), e, set1(1.0f)), e);
}
// silu = x·sigmoid(x). For x < 0 the product x·y is formed before scaling by 2^n so that a
// subnormal exp(x) does not lose bits before the multiplication (x·exp(x) is normal down to −82).
inline vf silu_(vf x) {
  vf y, n, z, t;
  vf e = exp_neg(neg_abs(x), y, n, z, t);
  vm negative = lt(x, zero());
  // z = max(x, −128) for x < 0: the same product below −128, where it rounds to −0 anyway.
  vf zy = mul(z, y);
  vf num = select(negative, zy, x), num_lo = select(negative, fmsub(z, y, zy), zero());
  vf q = div_one_plus(num, num_lo, e);
  vf r = vor(select(negative, scale_exp(q, n, t, z), q), sign_of(x));  // silu(−0) = −0
  // ±inf: the residual step gives NaN; silu(+inf) = +inf, silu(−inf) = −inf·0 = NaN as PyTorch.
  return select(eq(vabs(x), set1(__builtin_inff())), mul(x, select(gt(x, zero()), set1(1.0f), zero())), r);
}

// tanh|x| = −E/(2+E) with E = expm1(−2|x|), accurate near 0 (E ~ −2|x|) and saturating to 1
// (|x| >= 10 gives E = −1). expm1(z) = t·expm1(r) + (t − 1), t = 2^n, n in [−29, 0].
inline vf tanh_(vf x) {
  vf z = lower_clamp(mul(neg_abs(x), set1(2.0f)), -20.0f), n;
  vf r = reduce_ln2(z, n);
  vf t = pow2i(n);  // n in [−29, 0]
  vf em1 = fmadd(t, expm1_reduced(r), sub(t, set1(1.0f)));
  vf mag = vabs(div(em1, sub(set1(-2.0f), em1)));  // −E/(2+E) >= 0, and +0 for x = ±0
  return vor(mag, sign_of(x));
}

// log(1+f) = f − f²/2 + f³·(q0 + q1 f + ... + q7 f⁷) on f in [√½−1, √2−1]: Lawson minimax,
// relative error 5.8e-9 before rounding.
constexpr float LOG_Q0 = 0x1.555554p-2f, LOG_Q1 = -0x1.000228p-2f, LOG_Q2 = 0x1.99a008p-3f,
                LOG_Q3 = -0x1.547244p-3f, LOG_Q4 = 0x1.22da1ap-3f, LOG_Q5 = -0x1.0d8548p-3f,
                LOG_Q6 = 0x1.055b88p-3f, LOG_Q7 = -0x1.38b5aap-4f;
constexpr float SQRT2 = 0x1.6a09e6p+0f;
inline vf log1p_reduced(vf f) {
  vf p = fmadd(set1(LOG_Q7), f, set1(LOG_Q6));
  p = fmadd(p, f, set1(LOG_Q5));
  p = fmadd(p, f, set1(LOG_Q4));
  p = fmadd(p, f, set1(LOG_Q3));
  p = fmadd(p, f, set1(LOG_Q2));
  p = fmadd(p, f, set1(LOG_Q1));
  p = fmadd(p, f, set1(LOG_Q0));
  vf f2 = mul(f, f);
  vf tail = fmadd(mul(p, f), f2, mul(set1(-0.5f), f2));  // −f²/2 + f³·p
  return add(f, tail);
}
// e·ln2 + log1p(f), with ln2 split so the large part adds last.
inline vf add_ln2_multiple(vf e, vf l) { return fmadd(e, set1(LN2_HI), fmadd(e, set1(LN2_LO), l)); }
// log via x = m·2^e, m in [√½, √2); log(0) = −inf, log(x < 0) = NaN, log(+inf) = +inf as libm.
inline vf log_(vf x) {
  vf m, e;
  frexp1(x, m, e);
  vm big = gt(m, set1(SQRT2));
  m = select(big, mul(m, set1(0.5f)), m);
  e = select(big, add(e, set1(1.0f)), e);
  vf r = add_ln2_multiple(e, log1p_reduced(sub(m, set1(1.0f))));
  r = select(eq(x, set1(__builtin_inff())), x, r);
  r = select(eq(x, zero()), set1(-__builtin_inff()), r);
  r = select(lt(x, zero()), set1(__builtin_nanf("")), r);
  return select(eq(x, x), r, x);  // NaN in, NaN out
}

// softplus = max(x, 0) + log1p(exp(−|x|)), and x itself above PyTorch's threshold 20.
// log1p(e) for e in [0, 1]: u = 1 + e rounded, c = e − (u − 1) its exact rounding error; then
// log(u) = k·ln2 + log1p(f) with f = u/2^k − 1 + c/2^k (k = 1 when u > √2) keeps tiny e exact.
inline vf softplus_(vf x) {
  vf y, n, z, t;
  vf e = exp_neg(neg_abs(x), y, n, z, t);
  vf u = add(set1(1.0f), e);
  vf c = sub(e, sub(u, set1(1.0f)));
  vm big = gt(u, set1(SQRT2));
  vf scale = select(big, set1(0.5f), set1(1.0f));
  vf f = fmadd(c, scale, fmadd(u, scale, set1(-1.0f)));  // u·scale − 1 is exact (Sterbenz)
  vf k = select(big, set1(1.0f), zero());
  vf l = add_ln2_multiple(k, log1p_reduced(f));
  vf r = add(max_(zero(), x), l);
  return select(gt(x, set1(20.0f)), x, r);
}

// erf(x/√2) ≈ x·P(x²)/Q(x²) on |x| <= 5.6 (rational 11/10, Lawson + Sanathanan–Koerner fit,
// 0.16·eps before rounding); ±1 beyond, where erf(x/√2) rounds to ±1.
constexpr float ERF_P0 = 0x1.98845p-1f, ERF_P1 = 0x1.199c12p-4f, ERF_P2 = 0x1.347ec8p-7f,
                ERF_P3 = 0x1.6c97dp-12f, ERF_P4 = 0x1.aa948cp-17f, ERF_P5 = 0x1.7c74p-25f;
constexpr float ERF_Q1 = 0x1.02e6ecp-2f, ERF_Q2 = 0x1.da27b2p-6f, ERF_Q3 = 0x1.f57a14p-10f,
                ERF_Q4 = 0x1.3b005ep-14f, ERF_Q5 = 0x1.3ccf8cp-20f;
constexpr float ERF_SAT = 5.6f;
inline vf erf_sqrt1_2(vf x) {
  vf xc = upper_clamp(lower_clamp(x, -ERF_SAT), ERF_SAT);
  vf t = mul(xc, xc);
  vf p = fmadd(set1(ERF_P5), t, set1(ERF_P4));
  p = fmadd(p, t, set1(ERF_P3));
  p = fmadd(p, t, set1(ERF_P2));
  p = fmadd(p, t, set1(ERF_P1));
  p = fmadd(p, t, set1(ERF_P0));
  vf q = fmadd(set1(ERF_Q5), t, set1(ERF_Q4));
  q = fmadd(q, t, set1(ERF_Q3));
  q = fmadd(q, t, set1(ERF_Q2));
  q = fmadd(q, t, set1(ERF_Q1));
  q = fmadd(q, t, set1(1.0f));
  vf r = div(mul(xc, p), q);
  return select(ge(vabs(x), set1(ERF_SAT)), vor(set1(1.0f), sign_of(x)), r);
}
// gelu = ½x·(1 + erf(x/√2)); gelu(−inf) = NaN as in PyTorch.
inline vf gelu_(vf x) {
  vf h = mul(x, set1(0.5f));
  return fmadd(h, erf_sqrt1_2(x), h);
}

// PyTorch's tanh form: ½x(1 + tanh u) = x·sigmoid(2u), u = √(2/π)(x + 0.044715x³): no cancellation
// for negative x. Returns s = sigmoid(2u), e = exp(−2|u|), d = 1 + e for the gradient.
constexpr float SQRT_2_OVER_PI = 0x1.988454p-1f, GELU_KAPPA = 0.044715f;
inline vf gelu_tanh_parts(vf x, vf& s, vf& e, vf& d) {
  vf x2 = mul(x, x);
  vf u2 = mul(mul(x, set1(2.0f * SQRT_2_OVER_PI)), fmadd(x2, set1(GELU_KAPPA), set1(1.0f)));
  vf y, n, z, t;
  e = exp_neg(neg_abs(u2), y, n, z, t);
  d = add(e, set1(1.0f));
  s = div(select(lt(u2, zero()), e, set1(1.0f)), d);
  return x2;
}
inline vf gelu_tanh_(vf x) {
  vf s, e, d;
  gelu_tanh_parts(x, s, e, d);
  return mul(x, s);
}

// ---------------------------------------------------------------- gradients
constexpr float INV_SQRT_2PI = 0x1.988454p-2f;
// d/dx gelu = Φ(x) + x·φ(x). exp(−x²/2) is corrected for the rounding of x² (its error would be
// amplified by x²/2); x·φ is 0 where φ underflows, so ±inf give the limits 1 and 0.
inline vf gelu_grad_(vf x) {
  vf cdf = fmadd(erf_sqrt1_2(x), set1(0.5f), set1(0.5f));
  vf x2 = mul(x, x);
  vf x2_err = fmadd(x, x, mul(x2, set1(-1.0f)));  // x·x − x2, exact
  // φ(x) = e^{−x2/2}·e^{−x2_err/2}/√(2π) ≈ e^{−x2/2}·(1 − x2_err/2)/√(2π)
  vf ex = exp_(mul(x2, set1(-0.5f)));
  vf pdf = mul(ex, mul(set1(INV_SQRT_2PI), fnmadd(x2_err, set1(0.5f), set1(1.0f))));
  return add(cdf, select(eq(ex, zero()), zero(), mul(x, pdf)));
}
// d/dx of x·s(2u): s + x·2u'·s(1−s), s(1−s) = e/d², u' = √(2/π)(1 + 3κx²).
inline vf gelu_tanh_grad_(vf x) {
  vf s, e, d;
  vf x2 = gelu_tanh_parts(x, s, e, d);
  vf du2 = mul(set1(2.0f * SQRT_2_OVER_PI), fmadd(x2, set1(3.0f * GELU_KAPPA), set1(1.0f)));
  vf right = mul(div(mul(x, e), mul(d, d)), du2);
  return add(s, select(eq(e, zero()), zero(), right));
}
// d/dx silu = s·(1 + x(1 − s)), 1 − s = sigmoid(−x) computed directly; saturates to 1 / 0.
inline vf silu_grad_(vf x) {
  vf y, n, z, t;
  vf e = exp_neg(neg_abs(x), y, n, z, t);
  vf d = add(e, set1(1.0f));
  vm negative = lt(x, zero());
  vf s = div(select(negative, e, set1(1.0f)), d);
  vf oms = div(select(negative, set1(1.0f), e), d);
  vf r = mul(s, fmadd(x, oms, set1(1.0f)));
  return select(eq(e, zero()), select(gt(x, zero()), set1(1.0f), zero()), r);
}

template <class F>
inline void map1(const float* x, float* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    vf a = loadu(x + i), b = loadu(x + i + W);
    storeu(out + i, f(a));
    storeu(out + i + W, f(b));
  }
  for (; i + W <= n; i += W) storeu(out + i, f(loadu(x + i)));
  if (i < n) {
    vm m = tail_mask(n - i);
    store_tail(out + i, m, f(load_tail(x + i, m, 0.0f)));
  }
}
template <class F>
inline void map2(const float* x, const float* g, float* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    vf a = loadu(x + i), b = loadu(x + i + W), ga = loadu(g + i), gb = loadu(g + i + W);
    storeu(out + i, f(a, ga));
    storeu(out + i + W, f(b, gb));
  }
  for (; i + W <= n; i += W) storeu(out + i, f(loadu(x + i), loadu(g + i)));
  if (i < n) {
    vm m = tail_mask(n - i);
    store_tail(out + i, m, f(load_tail(x + i, m, 0.0f), load_tail(g + i, m, 0.0f)));
  }
}


// Softmax of one row in three passes: max; exp(x − max) stored and summed; scale. An all −inf
// row gives x − max = NaN, hence NaN, as in PyTorch; a +inf entry makes the row NaN as well.
inline void softmax_row(const float* x, float* out, int64_t c, bool log_softmax) {
  const float inf = __builtin_inff();
  vf m0 = set1(-inf), m1 = m0;
  int64_t i = 0;
  for (; i + 2 * W <= c; i += 2 * W) {
    m0 = max_(m0, loadu(x + i));
    m1 = max_(m1, loadu(x + i + W));
  }
  for (; i + W <= c; i += W) m0 = max_(m0, loadu(x + i));
  if (i < c) m1 = max_(m1, load_tail(x + i, tail_mask(c - i), -inf));
  const vf neg_mx = set1(-reduce_max(max_(m0, m1)));

  // The sum is accumulated in double: float lanes drift by ~n/W·eps over long rows.
  vd s0 = dzero(), s1 = dzero();
  for (i = 0; i + 2 * W <= c; i += 2 * W) {
    vf e0 = exp_diff(loadu(x + i), neg_mx), e1 = exp_diff(loadu(x + i + W), neg_mx);
    if (!log_softmax) {
      storeu(out + i, e0);
      storeu(out + i + W, e1);
    }
    dacc(s0, s1, e0);
    dacc(s0, s1, e1);
  }
  for (; i + W <= c; i += W) {
    vf e0 = exp_diff(loadu(x + i), neg_mx);
    if (!log_softmax) storeu(out + i, e0);
    dacc(s0, s1, e0);
  }
  if (i < c) {
    vm m = tail_mask(c - i);
    vf e0 = keep(m, exp_diff(load_tail(x + i, m, 0.0f), neg_mx));
    if (!log_softmax) store_tail(out + i, m, e0);
    dacc(s0, s1, e0);
  }
  const vf sum = set1(static_cast<float>(dreduce(s0, s1)));

  if (log_softmax) {
    const vf lse = log_(sum);
    for (i = 0; i + W <= c; i += W) storeu(out + i, sub(add(loadu(x + i), neg_mx), lse));
    if (i < c) {
      vm m = tail_mask(c - i);
      store_tail(out + i, m, sub(add(load_tail(x + i, m, 0.0f), neg_mx), lse));
    }
  } else {
    for (i = 0; i + W <= c; i += W) storeu(out + i, div(loadu(out + i), sum));
    if (i < c) {
      vm m = tail_mask(c - i);
      store_tail(out + i, m, div(load_tail(out + i, m, 0.0f), sum));
    }
  }
}

// softmax: y·(g − Σ g·y); log_softmax: g − exp(y)·Σ g.
inline void softmax_grad_row(const float* y, const float* g, float* out, int64_t c, bool log_softmax) {
  vd s0 = dzero(), s1 = dzero();  // Σ g·y or Σ g, in double
  int64_t i = 0;
  for (; i + W <= c; i += W) {
    vf g0 = loadu(g + i);
    if (log_softmax) dacc(s0, s1, g0);
    else dacc_mul(s0, s1, g0, loadu(y + i));
  }
  if (i < c) {
    vm m = tail_mask(c - i);
    vf g0 = load_tail(g + i, m, 0.0f);
    if (log_softmax) dacc(s0, s1, g0);
    else dacc_mul(s0, s1, g0, load_tail(y + i, m, 0.0f));
  }
  const vf dot = set1(static_cast<float>(dreduce(s0, s1)));
  auto f = [&](vf yv, vf gv) { return log_softmax ? fnmadd(exp_(yv), dot, gv) : mul(yv, sub(gv, dot)); };
  for (i = 0; i + W <= c; i += W) storeu(out + i, f(loadu(y + i), loadu(g + i)));
  if (i < c) {
    vm m = tail_mask(c - i);
    store_tail(out + i, m, f(load_tail(y + i, m, 0.0f), load_tail(g + i, m, 0.0f)));
  }
}

}  // namespace

// ---------------------------------------------------------------- entry points (same text in both ISA files)
void unary(UnaryOp op, const float* x, float* out, int64_t n, float param) {
  (void)param;  // no unary op takes a parameter yet
  switch (op) {
    case U_RELU: return map1(x, out, n, [](vf v) { return max_(zero(), v); });  // relu(−0) = −0, NaN stays
    case U_SIGMOID: return map1(x, out, n, [](vf v) { return sigmoid_(v); });
    case U_TANH: return map1(x, out, n, [](vf v) { return tanh_(v); });
    case U_EXP: return map1(x, out, n, [](vf v) { return exp_(v); });
    case U_LOG: return map1(x, out, n, [](vf v) { return log_(v); });
    case U_GELU: return map1(x, out, n, [](vf v) { return gelu_(v); });
    case U_GELU_TANH: return map1(x, out, n, [](vf v) { return gelu_tanh_(v); });
    case U_SILU: return map1(x, out, n, [](vf v) { return silu_(v); });
    case U_SOFTPLUS: return map1(x, out, n, [](vf v) { return softplus_(v); });
    case U_NEG: return map1(x, out, n, [](vf v) { return vxor(v, set1(-0.0f)); });
    case U_ABS: return map1(x, out, n, [](vf v) { return vabs(v); });
    case U_SQRT: return map1(x, out, n, [](vf v) { return vsqrt(v); });
    default: return map1(x, out, n, [](vf) { return set1(__builtin_nanf("")); });  // unknown op: visible NaN
  }
}

void unary_grad(GradOp op, const float* x, const float* g, float* out, int64_t n, float param) {
  const vf p = set1(param);
  switch (op) {
    case G_RELU: return map2(x, g, out, n, [](vf v, vf gv) { return select(le(v, zero()), zero(), gv); });
    case G_SIGMOID: return map2(x, g, out, n, [](vf y, vf gv) { return mul(mul(gv, sub(set1(1.0f), y)), y); });
    case G_TANH: return map2(x, g, out, n, [](vf y, vf gv) { return mul(gv, fnmadd(y, y, set1(1.0f))); });
    case G_GELU: return map2(x, g, out, n, [](vf v, vf gv) { return mul(gv, gelu_grad_(v)); });
    case G_GELU_TANH: return map2(x, g, out, n, [](vf v, vf gv) { return mul(gv, gelu_tanh_grad_(v)); });
    case G_SILU: return map2(x, g, out, n, [](vf v, vf gv) { return mul(gv, silu_grad_(v)); });
    case G_SOFTPLUS:
      return map2(x, g, out, n, [](vf v, vf gv) { return select(gt(v, set1(20.0f)), gv, mul(gv, sigmoid_(v))); });
    case G_LEAKY_RELU: return map2(x, g, out, n, [p](vf v, vf gv) { return select(gt(v, zero()), gv, mul(gv, p)); });
    case G_ELU:
      return map2(x, g, out, n, [p](vf v, vf gv) { return select(le(v, zero()), mul(mul(gv, p), exp_(v)), gv); });
    default: return map2(x, g, out, n, [](vf, vf) { return set1(__builtin_nanf("")); });
  }
}

void softmax(const float* x, float* out, int64_t rows, int64_t cols, bool log) {
  for (int64_t r = 0; r < rows; ++r) softmax_row(x + r * cols, out + r * cols, cols, log);
}

void softmax_grad(const float* y, const float* g, float* out, int64_t rows, int64_t cols, bool log) {
  for (int64_t r = 0; r < rows; ++r) softmax_grad_row(y + r * cols, g + r * cols, out + r * cols, cols, log);
}

}  // namespace avx512
}  // namespace kindling
