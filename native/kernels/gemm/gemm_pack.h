// Packing A and B into k-major panels, and the paths over B pre-packed once for a layer.
// A fragment of gemm_driver.h (see there): included inside the ISA's anonymous namespace, after
// the ISA's vector interface; no #include, no std:: templates.

// Packing. Panels are k-major: panel p holds, for each k, P consecutive floats (P = MR for A, NR
// for B), zero-padded past the matrix edge, so the microkernel never sees a transpose or a tail.

// Source whose panel dimension is contiguous per k: src[k*ld + x], x < w (A when transA, B when !transB).
template <int64_t P>
static void pack_copy(const float* src, int64_t ld, int64_t w, int64_t kc, float* dst) {
  for (int64_t x0 = 0; x0 < w; x0 += P, dst += P * kc) {
    const float* s = src + x0;
    const int64_t pw = imin(P, w - x0);
    if (pw == P) {
      // Explicit vectors: gcc's -O2 cost model leaves this scalar (it would need an alias check),
      // and the scalar copy stalled on 4K aliasing at 5 ns a float.
      constexpr int64_t PV = P / VL * VL;
      for (int64_t k = 0; k < kc; ++k) {
        for (int64_t x = 0; x < PV; x += VL) vstore(dst + k * P + x, vload(s + k * ld + x));
        // the rest of the panel row (all of it when P < VL: AVX2's 6-row A panels of a
        // transposed A) as one fixed-size copy, which gcc emits as a couple of wide moves
        if (PV < P) std::memcpy(dst + k * P + PV, s + k * ld + PV, (P - PV) * sizeof(float));
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        for (int64_t x = 0; x < pw; ++x) dst[k * P + x] = s[k * ld + x];
        for (int64_t x = pw; x < P; ++x) dst[k * P + x] = 0.0f;
      }
    }
  }
}

// Source whose k is contiguous: src[x*ld + k] (A when !transA, B when transB): transposed by 4×4 blocks.
template <int64_t P>
static void pack_transpose(const float* src, int64_t ld, int64_t w, int64_t kc, float* dst) {
  const int64_t kc4 = kc & ~int64_t(3), P4 = P & ~int64_t(3);
  for (int64_t x0 = 0; x0 < w; x0 += P, dst += P * kc) {
    const float* s = src + x0 * ld;
    const int64_t pw = imin(P, w - x0);
    if (pw == P) {
      for (int64_t k = 0; k < kc4; k += 4)
        for (int64_t x = 0; x < P4; x += 4) tr4x4(s + x * ld + k, ld, dst + k * P + x, P);
      for (int64_t x = P4; x < P; ++x)
        for (int64_t k = 0; k < kc4; ++k) dst[k * P + x] = s[x * ld + k];
      for (int64_t k = kc4; k < kc; ++k)
        for (int64_t x = 0; x < P; ++x) dst[k * P + x] = s[x * ld + k];
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        for (int64_t x = 0; x < pw; ++x) dst[k * P + x] = s[x * ld + k];
        for (int64_t x = pw; x < P; ++x) dst[k * P + x] = 0.0f;
      }
    }
  }
}

static void pack_a(const GemmArgs& g, int64_t i0, int64_t m, int64_t k0, int64_t kc, float* dst) {
  if (g.transA) pack_copy<MR>(g.A + k0 * g.lda + i0, g.lda, m, kc, dst);
  else pack_transpose<MR>(g.A + i0 * g.lda + k0, g.lda, m, kc, dst);
}

static void pack_b(const GemmArgs& g, int64_t k0, int64_t kc, int64_t j0, int64_t n, float* dst) {
  if (g.transB) pack_transpose<NR>(g.B + j0 * g.ldb + k0, g.ldb, n, kc, dst);
  else pack_copy<NR>(g.B + k0 * g.ldb + j0, g.ldb, n, kc, dst);
}

// ---------------------------------------------------------------------------------------------
// Pre-packed B (a layer's weights, packed once and reused until they change). K is cut into
// balanced blocks that depend on K alone, so the whole of op(B) can be packed ahead of time as
// the concatenation of its K blocks, each the NR panels of all N columns: the block the packed
// path needs at (k0, j0) is then a pointer into it (j0 a multiple of NR).

static inline int64_t k_block(int64_t K) {  // K > 0
  const int64_t nk = (K + KC - 1) / KC;
  return round_up((K + nk - 1) / nk, 4 < K ? 4 : 1);
}

static int64_t packed_b_floats(int64_t K, int64_t N) { return K * round_up(N, NR); }

