// fp32 GEMM for AArch64 Advanced SIMD (NEON is baseline on arm64: no extra flags). 8×12
// microkernel: 24 accumulators (8 rows × 3 float32x4) as individual variables, each k step loads
// 2 vectors of A and 3 of B and issues 24 vfmaq_laneq_f32 that broadcast A's lanes, so 29 of the
// 32 vector registers are live and nothing spills. Partial tiles are stored by the microkernel
// itself (full vectors where 4 columns are valid, a small stack copy for the last 1–3).
#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "../kernels.h"
// the activation kernels the epilogues call (declarations only)
#define KINDLING_ISA_NS neon
#include "../isa_api.h"
#undef KINDLING_ISA_NS

namespace kindling {
namespace neon {
namespace {

constexpr int64_t MR = 8, NR = 12;
// GotoBLAS order (B panel in L1), as BLIS's armv8a configurations. Not tuned on hardware (none
// at hand): a KC×12 B panel (18 KiB) plus an 8×KC A sliver (12 KiB) fit a 32 KiB L1d (Cortex-A72)
// and leave room in the 64 KiB of Neoverse N1/V1; the MC×KC A block (288 KiB) sits in a 512 KiB+
// L2; the KC×NC B block (2.25 MiB) in L3 or a shared L2. Benchmark builds may override the
// blocking with -DKD_SWEEP_KC=.. -DKD_SWEEP_NC=.. -DKD_SWEEP_MC=.. (never the addon).
#ifndef KD_SWEEP_KC
constexpr int64_t KC = 384;
constexpr int64_t MC = 192;   // multiple of MR
constexpr int64_t NC = 1536;  // multiple of NR
#else
constexpr int64_t KC = KD_SWEEP_KC, NC = KD_SWEEP_NC, MC = KD_SWEEP_MC;
#endif
constexpr bool B_PANEL_IN_L1 = true;
constexpr bool UKR_TAILS = true;

// ---- vector interface used by the portable row kernels ----
using vf = float32x4_t;
constexpr int64_t VL = 4;
static inline vf vzero() { return vdupq_n_f32(0.0f); }
static inline vf vset1(float x) { return vdupq_n_f32(x); }
static inline vf vload(const float* p) { return vld1q_f32(p); }
// No masked loads/stores on NEON: the n < 4 valid floats go through a stack copy, so nothing past
// them is read or written.
static inline vf vloadn(const float* p, int64_t n) {
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int64_t i = 0; i < n; ++i) t[i] = p[i];
  return vld1q_f32(t);
}
static inline void vstore(float* p, vf v) { vst1q_f32(p, v); }
static inline void vstoren(float* p, vf v, int64_t n) {
  float t[4];
  vst1q_f32(t, v);
  for (int64_t i = 0; i < n; ++i) p[i] = t[i];
}
static inline vf vfma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
static inline vf vmul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf vadd(vf a, vf b) { return vaddq_f32(a, b); }
// x86's max(0, a): 0 only where a < 0, so NaN and −0 pass through, as relu (vmaxq_f32 would turn
// −0 into +0).
static inline vf vmax0(vf a) { return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(a), vcltzq_f32(a))); }
static inline float vhsum(vf a) { return vaddvq_f32(a); }

static inline void tr4x4(const float* s, int64_t lds, float* d, int64_t ldd) {
  const float32x4_t r0 = vld1q_f32(s), r1 = vld1q_f32(s + lds), r2 = vld1q_f32(s + 2 * lds), r3 = vld1q_f32(s + 3 * lds);
  const float32x4_t t0 = vtrn1q_f32(r0, r1), t1 = vtrn2q_f32(r0, r1);  // {r0[0], r1[0], r0[2], r1[2]}, {.. [1], [3]}
  const float32x4_t t2 = vtrn1q_f32(r2, r3), t3 = vtrn2q_f32(r2, r3);
  const float64x2_t u0 = vreinterpretq_f64_f32(t0), u1 = vreinterpretq_f64_f32(t1);
  const float64x2_t u2 = vreinterpretq_f64_f32(t2), u3 = vreinterpretq_f64_f32(t3);
  vst1q_f32(d, vreinterpretq_f32_f64(vtrn1q_f64(u0, u2)));
  vst1q_f32(d + ldd, vreinterpretq_f32_f64(vtrn1q_f64(u1, u3)));
  vst1q_f32(d + 2 * ldd, vreinterpretq_f32_f64(vtrn2q_f64(u0, u2)));
  vst1q_f32(d + 3 * ldd, vreinterpretq_f32_f64(vtrn2q_f64(u1, u3)));
}

