// Standalone check of every GEMM kernel (reference, avx2, avx512; reference, neon on arm64) against a float64 triple loop.
// Build and run: native/tests/build_gemm_test.sh (exit code ≠ 0 on any failure).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "../kernels/activation/activation_reference_math.h"
#include "../kernels/kernels.h"
#include "gemm_isas.h"

using namespace kindling;
using Isa = GemmIsa;

static const char* epi_name(UnaryOp e) { return e == U_NONE ? "none" : kUnaryNames[e]; }

// The epilogue in float64: the reference column of unary_ops.def.
static double epi_ref(double x, UnaryOp e) {
  using namespace refmath;
  const double p = 0, NO_GRAD = 0;
  (void)p, (void)NO_GRAD;
  switch (e) {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ...) \
  case U_##ID: return (ref);
#include "../kernels/activation/unary_ops.def"
#undef KINDLING_UNARY_OP
    default: return x;
  }
}

// U_NONE and every op unary_ops.def flags as a GEMM epilogue.
static std::vector<UnaryOp> epilogues(bool with_none) {
  std::vector<UnaryOp> r;
  if (with_none) r.push_back(U_NONE);
  for (int op = 0; op < U_COUNT; ++op)
    if (kUnaryFlags[op] & UF_EPILOGUE) r.push_back(UnaryOp(op));
  return r;
}

struct Workspace {
  float* p = nullptr;
  int64_t n = 0;
  explicit Workspace(int64_t floats) : n(floats) {
    p = static_cast<float*>(std::aligned_alloc(64, (floats * 4 + 63) / 64 * 64));
  }
  ~Workspace() { std::free(p); }
  void poison() { for (int64_t i = 0; i < n; ++i) p[i] = std::numeric_limits<float>::quiet_NaN(); }
};

struct Case {
  int64_t M, N, K;
  bool tA, tB;
  float alpha, beta;
  bool bias;
  UnaryOp epi;
  int64_t padA, padB, padC;
  // sub-block; -1 → the whole of C
  int64_t r0 = -1, r1 = -1, c0 = -1, c1 = -1;
};

static int64_t g_failures = 0, g_checks = 0;

