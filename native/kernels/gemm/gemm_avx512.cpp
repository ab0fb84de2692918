// fp32 GEMM for AVX-512 (compile with -march=x86-64-v4): 12×32 microkernel, 24 zmm accumulators
// as individual variables, A broadcast from a 12×KC panel held in L1, B vector-loaded from 32-wide
// panels streamed from L2. Tails by k-masks, so partial tiles need no scratch.
#include <cstdint>
#include <cstring>

#if defined(KINDLING_GEMM_EMULATE_AVX512)
// Test-only (native/tests/build_gemm_test.sh): SIMDe emulates the intrinsics so this file's logic
// (masks, tails, epilogues) can be checked on a CPU without AVX-512. Never used in the addon.
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
static inline simde__m512 kd_emu_maskz_loadu_ps(simde__mmask16 m, const void* p) {
  float t[16];
  for (int i = 0; i < 16; ++i) t[i] = (m >> i) & 1 ? static_cast<const float*>(p)[i] : 0.0f;
  return simde_mm512_loadu_ps(t);
}
static inline void kd_emu_mask_storeu_ps(void* p, simde__mmask16 m, simde__m512 v) {
  float t[16];
  simde_mm512_storeu_ps(t, v);
  for (int i = 0; i < 16; ++i)
    if ((m >> i) & 1) static_cast<float*>(p)[i] = t[i];
}
#define _mm512_maskz_loadu_ps kd_emu_maskz_loadu_ps
#define _mm512_mask_storeu_ps kd_emu_mask_storeu_ps
#else
#include <immintrin.h>
#endif

#include "../kernels.h"
// the activation kernels the epilogues call (declarations only)
#define KINDLING_ISA_NS avx512
#include "../isa_api.h"
#undef KINDLING_ISA_NS

