// Portable fp32 GEMM (baseline flags, any architecture): the same blocking driver as the SIMD
// kernels around a scalar 4×8 register-blocked microkernel the compiler may auto-vectorise.
// It is the fallback on CPUs without AVX2 and the second opinion in native/tests/gemm_test.cpp.
#include <cstdint>
#include <cstring>

#include "../kernels.h"
// the activation kernels the epilogues call (declarations only)
#define KINDLING_ISA_NS reference
#include "../isa_api.h"
#undef KINDLING_ISA_NS

namespace kindling {
namespace reference {
namespace {

constexpr int64_t MR = 4, NR = 8;
constexpr int64_t KC = 256, MC = 256, NC = 1024;
constexpr bool B_PANEL_IN_L1 = true;
constexpr bool UKR_TAILS = true;

// Scalar "vectors" (VL = 1) for the row kernels.
using vf = float;
constexpr int64_t VL = 1;
static inline vf vzero() { return 0.0f; }
static inline vf vset1(float x) { return x; }
static inline vf vload(const float* p) { return *p; }
static inline vf vloadn(const float* p, int64_t n) { return n > 0 ? *p : 0.0f; }
static inline void vstore(float* p, vf v) { *p = v; }
static inline void vstoren(float* p, vf v, int64_t n) { if (n > 0) *p = v; }
static inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
static inline vf vmul(vf a, vf b) { return a * b; }
static inline vf vadd(vf a, vf b) { return a + b; }
static inline vf vmax0(vf a) { return a < 0.0f ? 0.0f : a; }  // NaN and −0 pass through, as relu
static inline float vhsum(vf a) { return a; }

static inline void tr4x4(const float* s, int64_t lds, float* d, int64_t ldd) {
  for (int i = 0; i < 4; ++i)
    for (int t = 0; t < 4; ++t) d[t * ldd + i] = s[i * lds + t];
}

static void act_unary(UnaryOp op, float* x, int64_t n) { unary(op, x, x, n, 0.0f); }

struct Store;
static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st);
static bool direct_takes(const GemmArgs&) { return false; }
static void gemm_direct(const GemmArgs&, int64_t, int64_t, int64_t, int64_t, float*) {}

#include "gemm_driver.h"

static void ukernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                    int64_t nr, const Store& st) {
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR)
    for (int r = 0; r < MR; ++r) {
      const float av = a[r];
      for (int j = 0; j < NR; ++j) acc[r][j] += av * b[j];
    }
  for (int64_t r = 0; r < mr; ++r)
    for (int64_t j = 0; j < nr; ++j)
      c[r * ldc + j] = store_scalar(acc[r][j], c[r * ldc + j], st, st.bias ? st.bias + j : nullptr);
}

}  // namespace

#include "gemm_exports.inc"

}  // namespace reference
}  // namespace kindling
