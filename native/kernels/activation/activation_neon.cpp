// fp32 activation and elementwise kernels, AArch64 Advanced SIMD (NEON is baseline on arm64: no
// extra flags). The file has two halves: ISA primitives (this half differs per ISA file) and the
// algorithms written over them (activation_algorithms.inc, shared textually with the x86 files).
// Everything except the exported entry points has internal linkage (anonymous namespace), so no
// inline symbol compiled here can be picked by the linker for another ISA (DESIGN.md §5).
// Accuracy (max error vs float64, native/tests/activation_test.cpp): exp, log, sigmoid, silu <= 2 ULP,
// tanh <= 4 ULP, gelu within 10·eps absolute or 5·eps relative.
// Linux on arm64 runs with flush-to-zero off (FPCR.FZ = 0), which the subnormal paths rely on.
#include <arm_neon.h>

#include <cstdint>

#include "../kernels.h"

namespace kindling {
namespace neon {
namespace {

// ---------------------------------------------------------------- ISA primitives (NEON)
using vf = float32x4_t;
using vm = uint32x4_t;  // comparison masks: all-ones or all-zero lanes
constexpr int64_t W = 4;

inline vf set1(float v) { return vdupq_n_f32(v); }
inline vf zero() { return vdupq_n_f32(0.0f); }
inline vf add(vf a, vf b) { return vaddq_f32(a, b); }
inline vf sub(vf a, vf b) { return vsubq_f32(a, b); }
inline vf mul(vf a, vf b) { return vmulq_f32(a, b); }
inline vf div(vf a, vf b) { return vdivq_f32(a, b); }
inline vf fmadd(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }               // a·b + c
inline vf fnmadd(vf a, vf b, vf c) { return vfmsq_f32(c, a, b); }              // c − a·b
inline vf fmsub(vf a, vf b, vf c) { return vfmaq_f32(vnegq_f32(c), a, b); }    // a·b − c
inline vf vsqrt(vf a) { return vsqrtq_f32(a); }
// NEON's max/min return NaN when either operand is NaN, so a NaN x stays NaN (the bound never is).
inline vf lower_clamp(vf x, float lo) { return vmaxq_f32(set1(lo), x); }
inline vf upper_clamp(vf x, float hi) { return vminq_f32(set1(hi), x); }
inline vf vabs(vf a) { return vabsq_f32(a); }
inline vf sign_of(vf a) { return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a), vdupq_n_u32(0x80000000u))); }
inline vf vor(vf a, vf b) { return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b))); }
inline vf vxor(vf a, vf b) { return vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b))); }
inline vf neg_abs(vf a) { return vor(a, set1(-0.0f)); }  // −|a|
// Ordered comparisons (false on NaN), as x86's _CMP_*_OQ.
inline vm lt(vf a, vf b) { return vcltq_f32(a, b); }
inline vm le(vf a, vf b) { return vcleq_f32(a, b); }
inline vm gt(vf a, vf b) { return vcgtq_f32(a, b); }
inline vm ge(vf a, vf b) { return vcgeq_f32(a, b); }
inline vm eq(vf a, vf b) { return vceqq_f32(a, b); }
inline vf select(vm m, vf a, vf b) { return vbslq_f32(m, a, b); }  // m ? a : b
// 2^n for integral n in [−126, 127], built in the exponent field.
inline vf pow2i(vf n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23));
}
// y·2^n for integral n in [−252, 254]: two exact factors 2^⌊n/2⌋·2^(n−⌊n/2⌋), one final rounding,
// so overflow gives inf and subnormal results are rounded once.
inline vf ldexp(vf y, vf n) {
  const int32x4_t ni = vcvtnq_s32_f32(n);
  const int32x4_t n1 = vshrq_n_s32(ni, 1), n2 = vsubq_s32(ni, n1);
  const int32x4_t bias = vdupq_n_s32(127);
  const vf s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n1, bias), 23));
  const vf s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n2, bias), 23));
  return mul(mul(y, s1), s2);
}
// 2^n for integral n in [−126, 126], no range check (the lockstep fast paths): t, n's
// magic-rounding word (round_log2e), shifted into the exponent field.
inline vf pow2_fast(vf, vf t) { return vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_f32(t), 23)); }
// exp's final scaling y·2^n. While every |z| <= 87 (n in [−126, 126]) the factor 2^n is
// pow2_fast; vectors that reach the overflow or subnormal range take the two-step ldexp.
inline vf scale_exp(vf y, vf n, vf t, vf z) {
  if (vmaxvq_u32(vcagtq_f32(z, set1(87.0f)))) return ldexp(y, n);
  return mul(y, pow2_fast(n, t));
}
// Every lane < lim (false when a lane is NaN).
inline bool all_lt(vf a, float lim) { return vminvq_u32(vcltq_f32(a, set1(lim))) != 0; }
// vrecpeq_f32 gives ~8 bits; one Newton step (vrecpsq_f32: 2 − a·r) brings it to ~16, at least
// the 12 bits of x86's rcp that the algorithms were written for.
inline vf rcp(vf a) {
  const vf r = vrecpeq_f32(a);
  return vmulq_f32(r, vrecpsq_f32(a, r));
}
// x = m·2^e with m in [1, 2), for positive finite x including subnormals (scaled by 2^23 first).
inline void frexp1(vf x, vf& m, vf& e) {
  const vm tiny = vcltq_f32(x, set1(0x1p-126f));
  const uint32x4_t bits = vreinterpretq_u32_f32(select(tiny, mul(x, set1(0x1p23f)), x));
  e = vcvtq_f32_s32(vsubq_s32(vreinterpretq_s32_u32(vshrq_n_u32(bits, 23)), vdupq_n_s32(127)));
  e = sub(e, vreinterpretq_f32_u32(vandq_u32(tiny, vreinterpretq_u32_f32(set1(23.0f)))));
  m = vreinterpretq_f32_u32(vorrq_u32(vandq_u32(bits, vdupq_n_u32(0x007fffffu)), vdupq_n_u32(0x3f800000u)));
}