namespace kindling {
namespace avx512 {
namespace {

// Blocking for Zen 4 (32 KiB L1d, 1 MiB L2 per core). See native/tests/gemm_bench.cpp.
constexpr int64_t MR = 12, NR = 32;
constexpr int64_t KC = 384;   // A panel 12×384×4 = 18 KiB stays in L1
constexpr int64_t NC = 512;   // B block 384×512×4 = 768 KiB stays in L2
constexpr int64_t MC = 1536;  // A block 1536×384×4 = 2.3 MiB (L3), reused across all NC blocks
constexpr bool B_PANEL_IN_L1 = false;
constexpr bool UKR_TAILS = true;
// The direct (no-pack) 12×32 path for !transB up to this many multiply-adds.
constexpr int64_t DIRECT_MACS = int64_t(160) * 160 * 160;

// ---- vector interface used by the portable row kernels ----
using vf = __m512;
constexpr int64_t VL = 16;
static inline __mmask16 tailmask(int64_t n) { return (__mmask16)((1u << n) - 1u); }
static inline vf vzero() { return _mm512_setzero_ps(); }
static inline vf vset1(float x) { return _mm512_set1_ps(x); }
static inline vf vload(const float* p) { return _mm512_loadu_ps(p); }
static inline vf vloadn(const float* p, int64_t n) { return _mm512_maskz_loadu_ps(tailmask(n), p); }
static inline void vstore(float* p, vf v) { _mm512_storeu_ps(p, v); }
static inline void vstoren(float* p, vf v, int64_t n) { _mm512_mask_storeu_ps(p, tailmask(n), v); }
static inline vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vmax0(vf a) { return _mm512_max_ps(_mm512_setzero_ps(), a); }  // NaN and −0 pass through, as relu
static inline float vhsum(vf a) {
  const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(a), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
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

// ---- microkernel ----
struct Store;
static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st);
static bool direct_takes(const GemmArgs& g);
static void gemm_direct(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws);

#include "gemm_driver.h"

// Keeps a register value alive up to this point: without it gcc 12 writes FMA results into the
// broadcast/B registers (vfmadd132ps), then shuffles and spills accumulators every iteration.
#if defined(KINDLING_GEMM_EMULATE_AVX512)
#define KD_KEEP(v)
#else
#define KD_KEEP(v) __asm__("" ::"v"(v));
#endif

// PA: A is a packed 12-row panel (else rows of op(A) through strides rs/cs, all 12 rows valid).
// PB: B is a packed 32-wide panel (else rows of B at stride ldb, read with the column masks).
// R: the rows computed (4, 8 or 12, at least mr): a last tile of 4 rows (M = 64 = 5·12 + 4) ran
// all 12, an eighth of the FMAs of a 64-row product wasted. Each row's sums are the same for every
// R, so the bits are too.
template <bool PA, bool PB, int R = MR>
__attribute__((noinline)) static void ukr(int64_t kc, const float* a, int64_t rs, int64_t cs, const float* b, int64_t ldb,
                float* c, int64_t ldc, int64_t mr, int64_t nr, const Store& st) {
  const __mmask16 m0 = nr >= 16 ? __mmask16(0xFFFF) : tailmask(nr);
  const __mmask16 m1 = nr >= 32 ? __mmask16(0xFFFF) : nr > 16 ? tailmask(nr - 16) : __mmask16(0);
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(), c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps(), c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps(), c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
  __m512 c80 = _mm512_setzero_ps(), c81 = _mm512_setzero_ps(), c90 = _mm512_setzero_ps(), c91 = _mm512_setzero_ps();
  __m512 ca0 = _mm512_setzero_ps(), ca1 = _mm512_setzero_ps(), cb0 = _mm512_setzero_ps(), cb1 = _mm512_setzero_ps();
  // Direct A: four row-group pointers (rows 0,3,6,9) plus offsets rs, 2·rs keep addressing cheap.
  const float* a0 = a;
  const float* a3 = a + 3 * rs;
  const float* a6 = a + 6 * rs;
  const float* a9 = a + 9 * rs;
  const int64_t rs2 = 2 * rs;
  const int64_t bstep = PB ? NR : ldb;
#define KD_A(r, kk)                                                                                 \
  (PA ? a[(kk) * MR + (r)]                                                                          \
      : ((r) < 3 ? a0 : (r) < 6 ? a3 : (r) < 9 ? a6 : a9)[((r) % 3 == 0 ? 0 : (r) % 3 == 1 ? rs : rs2) + (kk) * cs])
#define KD_B(kk, h) (PB ? _mm512_load_ps(b + (kk) * NR + (h) * 16) : _mm512_maskz_loadu_ps((h) ? m1 : m0, b + (kk) * ldb + (h) * 16))
#define KD_ROW(r, x0, x1)                     \
  if ((r) < R) {                              \
    x = _mm512_set1_ps(KD_A(r, kk));          \
    x0 = _mm512_fmadd_ps(x, b0, x0);          \
    x1 = _mm512_fmadd_ps(x, b1, x1);          \
    KD_KEEP(x)                                \
  }
#define KD_STEP(KK)                                                   \
  {                                                                   \
    constexpr int64_t kk = KK;                                        \
    const __m512 b0 = KD_B(kk, 0), b1 = KD_B(kk, 1);                  \
    __m512 x;                                                         \
    KD_ROW(0, c00, c01) KD_ROW(1, c10, c11) KD_ROW(2, c20, c21)       \
    KD_ROW(3, c30, c31) KD_ROW(4, c40, c41) KD_ROW(5, c50, c51)       \
    KD_ROW(6, c60, c61) KD_ROW(7, c70, c71) KD_ROW(8, c80, c81)       \
    KD_ROW(9, c90, c91) KD_ROW(10, ca0, ca1) KD_ROW(11, cb0, cb1)     \
    KD_KEEP(b0) KD_KEEP(b1)                                           \
  }
  // The C tile, for writing, while the K loop runs: a fresh result array (torch.mm allocates one
  // per call) is in no cache, and its first stores stalled on every line (128³ through the API on
  // fresh memory: 85 GFLOP/s, into a reused array 102).
  for (int64_t r = 0; r < mr; ++r) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + nr - 1, 1, 3);
  }
  int64_t k = 0;
  for (; k + 4 <= kc; k += 4) {
    if (PB) {
      _mm_prefetch((const char*)(b + 8 * NR), _MM_HINT_T0);
      _mm_prefetch((const char*)(b + 8 * NR + 16), _MM_HINT_T0);
      _mm_prefetch((const char*)(b + 9 * NR), _MM_HINT_T0);
      _mm_prefetch((const char*)(b + 9 * NR + 16), _MM_HINT_T0);
    }
    KD_STEP(0) KD_STEP(1)
    if (PB) {
      _mm_prefetch((const char*)(b + 10 * NR), _MM_HINT_T0);
      _mm_prefetch((const char*)(b + 10 * NR + 16), _MM_HINT_T0);
      _mm_prefetch((const char*)(b + 11 * NR), _MM_HINT_T0);
      _mm_prefetch((const char*)(b + 11 * NR + 16), _MM_HINT_T0);
    }
    KD_STEP(2) KD_STEP(3)
    if (PA) a += 4 * MR;
    else { a0 += 4 * cs; a3 += 4 * cs; a6 += 4 * cs; a9 += 4 * cs; }
    b += 4 * bstep;
  }
  for (; k < kc; ++k) {
    KD_STEP(0)
    if (PA) a += MR;
    else { a0 += cs; a3 += cs; a6 += cs; a9 += cs; }
    b += bstep;
  }
#undef KD_STEP
#undef KD_ROW
#undef KD_B
#undef KD_A
  const __m512 va = _mm512_set1_ps(st.alpha), vb = _mm512_set1_ps(st.beta);
  const bool load_c = st.beta != 0.0f, relu = st.relu;
  const __m512 bias0 = st.bias ? _mm512_maskz_loadu_ps(m0, st.bias) : _mm512_setzero_ps();
  const __m512 bias1 = st.bias ? _mm512_maskz_loadu_ps(m1, st.bias + 16) : _mm512_setzero_ps();
#define KD_STORE(r, x0, x1)                                                    \
  if ((r) < mr) {                                                              \
    float* cr = c + (r) * ldc;                                                 \
    __m512 v0 = _mm512_fmadd_ps(x0, va, bias0), v1 = _mm512_fmadd_ps(x1, va, bias1); \
    if (load_c) {                                                              \
      v0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, cr), v0);             \
      v1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, cr + 16), v1);        \
    }                                                                          \
    if (relu) {                                                                \
      v0 = _mm512_max_ps(_mm512_setzero_ps(), v0);                             \
      v1 = _mm512_max_ps(_mm512_setzero_ps(), v1);                             \
    }                                                                          \
    _mm512_mask_storeu_ps(cr, m0, v0);                                         \
    _mm512_mask_storeu_ps(cr + 16, m1, v1);                                    \
  }
  KD_STORE(0, c00, c01) KD_STORE(1, c10, c11) KD_STORE(2, c20, c21) KD_STORE(3, c30, c31)
  KD_STORE(4, c40, c41) KD_STORE(5, c50, c51) KD_STORE(6, c60, c61) KD_STORE(7, c70, c71)
  KD_STORE(8, c80, c81) KD_STORE(9, c90, c91) KD_STORE(10, ca0, ca1) KD_STORE(11, cb0, cb1)