// Columns [j0, j1) of that (j0 a multiple of NR): a threaded split packs its shared copy by parts.
static void pack_b_cols(const GemmArgs& g, float* dst, int64_t j0, int64_t j1) {
  if (g.K <= 0 || j0 >= j1) return;
  const int64_t kb = k_block(g.K), np = round_up(g.N, NR);
  for (int64_t k0 = 0; k0 < g.K; k0 += kb) {
    const int64_t kc = imin(kb, g.K - k0);
    pack_b(g, k0, kc, j0, j1 - j0, dst + k0 * np + j0 * kc);
  }
}

static inline const float* packed_block(const GemmArgs& g, int64_t k0, int64_t kc, int64_t j0) {
  return g.Bp + k0 * round_up(g.N, NR) + j0 * kc;
}

// R ≤ 4 rows of C against pre-packed B: the GEMV of batch-1 inference streams the packed weights
// once, contiguously. U independent accumulator sets over k keep enough FMAs in flight when R is
// small (the accumulators are fully unrolled arrays with constant indices, kept in registers).
template <int R>
static void rows_packed(const GemmArgs& g, int64_t i0, int64_t c0, int64_t c1) {
  constexpr int64_t NV = NR / VL;
  constexpr int U = R == 1 ? 4 : R == 2 ? 2 : 1;
  const int64_t ars = g.transA ? 1 : g.lda, acs = g.transA ? g.lda : 1;
  const int64_t K = g.K, kb = k_block(K), np = round_up(g.N, NR);
  const Store st{g.alpha, g.beta, nullptr, g.epilogue == U_RELU};
  const float* arow = g.A + i0 * ars;
  for (int64_t j = c0; j < c1; j += NR) {
    const int64_t w = imin(NR, c1 - j);
    vf acc[U][R][NV];
#pragma GCC unroll 64
    for (int u = 0; u < U; ++u)
#pragma GCC unroll 64
      for (int r = 0; r < R; ++r)
#pragma GCC unroll 64
        for (int v = 0; v < NV; ++v) acc[u][r][v] = vzero();
    for (int64_t k0 = 0; k0 < K; k0 += kb) {
      const int64_t kc = imin(kb, K - k0);
      const float* p = g.Bp + k0 * np + j * kc;
      const float* a = arow + k0 * acs;
      int64_t k = 0;
#ifdef KD_ROWS4_KLOOP
      if constexpr (R == 4) {  // the ISA's own K loop for 4 rows (see KD_ROWS4_KLOOP)
        rows4_kloop(kc, a, ars, acs, p, acc[0]);
        k = kc;
      }
#endif
      for (; k + U <= kc; k += U) {
#pragma GCC unroll 64
        for (int u = 0; u < U; ++u) {
          vf b[NV];
#pragma GCC unroll 64
          for (int v = 0; v < NV; ++v) b[v] = vload(p + (k + u) * NR + v * VL);
#pragma GCC unroll 64
          for (int r = 0; r < R; ++r) {
            const vf x = vset1(a[r * ars + (k + u) * acs]);
#pragma GCC unroll 64
            for (int v = 0; v < NV; ++v) acc[u][r][v] = vfma(x, b[v], acc[u][r][v]);
          }
        }
      }
      for (; k < kc; ++k) {
#pragma GCC unroll 64
        for (int r = 0; r < R; ++r) {
          const vf x = vset1(a[r * ars + k * acs]);
#pragma GCC unroll 64
          for (int v = 0; v < NV; ++v) acc[0][r][v] = vfma(x, vload(p + k * NR + v * VL), acc[0][r][v]);
        }
      }
    }
    const float* bias = g.bias ? g.bias + j : nullptr;
#pragma GCC unroll 64
    for (int r = 0; r < R; ++r) {
      float* c = g.C + (i0 + r) * g.ldc + j;
#pragma GCC unroll 64
      for (int v = 0; v < NV; ++v) {
        if (v * VL >= w) break;
        vf s = acc[0][r][v];
#pragma GCC unroll 64
        for (int u = 1; u < U; ++u) s = vadd(s, acc[u][r][v]);
        store_vec(c + v * VL, s, imin(VL, w - v * VL), st, bias ? bias + v * VL : nullptr);
      }
    }
  }
}

static void gemm_rows_packed(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  for (int64_t i = r0; i < r1; i += 4) {
    const int64_t m = imin(4, r1 - i);
    switch (m) {
      case 1: rows_packed<1>(g, i, c0, c1); break;
      case 2: rows_packed<2>(g, i, c0, c1); break;
      case 3: rows_packed<3>(g, i, c0, c1); break;
      default: rows_packed<4>(g, i, c0, c1); break;
    }
    finish_rows(g, i, i + m, c0, c1);
  }
}
