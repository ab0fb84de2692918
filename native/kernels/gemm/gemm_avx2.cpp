// fp32 GEMM for AVX2 + FMA (compile with -march=x86-64-v3): 6×16 microkernel, 12 ymm accumulators
// as individual variables (an array of __m256 makes gcc 12 spill them). Partial tiles are stored
// by the microkernel itself with mask loads/stores (no scratch tile, no scalar merge).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "../kernels.h"
// the activation kernels the epilogues call (declarations only)
#define KINDLING_ISA_NS avx2
#include "../isa_api.h"
#undef KINDLING_ISA_NS

namespace kindling {
namespace avx2 {
namespace {

// Blocking for Zen 4 (32 KiB L1d, 1 MiB L2 per core). See native/tests/gemm_bench.cpp.
constexpr int64_t MR = 6, NR = 16;
// Measured on this (Zen 3) machine: streaming B panels from L2 with the A panel in L1 beat the
// GotoBLAS order (B panel in L1, KC 256, MC 480) by 15-50% at 512³-2048³.
// A sweep of KC×NC = 256×384, 320×320, 256×512 (B block inside the 512 KiB L2) against 384×384
// showed no difference above the noise (±10%) at 256³-2048³. Benchmark builds may override the
// blocking with -DKD_SWEEP_KC=.. -DKD_SWEEP_NC=.. -DKD_SWEEP_MC=.. (never the addon).
#ifndef KD_SWEEP_KC
constexpr int64_t KC = 384;   // A panel 6×384×4 = 9 KiB stays in L1
constexpr int64_t NC = 384;   // B block 384×384×4 = 576 KiB stays in L2, streamed by 16-wide panels
constexpr int64_t MC = 1536;  // A block 1536×384×4 = 2.3 MiB (L3), reused across the NC blocks
#else
constexpr int64_t KC = KD_SWEEP_KC, NC = KD_SWEEP_NC, MC = KD_SWEEP_MC;
#endif
constexpr bool B_PANEL_IN_L1 = false;
constexpr bool UKR_TAILS = true;

// ---- vector interface used by the portable row kernels ----
using vf = __m256;
constexpr int64_t VL = 8;
static inline __m256i tailmask(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int32_t(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline vf vzero() { return _mm256_setzero_ps(); }
static inline vf vset1(float x) { return _mm256_set1_ps(x); }
static inline vf vload(const float* p) { return _mm256_loadu_ps(p); }
static inline vf vloadn(const float* p, int64_t n) { return _mm256_maskload_ps(p, tailmask(n)); }
static inline void vstore(float* p, vf v) { _mm256_storeu_ps(p, v); }
static inline void vstoren(float* p, vf v, int64_t n) { _mm256_maskstore_ps(p, tailmask(n), v); }
static inline vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vmax0(vf a) { return _mm256_max_ps(_mm256_setzero_ps(), a); }  // NaN and −0 pass through, as relu
static inline float vhsum(vf a) {
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}

static inline void tr4x4(const float* s, int64_t lds, float* d, int64_t ldd) {
  __m128 r0 = _mm_loadu_ps(s), r1 = _mm_loadu_ps(s + lds), r2 = _mm_loadu_ps(s + 2 * lds),
         r3 = _mm_loadu_ps(s + 3 * lds);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(d, r0);
  _mm_storeu_ps(d + ldd, r1);
  _mm_storeu_ps(d + 2 * ldd, r2);
  _mm_storeu_ps(d + 3 * ldd, r3);
}

static void act_unary(UnaryOp op, float* x, int64_t n) { unary(op, x, x, n, 0.0f); }

struct Store;
static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st);
#define KD_ROWS4_KLOOP
static void rows4_kloop(int64_t kc, const float* a, int64_t ars, int64_t acs, const float* p, __m256 (&acc)[4][2]);
// A no-pack path (A and B read in place, as gemm_avx512.cpp does) measured slower than packing
// here at 64³–256³ (0.7–0.85×), so AVX2 always packs above the row kernels' range.
static bool direct_takes(const GemmArgs&) { return false; }
static void gemm_direct(const GemmArgs&, int64_t, int64_t, int64_t, int64_t, float*) {}

#include "gemm_driver.h"

// mr×nr of the 6×16 tile are stored (mask stores past nr, rows past mr skipped).
// The K loop is inline assembly: written with intrinsics, gcc 12 rotated the accumulators between
// registers and spilled one every 4 steps however the code was arranged; this loop keeps the 12
// accumulators, the two B vectors (ymm12-13) and the A broadcasts (ymm14-15) in fixed registers
// (~5% faster with the tile in L1, 0-19% over whole products at 64³-1024³).
// One row of a K step, shared by ukernel and rows4_kloop: broadcast the A element at src into
// register x, then accumulate x times the B row held in ymm12-13 into operands c0, c1.
#define KD_ASM_ROW(src, x, c0, c1)                                                        \
  "vbroadcastss " src ", %%" x "\n\t"                                                    \
  "vfmadd231ps %%ymm12, %%" x ", %[" c0 "]\n\t"                                         \
  "vfmadd231ps %%ymm13, %%" x ", %[" c1 "]\n\t"
// row r of step o in a packed A panel: 6 floats (24 bytes) a step
#define KD_A_ROW(o, r, x, c0, c1) KD_ASM_ROW(#o "*24+" #r "*4(%[a])", x, c0, c1)
#define KD_A_FMAS(o)                                                                      \
  KD_A_ROW(o, 0, "ymm14", "c00", "c01") KD_A_ROW(o, 1, "ymm15", "c10", "c11")             \
  KD_A_ROW(o, 2, "ymm14", "c20", "c21") KD_A_ROW(o, 3, "ymm15", "c30", "c31")             \
  KD_A_ROW(o, 4, "ymm14", "c40", "c41") KD_A_ROW(o, 5, "ymm15", "c50", "c51")
static_assert(MR == 6 && NR == 16, "the assembly below hard-codes a 6x16 tile (24-byte A and 64-byte B steps)");
// step o of a packed panel: B row at b + 64·o bytes
#define KD_A_STEP(o)                                                                      \
  "vmovups " #o "*64(%[b]), %%ymm12\n\t"                                                 \
  "vmovups " #o "*64+32(%[b]), %%ymm13\n\t" KD_A_FMAS(o)
// the accumulators are outputs only (zeroed by KD_A_ZERO): asm allows 30 operands, in-outs count twice
#define KD_A_ACC                                                                          \
  [c00] "=x"(c00), [c01] "=x"(c01), [c10] "=x"(c10), [c11] "=x"(c11), [c20] "=x"(c20),     \
  [c21] "=x"(c21), [c30] "=x"(c30), [c31] "=x"(c31), [c40] "=x"(c40), [c41] "=x"(c41),     \
  [c50] "=x"(c50), [c51] "=x"(c51)
#define KD_A_ZERO                                                                         \
  "vxorps %x[c00], %x[c00], %x[c00]\n\t" "vxorps %x[c01], %x[c01], %x[c01]\n\t"        \
  "vxorps %x[c10], %x[c10], %x[c10]\n\t" "vxorps %x[c11], %x[c11], %x[c11]\n\t"        \
  "vxorps %x[c20], %x[c20], %x[c20]\n\t" "vxorps %x[c21], %x[c21], %x[c21]\n\t"        \
  "vxorps %x[c30], %x[c30], %x[c30]\n\t" "vxorps %x[c31], %x[c31], %x[c31]\n\t"        \
  "vxorps %x[c40], %x[c40], %x[c40]\n\t" "vxorps %x[c41], %x[c41], %x[c41]\n\t"        \
  "vxorps %x[c50], %x[c50], %x[c50]\n\t" "vxorps %x[c51], %x[c51], %x[c51]\n\t"
static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st) {
  // C's rows are far apart (often a page or more): fetch them while the K loop runs.
  for (int64_t r = 0; r < mr; ++r) {
    _mm_prefetch((const char*)(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(c + r * ldc + 15), _MM_HINT_T0);
  }
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  int64_t n4 = kc / 4, n1 = kc % 4;  // steps by four, then one by one
  __asm__ volatile(
      KD_A_ZERO
      "testq %[n4], %[n4]\n\t"
      "jz 2f\n\t"
      "1:\n\t"
      "prefetcht0 512(%[b])\n\t"
      "prefetcht0 640(%[b])\n\t" KD_A_STEP(0) KD_A_STEP(1) KD_A_STEP(2) KD_A_STEP(3)
      "addq $96, %[a]\n\t"
      "addq $256, %[b]\n\t"
      "decq %[n4]\n\t"
      "jnz 1b\n\t"
      "2:\n\t"
      "testq %[n1], %[n1]\n\t"
      "jz 4f\n\t"
      "3:\n\t" KD_A_STEP(0)
      "addq $24, %[a]\n\t"
      "addq $64, %[b]\n\t"
      "decq %[n1]\n\t"
      "jnz 3b\n\t"
      "4:\n\t"
      : [a] "+r"(a), [b] "+r"(b), [n4] "+r"(n4), [n1] "+r"(n1), KD_A_ACC
      :
      : "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
#undef KD_A_ZERO
#undef KD_A_ACC
#undef KD_A_STEP
#undef KD_A_FMAS
#undef KD_A_ROW
  const __m256 va = _mm256_set1_ps(st.alpha), vb = _mm256_set1_ps(st.beta);
  const bool load_c = st.beta != 0.0f, relu = st.relu;
  if (mr == MR && nr == NR) {
    const __m256 bias0 = st.bias ? _mm256_loadu_ps(st.bias) : _mm256_setzero_ps();
    const __m256 bias1 = st.bias ? _mm256_loadu_ps(st.bias + 8) : _mm256_setzero_ps();
#define KD_STORE(r, x0, x1)                                                              \
  {                                                                                      \
    float* cr = c + (r) * ldc;                                                           \
    __m256 v0 = _mm256_fmadd_ps(x0, va, bias0), v1 = _mm256_fmadd_ps(x1, va, bias1);     \
    if (load_c) {                                                                        \
      v0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), v0);                                 \
      v1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), v1);                             \
    }                                                                                    \
    if (relu) {                                                                          \
      v0 = _mm256_max_ps(_mm256_setzero_ps(), v0);                                       \
      v1 = _mm256_max_ps(_mm256_setzero_ps(), v1);                                       \
    }                                                                                    \
    _mm256_storeu_ps(cr, v0);                                                            \
    _mm256_storeu_ps(cr + 8, v1);                                                        \
  }
    KD_STORE(0, c00, c01) KD_STORE(1, c10, c11) KD_STORE(2, c20, c21)
    KD_STORE(3, c30, c31) KD_STORE(4, c40, c41) KD_STORE(5, c50, c51)
#undef KD_STORE
    return;
  }
  // Partial tile: columns by masks (nothing past nr is read or written), rows up to mr.
  const __m256i m0 = tailmask(nr < 8 ? nr : 8), m1 = tailmask(nr > 8 ? nr - 8 : 0);
  const __m256 bias0 = st.bias ? _mm256_maskload_ps(st.bias, m0) : _mm256_setzero_ps();
  const __m256 bias1 = st.bias ? _mm256_maskload_ps(st.bias + 8, m1) : _mm256_setzero_ps();
#define KD_STORE(r, x0, x1)                                                              \
  if ((r) < mr) {                                                                        \
    float* cr = c + (r) * ldc;                                                           \
    __m256 v0 = _mm256_fmadd_ps(x0, va, bias0), v1 = _mm256_fmadd_ps(x1, va, bias1);     \
    if (load_c) {                                                                        \
      v0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr, m0), v0);                          \
      v1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr + 8, m1), v1);                      \
    }                                                                                    \
    if (relu) {                                                                          \
      v0 = _mm256_max_ps(_mm256_setzero_ps(), v0);                                       \
      v1 = _mm256_max_ps(_mm256_setzero_ps(), v1);                                       \
    }                                                                                    \
    _mm256_maskstore_ps(cr, m0, v0);                                                     \
    _mm256_maskstore_ps(cr + 8, m1, v1);                                                 \
  }
  KD_STORE(0, c00, c01) KD_STORE(1, c10, c11) KD_STORE(2, c20, c21)
  KD_STORE(3, c30, c31) KD_STORE(4, c40, c41) KD_STORE(5, c50, c51)