#undef KD_STORE
}

static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st) {
  if (mr <= 4) ukr<true, true, 4>(kc, a, 1, MR, b, NR, c, ldc, mr, nr, st);
  else if (mr <= 8) ukr<true, true, 8>(kc, a, 1, MR, b, NR, c, ldc, mr, nr, st);
  else ukr<true, true>(kc, a, 1, MR, b, NR, c, ldc, mr, nr, st);
}

// Small and medium !transB problems: no packing at all for full 12-row groups (A broadcast from
// its rows, B rows read with column masks); a 12-row tail of A is packed (cheap).
// op(B) = Bᵀ (a Linear's weights) with few columns or few rows: the row kernels' dot products
// along K, packing nothing. The packed path pads N up to whole 32-wide panels and transposes all
// of B for few rows of A: thread CPU time, 1 thread, GFLOP/s packed → dot products, NT 64×512×10
// 19-22 → 66-78, 64×512×32 60-69 → 77-92, 32×784×512 72-77 → 85; 64×784×512 even (73-84 both
// ways), 128×512×512 91-96 → 71-86. (AVX2's 8-wide dot products lose: 40-56 against 55-96.)
static bool direct_dots(const GemmArgs& g) {
  return g.transB && (g.N <= NR || g.M <= 32) && (!g.transA || 4 * g.K <= MC * KC);
}

// Decided by the whole product, as the driver's paths are (results independent of the thread split).
static bool direct_takes(const GemmArgs& g) {
  return direct_dots(g) || (!g.transB && g.M * g.N * g.K <= DIRECT_MACS && g.K * MR <= MC * KC);
}

static void gemm_direct(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws) {
  if (g.transB) return gemm_rows(g, r0, r1, c0, c1, ws);
  const int64_t K = g.K;
  const int64_t rs = g.transA ? 1 : g.lda, cs = g.transA ? g.lda : 1;
  const bool transc = epi_is_transcendental(g.epilogue);
  for (int64_t i = r0; i < r1; i += MR) {
    const int64_t mr = imin(MR, r1 - i);
    if (mr < MR) pack_a(g, i, mr, 0, K, ws);
    for (int64_t j = c0; j < c1; j += NR) {
      const int64_t nr = imin(NR, c1 - j);
      const Store st{g.alpha, g.beta, g.bias ? g.bias + j : nullptr, g.epilogue == U_RELU};
      float* c = g.C + i * g.ldc + j;
      if (mr == MR) ukr<false, false>(K, g.A + i * rs, rs, cs, g.B + j, g.ldb, c, g.ldc, mr, nr, st);
      else if (mr <= 4) ukr<true, false, 4>(K, ws, 1, MR, g.B + j, g.ldb, c, g.ldc, mr, nr, st);
      else if (mr <= 8) ukr<true, false, 8>(K, ws, 1, MR, g.B + j, g.ldb, c, g.ldc, mr, nr, st);
      else ukr<true, false>(K, ws, 1, MR, g.B + j, g.ldb, c, g.ldc, mr, nr, st);
      if (transc)
        for (int64_t r = 0; r < mr; ++r) epi_row(c + r * g.ldc, nr, g.epilogue);
    }
  }
}

}  // namespace

#include "gemm_exports.inc"

}  // namespace avx512
}  // namespace kindling
