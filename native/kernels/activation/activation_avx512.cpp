// fp32 activation and elementwise kernels, AVX-512 (compiled with -march=x86-64-v4).
// The file has two halves: ISA primitives (this half differs from activation_avx2.cpp) and the
// algorithms written over them (activation_algorithms.inc, included after the primitives: one text for every ISA).
// Everything except the exported entry points has internal linkage (anonymous namespace), so no
// inline symbol compiled for AVX-512 can be picked by the linker for another ISA (DESIGN.md §5).
// Accuracy (max error vs float64, native/tests/activation_test.cpp): exp, log, sigmoid, silu <= 2 ULP,
// tanh <= 4 ULP, gelu within 10·eps absolute or 5·eps relative.
#include <cstdint>

#if defined(KINDLING_ACTIVATION_EMULATE_AVX512)
// Test-only (native/tests/build_activation_test.sh): SIMDe emulates the intrinsics so that this
// file's logic runs on a CPU without AVX-512. Never used in the addon. Masked loads and stores
// touch only the lanes in the mask here, as the hardware does (no read past the end of a tail).
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
static inline simde__m512 kd_emu_mask_loadu_ps(simde__m512 src, simde__mmask16 m, const void* p) {
  float t[16];
  simde_mm512_storeu_ps(t, src);
  for (int i = 0; i < 16; ++i)
    if ((m >> i) & 1) t[i] = static_cast<const float*>(p)[i];
  return simde_mm512_loadu_ps(t);
}
static inline void kd_emu_mask_storeu_ps(void* p, simde__mmask16 m, simde__m512 v) {
  float t[16];
  simde_mm512_storeu_ps(t, v);
  for (int i = 0; i < 16; ++i)
    if ((m >> i) & 1) static_cast<float*>(p)[i] = t[i];
}
#define _mm512_mask_loadu_ps kd_emu_mask_loadu_ps
#define _mm512_mask_storeu_ps kd_emu_mask_storeu_ps
// Intrinsics SIMDe 0.7 lacks, emulated lane by lane.
#include <cmath>
#include <cstring>
template <class F>
static inline simde__m512 kd_emu_map(simde__m512 a, F f) {
  float t[16];
  simde_mm512_storeu_ps(t, a);
  for (float& v : t) v = f(v);
  return simde_mm512_loadu_ps(t);
}
// rcp14: 1/x with its fraction cut to 14 bits (error < 2^-14, as the hardware's bound allows).
static inline simde__m512 kd_emu_rcp14_ps(simde__m512 a) {
  return kd_emu_map(a, [](float x) {
    float r = 1.0f / x;
    if (!std::isfinite(r) || r == 0) return r;
    uint32_t u;
    std::memcpy(&u, &r, 4);
    u &= ~((1u << 9) - 1);
    std::memcpy(&r, &u, 4);
    return r;
  });
}
// getmant(x, [1, 2), sign cleared) and getexp(x) = floor(log2 |x|), subnormals included.
static inline simde__m512 kd_emu_getmant_ps(simde__m512 a, int, int) {
  return kd_emu_map(a, [](float x) {
    if (std::isnan(x)) return x;
    if (std::isinf(x)) return 1.0f;
    if (x == 0) return 0.0f;
    int e;
    return 2 * std::frexp(std::fabs(x), &e);
  });
}
static inline simde__m512 kd_emu_getexp_ps(simde__m512 a) {
  return kd_emu_map(a, [](float x) {
    if (std::isnan(x)) return x;
    if (std::isinf(x)) return INFINITY;
    if (x == 0) return -INFINITY;
    int e;
    std::frexp(x, &e);
    return static_cast<float>(e - 1);
  });
}
// Reductions in the hardware sequence's order (halves, then quarters, ...), with maxps's NaN rule.
static inline float kd_emu_max(float a, float b) { return a > b ? a : b; }
static inline float kd_emu_reduce_max_ps(simde__m512 a) {
  float t[16];
  simde_mm512_storeu_ps(t, a);
  for (int w = 8; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) t[i] = kd_emu_max(t[i], t[i + w]);
  return t[0];
}
static inline float kd_emu_reduce_add_ps(simde__m512 a) {
  float t[16];
  simde_mm512_storeu_ps(t, a);
  for (int w = 8; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) t[i] += t[i + w];
  return t[0];
}
static inline double kd_emu_reduce_add_pd(simde__m512d a) {
  double t[8];
  simde_mm512_storeu_pd(t, a);
  for (int w = 4; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) t[i] += t[i + w];
  return t[0];
}
static inline simde__m512d kd_emu_cvtps_pd(simde__m256 a) {
  float t[8];
  double d[8];
  simde_mm256_storeu_ps(t, a);
  for (int i = 0; i < 8; ++i) d[i] = t[i];
  return simde_mm512_loadu_pd(d);
}
// scalef: x·2^⌊n⌋ rounded once (SIMDe 0.7 forms 2^n in float first, which overflows at n = 128
// and flushes below 2^-149, so exp(88.7) and subnormal results came out wrong).
static inline simde__m512 kd_emu_scalef_ps(simde__m512 a, simde__m512 b) {
  float x[16], n[16];
  simde_mm512_storeu_ps(x, a);
  simde_mm512_storeu_ps(n, b);
  for (int i = 0; i < 16; ++i) {
    if (std::isnan(x[i]) || std::isnan(n[i])) x[i] = x[i] + n[i];
    else if (std::isinf(n[i])) x[i] = n[i] > 0 ? x[i] * INFINITY : x[i] * 0.0f;  // 0·inf: NaN, as the hardware
    else x[i] = std::ldexp(x[i], static_cast<int>(std::fmax(-400.0f, std::fmin(400.0f, std::floor(n[i])))));
  }
  return simde_mm512_loadu_ps(x);
}
#define _mm512_scalef_ps kd_emu_scalef_ps
#define _mm512_rcp14_ps kd_emu_rcp14_ps
#define _mm512_getmant_ps kd_emu_getmant_ps
#define _mm512_getexp_ps kd_emu_getexp_ps
#define _mm512_reduce_max_ps kd_emu_reduce_max_ps
#define _mm512_reduce_add_ps kd_emu_reduce_add_ps
#define _mm512_reduce_add_pd kd_emu_reduce_add_pd
#define _mm512_cvtps_pd kd_emu_cvtps_pd
#else
#include <immintrin.h>
#endif

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
// |a| by clearing the sign bit (what _mm512_abs_ps is on hardware; SIMDe 0.7's keeps −0).
inline vf vabs(vf a) { return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MAX))); }
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
// 2^n for integral n in [−126, 126] (the lockstep fast paths; t is n's magic-rounding word).
inline vf pow2_fast(vf n, vf) { return _mm512_scalef_ps(set1(1.0f), n); }
// Every lane < lim (false when a lane is NaN).
inline bool all_lt(vf a, float lim) { return _mm512_cmp_ps_mask(a, set1(lim), _CMP_LT_OQ) == 0xFFFF; }
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

#include "activation_algorithms.inc"

}  // namespace avx512
}  // namespace kindling