static void act_unary(UnaryOp op, float* x, int64_t n) { unary(op, x, x, n, 0.0f); }

struct Store;
static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st);
static bool direct_takes(const GemmArgs&) { return false; }
static void gemm_direct(const GemmArgs&, int64_t, int64_t, int64_t, int64_t, float*) {}

#include "gemm_driver.h"

// mr×nr of the 8×12 tile are stored (rows past mr skipped, columns past nr neither read nor
// written), with the driver's store_vec (alpha, beta·C, bias, relu).
// Register pressure (gcc 12, -O2/-O3): inlined into macro_kernel, alpha and beta stay live in
// vector registers across the K loop and one accumulator spills; and the pre-RA scheduler hoists
// the next step's loads above the FMAs. noinline and the empty asm statement (A and B vectors
// alive until their last FMA) leave the loop with no stack access at all (checked in the asm).
__attribute__((noinline)) static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st) {
  // C's rows are far apart (often a page or more): fetch them while the K loop runs.
  for (int64_t r = 0; r < mr; ++r) {
    __builtin_prefetch(c + r * ldc, 1);
    __builtin_prefetch(c + r * ldc + 11, 1);
  }
  float32x4_t c00 = vdupq_n_f32(0.0f), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
  float32x4_t c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
  float32x4_t c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
  float32x4_t c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
#define KD_ROW(x0, x1, x2, av, lane)       \
  x0 = vfmaq_laneq_f32(x0, b0, av, lane); \
  x1 = vfmaq_laneq_f32(x1, b1, av, lane); \
  x2 = vfmaq_laneq_f32(x2, b2, av, lane);
#define KD_STEP(KK)                                                                                  \
  {                                                                                                  \
    const float32x4_t a0 = vld1q_f32(a + (KK) * MR), a1 = vld1q_f32(a + (KK) * MR + 4);              \
    const float32x4_t b0 = vld1q_f32(b + (KK) * NR), b1 = vld1q_f32(b + (KK) * NR + 4),              \
                      b2 = vld1q_f32(b + (KK) * NR + 8);                                             \
    KD_ROW(c00, c01, c02, a0, 0) KD_ROW(c10, c11, c12, a0, 1) KD_ROW(c20, c21, c22, a0, 2)           \
    KD_ROW(c30, c31, c32, a0, 3) KD_ROW(c40, c41, c42, a1, 0) KD_ROW(c50, c51, c52, a1, 1)           \
    KD_ROW(c60, c61, c62, a1, 2) KD_ROW(c70, c71, c72, a1, 3)                                        \
    __asm__("" ::"w"(a0), "w"(a1), "w"(b0), "w"(b1), "w"(b2));                                      \
  }
  int64_t k = 0;
  for (; k + 4 <= kc; k += 4) {
    __builtin_prefetch(b + 8 * NR);
    __builtin_prefetch(b + 10 * NR);
    KD_STEP(0) KD_STEP(1) KD_STEP(2) KD_STEP(3)
    a += 4 * MR;
    b += 4 * NR;
  }
  for (; k < kc; ++k) {
    KD_STEP(0)
    a += MR;
    b += NR;
  }
#undef KD_STEP
#undef KD_ROW
  const float* bias = st.bias;
  const int64_t n0 = nr < 4 ? nr : 4, n1 = nr > 8 ? 4 : nr > 4 ? nr - 4 : 0, n2 = nr > 8 ? nr - 8 : 0;
#define KD_STORE(r, x0, x1, x2)                                                     \
  if ((r) < mr) {                                                                   \
    float* cr = c + (r) * ldc;                                                      \
    store_vec(cr, x0, n0, st, bias);                                                \
    if (n1) store_vec(cr + 4, x1, n1, st, bias ? bias + 4 : nullptr);              \
    if (n2) store_vec(cr + 8, x2, n2, st, bias ? bias + 8 : nullptr);              \
  }
  KD_STORE(0, c00, c01, c02) KD_STORE(1, c10, c11, c12) KD_STORE(2, c20, c21, c22)
  KD_STORE(3, c30, c31, c32) KD_STORE(4, c40, c41, c42) KD_STORE(5, c50, c51, c52)
  KD_STORE(6, c60, c61, c62) KD_STORE(7, c70, c71, c72)
#undef KD_STORE
}

}  // namespace

#include "gemm_exports.inc"

}  // namespace neon
}  // namespace kindling