// Runs one case on one ISA; returns true when it passes.
// packed: B is pre-packed (GemmArgs::Bp), as for a layer's cached weights.
// sharedA: op(A) is packed whole first, by two parts (GemmArgs::Ap), as a column split shares it.
static bool run_case(const Isa& isa, Workspace& ws, const Case& t, std::mt19937& rng, bool packed, bool verbose_fail = true, bool sharedA = false) {
  std::uniform_real_distribution<float> U(-1.0f, 1.0f);
  const int64_t rowsA = t.tA ? t.K : t.M, colsA = t.tA ? t.M : t.K;
  const int64_t rowsB = t.tB ? t.N : t.K, colsB = t.tB ? t.K : t.N;
  const int64_t lda = colsA + t.padA, ldb = colsB + t.padB, ldc = t.N + t.padC;
  // Exactly-sized buffers (last row without padding) so over-reads show up under ASan.
  auto size = [](int64_t rows, int64_t cols, int64_t ld) { return rows == 0 || cols == 0 ? 1 : (rows - 1) * ld + cols; };
  std::vector<float> A(size(rowsA, colsA, lda)), B(size(rowsB, colsB, ldb)), C(size(t.M, t.N, ldc)), bias(t.N + 1);
  for (auto& x : A) x = U(rng);
  for (auto& x : B) x = U(rng);
  for (auto& x : bias) x = U(rng);
  const float qnan = std::numeric_limits<float>::quiet_NaN();
  for (auto& x : C) x = t.beta == 0.0f ? qnan : U(rng);
  // Padding columns of C get a sentinel: they must stay untouched.
  const std::vector<float> C0 = C;

  const int64_t r0 = t.r0 < 0 ? 0 : t.r0, r1 = t.r1 < 0 ? t.M : t.r1;
  const int64_t c0 = t.c0 < 0 ? 0 : t.c0, c1 = t.c1 < 0 ? t.N : t.c1;
  GemmArgs g{t.tA, t.tB, t.M, t.N, t.K, t.alpha, t.beta, A.data(), lda, B.data(), ldb, C.data(), ldc,
             t.bias ? bias.data() : nullptr, t.epi, nullptr};
  Workspace Bp(packed ? isa.packed_floats(t.K, t.N) + 1 : 0);  // 64-byte aligned, as the addon's
  if (packed) {
    Bp.poison();
    isa.pack_b(g, Bp.p);
    g.Bp = Bp.p;
  }
  const int64_t apn = sharedA && !packed ? isa.shared_a_floats(g) : 0;
  Workspace Ap(apn + 1);
  if (apn) {
    Ap.poison();
    isa.pack_a_shared(g, Ap.p, 1, 2);
    isa.pack_a_shared(g, Ap.p, 0, 2);
    g.Ap = Ap.p;
  }
  ws.poison();
  isa.gemm(g, r0, r1, c0, c1, ws.p);

  const double eps = std::numeric_limits<float>::epsilon();
  bool ok = true;
  int64_t shown = 0;
  for (int64_t i = 0; i < t.M; ++i) {
    for (int64_t j = 0; j < ldc && i * ldc + j < (int64_t)C.size(); ++j) {
      const int64_t idx = i * ldc + j;
      const bool inside = i >= r0 && i < r1 && j >= c0 && j < c1;
      const float got = C[idx];
      if (!inside) {
        if (std::memcmp(&got, &C0[idx], 4) != 0) {
          ok = false;
          if (verbose_fail && shown++ < 3) std::printf("    C[%lld,%lld] outside the block was modified\n", (long long)i, (long long)j);
        }
        continue;
      }
      double s = 0, sabs = 0;
      for (int64_t k = 0; k < t.K; ++k) {
        const double a = t.tA ? A[k * lda + i] : A[i * lda + k];
        const double b = t.tB ? B[j * ldb + k] : B[k * ldb + j];
        s += a * b;
        sabs += std::fabs(a * b);
      }
      double pre = (double)t.alpha * s, scale = std::fabs(t.alpha) * sabs;
      if (t.beta != 0.0f) { pre += (double)t.beta * C0[idx]; scale += std::fabs(t.beta * C0[idx]); }
      if (t.bias) { pre += bias[j]; scale += std::fabs(bias[j]); }
      const double want = epi_ref(pre, t.epi);
      double tol = 2 * eps * (t.K + 4) * scale;
      tol = 1.2 * tol + 8 * eps * std::fabs(want) + 1e-30;
      if (t.epi != U_NONE && t.epi != U_RELU) tol += 4e-7 * std::fabs(pre);  // e.g. erf's absolute error, times x/2
      const double err = std::fabs((double)got - want);
      if (!(err <= tol)) {
        ok = false;
        if (verbose_fail && shown++ < 3)
          std::printf("    C[%lld,%lld] = %.9g, want %.9g (err %.3g, tol %.3g)\n", (long long)i, (long long)j, got, want, err, tol);
      }
    }
  }
  ++g_checks;
  if (!ok) {
    ++g_failures;
    if (verbose_fail)
      std::printf("  FAIL %s%s: M=%lld N=%lld K=%lld tA=%d tB=%d alpha=%g beta=%g bias=%d epi=%s pads=%lld,%lld,%lld block=[%lld,%lld)x[%lld,%lld)\n",
                  isa.name, packed ? " (pre-packed B)" : "", (long long)t.M, (long long)t.N, (long long)t.K, t.tA, t.tB, t.alpha, t.beta, t.bias,
                  epi_name(t.epi), (long long)t.padA, (long long)t.padB, (long long)t.padC, (long long)r0,
                  (long long)r1, (long long)c0, (long long)c1);
  }
  return ok;
}

// Max error of the fused activations in ulp of the float64 result (with an absolute floor of
// 2^-30 for values near zero), measured through the K = 0 path (C = act(C)).
static void activation_accuracy(const Isa& isa, Workspace& ws) {
  const int64_t n = 20001;
  std::vector<float> xs(n);
  for (int64_t i = 0; i < n; ++i) xs[i] = -30.0f + 60.0f * (float)i / (float)(n - 1);
  xs[0] = -100.0f; xs[1] = 100.0f; xs[2] = 1e-8f; xs[3] = -1e-8f; xs[4] = 0.0f; xs[5] = -90.0f; xs[6] = 90.0f;
  std::printf("  %-9s activation max error (ulp):", isa.name);
  for (UnaryOp e : epilogues(false)) {
    std::vector<float> C = xs;
    GemmArgs g{false, false, 1, n, 0, 1.0f, 1.0f, nullptr, 1, nullptr, n, C.data(), n, nullptr, e, nullptr};
    isa.gemm(g, 0, 1, 0, n, ws.p);
    double worst = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double want = epi_ref(xs[i], e);
      const double ulp = std::fmax(std::ldexp(1.0, std::ilogb(std::fmax(std::fabs(want), 0x1p-30)) - 23), 0x1p-53);
      double err = std::fabs(C[i] - want) / ulp;
      // GELU in the erf form loses relative accuracy where 1 + erf cancels (x < −2), like PyTorch's.
      if (e == U_GELU && xs[i] < -2.0f) err = std::fabs(C[i] - want) / 0x1p-23;
      if (err > worst) worst = err;
    }
    const double limit = e == U_GELU ? 64 : 8;
    const bool ok = worst <= limit;
    ++g_checks;
    if (!ok) ++g_failures;
    std::printf(" %s %.1f%s", epi_name(e), worst, ok ? "" : " (FAIL)");
  }
  std::printf("\n");
}