#undef KD_STORE
}

// acc[r][0..1] += Σ_k A[r·ars + k·acs] · P[k·16 .. k·16+15] for 4 rows of A read in place and a
// packed 16-wide B panel: the K loop of rows_packed<4> (2-4-row inference, classifier heads). As
// in ukernel, assembly keeps the 8 accumulators in registers: gcc 12 spilled a B vector to the
// stack and reloaded it for every FMA, holding this loop at ~45 GFLOP/s with everything in L1.
static void rows4_kloop(int64_t kc, const float* a, int64_t ars, int64_t acs, const float* p, __m256 (&acc)[4][2]) {
  if (kc <= 0) return;
  __m256 c00 = acc[0][0], c01 = acc[0][1], c10 = acc[1][0], c11 = acc[1][1];
  __m256 c20 = acc[2][0], c21 = acc[2][1], c30 = acc[3][0], c31 = acc[3][1];
  const int64_t rs = ars * 4, ks = acs * 4;  // bytes
  const float* a3 = a + 3 * ars;
  int64_t n = kc;
  __asm__ volatile(
      "1:\n\t"
      "vmovups (%[p]), %%ymm12\n\t"
      "vmovups 32(%[p]), %%ymm13\n\t"
      KD_ASM_ROW("(%[a])", "ymm14", "c00", "c01")
      KD_ASM_ROW("(%[a],%[rs],1)", "ymm15", "c10", "c11")
      KD_ASM_ROW("(%[a],%[rs],2)", "ymm14", "c20", "c21")
      KD_ASM_ROW("(%[a3])", "ymm15", "c30", "c31")
      "addq $64, %[p]\n\t"
      "addq %[ks], %[a]\n\t"
      "addq %[ks], %[a3]\n\t"
      "decq %[n]\n\t"
      "jnz 1b\n\t"
      : [a] "+r"(a), [a3] "+r"(a3), [p] "+r"(p), [n] "+r"(n), [c00] "+x"(c00), [c01] "+x"(c01),
        [c10] "+x"(c10), [c11] "+x"(c11), [c20] "+x"(c20), [c21] "+x"(c21), [c30] "+x"(c30), [c31] "+x"(c31)
      : [rs] "r"(rs), [ks] "r"(ks)
      : "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
#undef KD_ASM_ROW
  acc[0][0] = c00; acc[0][1] = c01; acc[1][0] = c10; acc[1][1] = c11;
  acc[2][0] = c20; acc[2][1] = c21; acc[3][0] = c30; acc[3][1] = c31;
}

}  // namespace

#include "gemm_exports.inc"

}  // namespace avx2
}  // namespace kindling