inline vf loadu(const float* p) { return vld1q_f32(p); }
inline void storeu(float* p, vf v) { vst1q_f32(p, v); }
inline vm tail_mask(int64_t k) {  // 0 < k < W: lanes [0, k)
  const int32_t lanes[4] = {0, 1, 2, 3};
  return vcltq_s32(vld1q_s32(lanes), vdupq_n_s32(static_cast<int32_t>(k)));
}
// A tail mask's lane count: its all-ones lanes are −1 as integers.
inline int tail_count(vm m) { return -vaddvq_s32(vreinterpretq_s32_u32(m)); }
// No masked loads/stores on NEON: the tail goes through a small stack buffer, so nothing past the
// k valid floats is read or written.
inline vf load_tail(const float* p, vm m, float fill) {
  float t[4] = {fill, fill, fill, fill};
  const int k = tail_count(m);
  for (int i = 0; i < k; ++i) t[i] = p[i];
  return vld1q_f32(t);
}
inline void store_tail(float* p, vm m, vf v) {
  float t[4];
  vst1q_f32(t, v);
  const int k = tail_count(m);
  for (int i = 0; i < k; ++i) p[i] = t[i];
}
inline vf keep(vm m, vf v) { return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(v))); }  // zero outside m
inline float reduce_add(vf v) { return vaddvq_f32(v); }
inline float reduce_max(vf v) { return vmaxvq_f32(v); }
// x86's max: a where a > b, else b (so max(0, −0) = −0 and a NaN b passes through): relu and
// softplus rely on the sign of zero, which vmaxq_f32 would not keep.
inline vf max_(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
// Double-precision accumulators: lanes 0–1 into a, 2–3 into b.
using vd = float64x2_t;
inline vd dzero() { return vdupq_n_f64(0.0); }
inline float64x2_t lo_pd(vf v) { return vcvt_f64_f32(vget_low_f32(v)); }
inline float64x2_t hi_pd(vf v) { return vcvt_high_f64_f32(v); }
inline void dacc(vd& a, vd& b, vf v) {
  a = vaddq_f64(a, lo_pd(v));
  b = vaddq_f64(b, hi_pd(v));
}
inline void dacc_mul(vd& a, vd& b, vf u, vf v) {
  a = vfmaq_f64(a, lo_pd(u), lo_pd(v));
  b = vfmaq_f64(b, hi_pd(u), hi_pd(v));
}
inline double dreduce(vd a, vd b) { return vaddvq_f64(vaddq_f64(a, b)); }

#include "activation_algorithms.inc"

}  // namespace neon
}  // namespace kindling