// A fused epilogue must equal the unfused activation of the same ISA bit for bit (nn.Sequential's
// fused Linear + activation against act(linear(x))), on every path: row kernels, no-pack direct,
// packed, pre-packed B, sub-blocks and K = 0.
static void epilogue_matches_unary(const Isa& isa, Workspace& ws, std::mt19937& rng) {
  std::uniform_real_distribution<float> U(-4.0f, 4.0f);
  const int64_t shapes[][3] = {{3, 77, 90}, {70, 77, 90}, {100, 130, 64}, {300, 257, 200}, {13, 1100, 30}, {40, 40, 0}, {1, 513, 33}};
  for (UnaryOp e : epilogues(false)) {
    int64_t bad = 0;
    for (const auto& s : shapes)
      for (int tr = 0; tr < 4; ++tr)
        for (int packed = 0; packed < 2; ++packed) {
          const int64_t M = s[0], N = s[1], K = s[2];
          std::vector<float> A(M * K + 1), B(K * N + 1), bias(N), C0(M * N), C1(M * N);
          for (auto& x : A) x = U(rng);
          for (auto& x : B) x = U(rng);
          for (auto& x : bias) x = U(rng);
          for (auto& x : C0) x = U(rng);
          C1 = C0;
          const bool tA = tr & 1, tB = tr & 2;
          GemmArgs g{tA, tB, M, N, K, 1.0f, K == 0 ? 1.0f : 0.0f, A.data(), tA ? M : K, B.data(), tB ? K : N, C0.data(), N, bias.data(), U_NONE, nullptr};
          Workspace Bp(packed ? isa.packed_floats(K, N) + 1 : 0);
          if (packed) {
            isa.pack_b(g, Bp.p);
            g.Bp = Bp.p;
          }
          isa.gemm(g, 0, M, 0, N, ws.p);
          isa.unary(e, C0.data(), C0.data(), M * N, 0.0f);
          g.C = C1.data();
          g.epilogue = e;
          isa.gemm(g, 0, M, 0, N, ws.p);
          for (int64_t i = 0; i < M * N; ++i) bad += std::memcmp(&C0[i], &C1[i], 4) != 0;
        }
    ++g_checks;
    if (bad) {
      ++g_failures;
      std::printf("  FAIL %s: fused %s epilogue differs from the unfused kernel in %lld outputs\n", isa.name, epi_name(e), (long long)bad);
    }
  }
}

