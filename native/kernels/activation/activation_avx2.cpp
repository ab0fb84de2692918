// fp32 activation and elementwise kernels, AVX2 + FMA (compiled with -march=x86-64-v3).
// The file has two halves: ISA primitives (this half differs from activation_avx512.cpp) and the
// algorithms written over them (activation_algorithms.inc, included after the primitives: one text for every ISA).
// Everything except the exported entry points has internal linkage (anonymous namespace), so no
// inline symbol compiled for AVX2 can be picked by the linker for another ISA (DESIGN.md §5).
// Accuracy (max error vs float64, native/tests/activation_test.cpp): exp, log, sigmoid, silu <= 2 ULP,
// tanh <= 4 ULP, gelu within 10·eps absolute or 5·eps relative.
#include <immintrin.h>

#include <cstdint>

#include "../kernels.h"

namespace kindling {
namespace avx2 {
namespace {

// ---------------------------------------------------------------- ISA primitives (AVX2 + FMA)
using vf = __m256;
using vm = __m256;  // comparison masks: all-ones or all-zero lanes
constexpr int64_t W = 8;

inline vf set1(float v) { return _mm256_set1_ps(v); }
inline vf zero() { return _mm256_setzero_ps(); }
inline vf add(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf div(vf a, vf b) { return _mm256_div_ps(a, b); }
inline vf fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }    // a·b + c
inline vf fnmadd(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); }  // c − a·b
inline vf fmsub(vf a, vf b, vf c) { return _mm256_fmsub_ps(a, b, c); }    // a·b − c
inline vf vsqrt(vf a) { return _mm256_sqrt_ps(a); }
// max/min return their second operand when either is NaN: keeping x second propagates NaN.
inline vf lower_clamp(vf x, float lo) { return _mm256_max_ps(set1(lo), x); }
inline vf upper_clamp(vf x, float hi) { return _mm256_min_ps(set1(hi), x); }
inline vf vabs(vf a) { return _mm256_andnot_ps(set1(-0.0f), a); }
inline vf sign_of(vf a) { return _mm256_and_ps(a, set1(-0.0f)); }
inline vf vor(vf a, vf b) { return _mm256_or_ps(a, b); }
inline vf vxor(vf a, vf b) { return _mm256_xor_ps(a, b); }
inline vf neg_abs(vf a) { return vor(a, set1(-0.0f)); }  // −|a|
inline vm lt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
inline vm le(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
inline vm gt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
inline vm ge(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
inline vm eq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
inline vf select(vm m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); }  // m ? a : b
// 2^n for integral n in [−126, 127], built in the exponent field.
inline vf pow2i(vf n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}
// y·2^n for integral n in [−252, 254]: two exact factors 2^⌊n/2⌋·2^(n−⌊n/2⌋), one final rounding,
// so overflow gives inf and subnormal results are rounded once.
inline vf ldexp(vf y, vf n) {
  __m256i ni = _mm256_cvtps_epi32(n);
  __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  vf s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  vf s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  return mul(mul(y, s1), s2);
}
// 2^n for integral n in [−126, 126], no range check (the lockstep fast paths): t, n's
// magic-rounding word (round_log2e), shifted into the exponent field.
inline vf pow2_fast(vf, vf t) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23)); }
// exp's final scaling y·2^n. While every |z| < 87 (n in [−126, 126]) the factor 2^n is t's
// magic-rounding word shifted into the exponent field; vectors that reach the overflow or
// subnormal range take the two-step ldexp.
inline vf scale_exp(vf y, vf n, vf t, vf z) {
  if (_mm256_movemask_ps(_mm256_cmp_ps(vabs(z), set1(87.0f), _CMP_GT_OQ))) return ldexp(y, n);
  return mul(y, pow2_fast(n, t));
}
// Every lane < lim (false when a lane is NaN).
inline bool all_lt(vf a, float lim) { return _mm256_movemask_ps(_mm256_cmp_ps(a, set1(lim), _CMP_LT_OQ)) == 0xFF; }
inline vf rcp(vf a) { return _mm256_rcp_ps(a); }  // 12 bits
// x = m·2^e with m in [1, 2), for positive finite x including subnormals (scaled by 2^23 first).
inline void frexp1(vf x, vf& m, vf& e) {
  vm tiny = _mm256_cmp_ps(x, set1(0x1p-126f), _CMP_LT_OQ);
  __m256i bits = _mm256_castps_si256(select(tiny, mul(x, set1(0x1p23f)), x));
  e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
  e = sub(e, _mm256_and_ps(tiny, set1(23.0f)));
  m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000)));
}

inline vf loadu(const float* p) { return _mm256_loadu_ps(p); }
inline void storeu(float* p, vf v) { _mm256_storeu_ps(p, v); }
inline vm tail_mask(int64_t k) {  // 0 < k < W
  return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(k)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}
inline vf load_tail(const float* p, vm m, float fill) {
  vf v = _mm256_maskload_ps(p, _mm256_castps_si256(m));
  return fill == 0.0f ? v : select(m, v, set1(fill));
}
inline void store_tail(float* p, vm m, vf v) { _mm256_maskstore_ps(p, _mm256_castps_si256(m), v); }
inline vf keep(vm m, vf v) { return _mm256_and_ps(m, v); }  // zero outside m
inline float reduce_add(vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
inline float reduce_max(vf v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)));
}
inline vf max_(vf a, vf b) { return _mm256_max_ps(a, b); }
// Double-precision accumulators: lanes 0–3 into a, 4–7 into b.
using vd = __m256d;
inline vd dzero() { return _mm256_setzero_pd(); }
inline __m256d lo_pd(vf v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline __m256d hi_pd(vf v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
inline void dacc(vd& a, vd& b, vf v) {
  a = _mm256_add_pd(a, lo_pd(v));
  b = _mm256_add_pd(b, hi_pd(v));
}
inline void dacc_mul(vd& a, vd& b, vf u, vf v) {
  a = _mm256_fmadd_pd(lo_pd(u), lo_pd(v), a);
  b = _mm256_fmadd_pd(hi_pd(u), hi_pd(v), b);
}
inline double dreduce(vd a, vd b) {
  __m256d s = _mm256_add_pd(a, b);
  __m128d t = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  return _mm_cvtsd_f64(_mm_add_sd(t, _mm_unpackhi_pd(t, t)));
}

#include "activation_algorithms.inc"

}  // namespace avx2
}  // namespace kindling