int main(int argc, char** argv) {
  bool quick = false;
  const char* only = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
  }
  std::mt19937 rng(12345);
  std::vector<Case> cases;
  const std::vector<UnaryOp> epis = epilogues(true);
  struct AB { float alpha, beta; };
  const AB abs_[] = {{1.0f, 0.0f}, {1.0f, 1.0f}, {0.5f, -1.5f}, {-2.0f, 0.0f}, {1.0f, 0.25f}};
  int64_t v = 0;
  auto add = [&](int64_t M, int64_t N, int64_t K, int tr, int64_t variant) {
    Case c;
    c.M = M; c.N = N; c.K = K; c.tA = tr & 1; c.tB = (tr >> 1) & 1;
    c.alpha = abs_[variant % 5].alpha; c.beta = abs_[variant % 5].beta;
    c.bias = (variant / 5) % 2 == 1;
    c.epi = epis[(variant / 3) % epis.size()];
    c.padA = (variant % 4 == 1) ? 3 + variant % 7 : 0;
    c.padB = (variant % 4 == 2) ? 5 + variant % 5 : 0;
    c.padC = (variant % 4 == 3) ? 1 + variant % 9 : 0;
    cases.push_back(c);
  };
  // Every combination of small edge sizes, all 4 transposes.
  const int64_t small[] = {1, 3, 15, 16, 17, 31, 33};
  for (int64_t M : small)
    for (int64_t N : small)
      for (int64_t K : small)
        for (int tr = 0; tr < 4; ++tr) add(M, N, K, tr, v++);
  // Primes, K = 1, K = 0, M = 1, N = 1 and the tile/block edges, every transpose and a few flag variants each.
  const int64_t shapes[][3] = {
      {64, 64, 64}, {100, 100, 100}, {255, 257, 100}, {257, 255, 97}, {13, 37, 61}, {97, 101, 103},
      {12, 32, 1}, {24, 64, 8}, {11, 31, 5}, {1, 784, 512}, {1, 1, 1000}, {1, 513, 1}, {2, 300, 700},
      {4, 257, 389}, {5, 129, 77}, {7, 1000, 400}, {300, 1, 300}, {257, 3, 129}, {40, 40, 0}, {1, 17, 0},
      {33, 1, 0}, {64, 100, 1}, {129, 200, 1}, {200, 130, 900}, {37, 600, 800}, {160, 160, 160},
      {161, 97, 161}, {600, 70, 30}, {1537, 40, 20}, {13, 1100, 30}, {29, 70, 1201}};
  for (const auto& s : shapes)
    for (int tr = 0; tr < 4; ++tr)
      for (int64_t rep = 0; rep < (s[0] * s[1] * s[2] > 4000000 ? 1 : 3); ++rep) add(s[0], s[1], s[2], tr, v++);
  // Every epilogue, with and without bias, on a packed-path shape and a row-kernel shape.
  for (UnaryOp e : epis)
    for (int b = 0; b < 2; ++b)
      for (int64_t M : {3, 70}) {
        Case c{M, 77, 90, false, true, 1.0f, 0.0f, b == 1, e, 0, 0, 0};
        cases.push_back(c);
        c.tB = false; c.beta = 0.5f; cases.push_back(c);
      }
  // Sub-blocks: the rest of C must stay untouched.
  const int64_t sub_shapes[][3] = {{100, 100, 50}, {257, 255, 64}, {3, 200, 100}, {64, 64, 64}, {50, 700, 40}, {200, 45, 500}};
  for (const auto& s : sub_shapes)
    for (int tr = 0; tr < 4; ++tr)
      for (int rep = 0; rep < 4; ++rep) {
        add(s[0], s[1], s[2], tr, v++);
        Case& c = cases.back();
        std::uniform_int_distribution<int64_t> R(0, s[0]), Cc(0, s[1]);
        int64_t a = R(rng), b = R(rng), x = Cc(rng), y = Cc(rng);
        if (a > b) std::swap(a, b);
        if (x > y) std::swap(x, y);
        if (rep == 0) { a = 0; b = s[0]; x = s[1] / 3; y = s[1] - 1; }
        if (rep == 1) { a = 1; b = s[0] / 2; x = 0; y = s[1]; }
        c.r0 = a; c.r1 = b; c.c0 = x; c.c1 = y;
      }

  int64_t failed_isas = 0;
  for (const Isa& isa : gemm_isas()) {
    if (only && std::strcmp(only, isa.name) != 0) continue;
    if (!isa.available) { std::printf("%-9s skipped (CPU lacks it)\n", isa.name); continue; }
    Workspace ws(isa.workspace());
    const int64_t before = g_failures;
    int64_t n = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      if (quick && i % 7 != 0) continue;
      run_case(isa, ws, cases[i], rng, false);
      run_case(isa, ws, cases[i], rng, true);
      run_case(isa, ws, cases[i], rng, false, true, true);
      n += 3;
    }
    // A whole matrix computed as 3×2 disjoint blocks, as the thread pool will call it.
    for (int tr = 0; tr < 4; ++tr) {
      Case c{301, 203, 150, bool(tr & 1), bool(tr & 2), 1.0f, 0.5f, true, U_SILU, 2, 1, 3};
      for (int64_t bi = 0; bi < 3; ++bi)
        for (int64_t bj = 0; bj < 2; ++bj) {
          c.r0 = bi * 100; c.r1 = bi == 2 ? 301 : (bi + 1) * 100; c.c0 = bj * 96; c.c1 = bj ? 203 : 96;
          run_case(isa, ws, c, rng, false);
          run_case(isa, ws, c, rng, true);
          run_case(isa, ws, c, rng, false, true, true);
          n += 3;
        }
    }
    activation_accuracy(isa, ws);
    epilogue_matches_unary(isa, ws, rng);
    const int64_t f = g_failures - before;
    std::printf("%-9s %lld cases, %lld failed (workspace %lld floats)\n", isa.name, (long long)n, (long long)f,
                (long long)isa.workspace());
    if (f) ++failed_isas;
  }
  std::printf("%s: %lld checks, %lld failures\n", g_failures ? "FAILED" : "OK", (long long)g_checks, (long long)g_failures);
  return g_failures ? 1 : 0;
}
