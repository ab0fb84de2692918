// Portable BLIS/GotoBLAS blocking loops around an ISA's MR×NR microkernel, plus the no-pack paths
// (row-group kernels for skinny/small shapes, GEMV for M = 1) written over a tiny vector interface.
//
// ODR: this header is meant to be #included INSIDE an anonymous namespace inside the ISA's
// namespace, e.g.
//     namespace kindling { namespace avx512 { namespace { #include "gemm_driver.h" } } }
// so that every function here is compiled once per ISA flag set, with internal linkage: nothing
// compiled with -march=x86-64-v4 can be picked by the linker to serve the baseline path.
// Hence: no #include and no #pragma once here (the including file includes <cstdint>, <cstring>
// and kernels.h first), and no std:: templates (their instantiations are weak, shared symbols).
//
// The including file defines, before the #include:
//   constants   MR, NR (register tile), KC (K block), MC (rows of the packed A block, multiple
//               of MR), NC (columns of the packed B block, multiple of NR), B_PANEL_IN_L1 (loop
//               order, see gemm_packed), UKR_TAILS (ukernel stores partial tiles itself).
//   vector ops  vf, VL, vzero, vset1, vload, vloadn, vstore, vstoren, vfma, vmul, vadd, vmax0, vhsum
//               (vloadn/vstoren touch only n < VL elements; the others VL).
//   ukernel(kc, pa, pb, c, ldc, mr, nr, st)   packed panels → C tile, applying `st`.
//   tr4x4(s, lds, d, ldd)                     d[t*ldd + i] = s[i*lds + t] for a 4×4 block (used by
//                                             the packing routines below for transposed sources).
//   act_unary(op, x, n)                       runs this ISA's activation kernel in place over n
//                                             floats (the epilogues other than relu; see epi_row).
//   gemm_direct(g, r0, r1, c0, c1, ws)        optional no-pack tile path; returns false to decline.
//   rows4_kloop(kc, a, ars, acs, p, acc)      optional, with #define KD_ROWS4_KLOOP: the K loop of
//                                             rows_packed<4> (acc[4][NR / VL] += A rows × packed B).

// How a finished accumulator tile is merged into C: C = act(alpha·acc + beta·C + bias).
// beta == 0 means C is not read (it may hold NaN). bias is already offset to the tile's column.
struct Store {
  float alpha, beta;
  const float* bias;  // nullptr unless this is the last K block
  bool relu;          // only on the last K block
};

static inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t round_up(int64_t a, int64_t b) { return (a + b - 1) / b * b; }
// relu is applied in registers as the tile is stored (max(0, v), the relu kernel's own
// instruction); every other epilogue runs over the finished tile (epi_row).
static inline bool epi_is_transcendental(UnaryOp e) { return e != U_NONE && e != U_RELU; }

// An epilogue over a finished row of the tile, while it is still in L1: the same ISA's activation
// kernel does the math, so the fused result is the unfused one bit for bit.
static void epi_row(float* x, int64_t n, UnaryOp e) { act_unary(e, x, n); }

// Scalar merge for a partial tile computed into a scratch tile (ISAs whose ukernel only stores
// full tiles).
static void merge_tile(const float* t, int64_t ldt, float* c, int64_t ldc, int64_t mr, int64_t nr,
                       const Store& st) {
  for (int64_t r = 0; r < mr; ++r) {
    float* cr = c + r * ldc;
    for (int64_t j = 0; j < nr; ++j) {
      float v = st.alpha * t[r * ldt + j];
      if (st.beta != 0.0f) v += st.beta * cr[j];
      if (st.bias) v += st.bias[j];
      if (st.relu) v = v < 0.0f ? 0.0f : v;
      cr[j] = v;
    }
  }
}

// Vector store of one accumulator (n ≤ VL valid lanes) with the Store semantics.
static inline void store_vec(float* c, vf acc, int64_t n, const Store& st, const float* bias) {
  vf v = vmul(acc, vset1(st.alpha));
  if (n >= VL) {
    if (st.beta != 0.0f) v = vfma(vset1(st.beta), vload(c), v);
    if (bias) v = vadd(v, vload(bias));
    if (st.relu) v = vmax0(v);
    vstore(c, v);
  } else {
    if (st.beta != 0.0f) v = vfma(vset1(st.beta), vloadn(c, n), v);
    if (bias) v = vadd(v, vloadn(bias, n));
    if (st.relu) v = vmax0(v);
    vstoren(c, v, n);
  }
}

static inline float store_scalar(float acc, float c, const Store& st, const float* bias) {
  float v = st.alpha * acc;
  if (st.beta != 0.0f) v += st.beta * c;
  if (bias) v += *bias;
  if (st.relu) v = v < 0.0f ? 0.0f : v;
  return v;
}

static inline void finish_rows(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  if (!epi_is_transcendental(g.epilogue)) return;
  for (int64_t i = r0; i < r1; ++i) epi_row(g.C + i * g.ldc + c0, c1 - c0, g.epilogue);
}

// ---------------------------------------------------------------------------------------------
// K == 0 or alpha == 0: C = act(beta·C + bias); A and B are not read.
static void gemm_scale(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  Store st{0.0f, g.beta, nullptr, g.epilogue == U_RELU};
  for (int64_t i = r0; i < r1; ++i) {
    float* c = g.C + i * g.ldc;
    for (int64_t j = c0; j < c1; ++j) c[j] = store_scalar(0.0f, c[j], st, g.bias ? g.bias + j : nullptr);
  }
  finish_rows(g, r0, r1, c0, c1);
}

// ---------------------------------------------------------------------------------------------
// No-pack row-group kernels: R ≤ 4 rows of C at a time, accumulators as individual variables.
// A(r, k) is read through strides so transA costs nothing here.

// op(B) = B (row-major K×N): C[r, j..] = Σ_k A(r,k)·B[k, j..]; 4 vectors of columns per pass, so
// B is streamed once per row group.
template <int R>
static void rows_nn(const GemmArgs& g, int64_t i0, int64_t c0, int64_t c1) {
  const int64_t ars = g.transA ? 1 : g.lda, acs = g.transA ? g.lda : 1;
  const float* a0 = g.A + i0 * ars;
  const float* a1 = a0 + (R > 1 ? ars : 0);
  const float* a2 = a0 + (R > 2 ? 2 * ars : 0);
  const float* a3 = a0 + (R > 3 ? 3 * ars : 0);
  const Store st{g.alpha, g.beta, nullptr, g.epilogue == U_RELU};
  const int64_t K = g.K, ldb = g.ldb;
  for (int64_t j = c0; j < c1; j += 4 * VL) {
    const int64_t w = imin(4 * VL, c1 - j);
    vf x00 = vzero(), x01 = vzero(), x02 = vzero(), x03 = vzero();
    vf x10 = vzero(), x11 = vzero(), x12 = vzero(), x13 = vzero();
    vf x20 = vzero(), x21 = vzero(), x22 = vzero(), x23 = vzero();
    vf x30 = vzero(), x31 = vzero(), x32 = vzero(), x33 = vzero();
    const float* b = g.B + j;
    if (w == 4 * VL) {
      for (int64_t k = 0; k < K; ++k, b += ldb) {
        const vf b0 = vload(b), b1 = vload(b + VL), b2 = vload(b + 2 * VL), b3 = vload(b + 3 * VL);
        vf a = vset1(a0[k * acs]);
        x00 = vfma(a, b0, x00); x01 = vfma(a, b1, x01); x02 = vfma(a, b2, x02); x03 = vfma(a, b3, x03);
        if (R > 1) { a = vset1(a1[k * acs]); x10 = vfma(a, b0, x10); x11 = vfma(a, b1, x11); x12 = vfma(a, b2, x12); x13 = vfma(a, b3, x13); }
        if (R > 2) { a = vset1(a2[k * acs]); x20 = vfma(a, b0, x20); x21 = vfma(a, b1, x21); x22 = vfma(a, b2, x22); x23 = vfma(a, b3, x23); }
        if (R > 3) { a = vset1(a3[k * acs]); x30 = vfma(a, b0, x30); x31 = vfma(a, b1, x31); x32 = vfma(a, b2, x32); x33 = vfma(a, b3, x33); }
      }
    } else {
      const int64_t n0 = imin(VL, w), n1 = imax(0, imin(VL, w - VL)), n2 = imax(0, imin(VL, w - 2 * VL)),
                    n3 = imax(0, w - 3 * VL);
      for (int64_t k = 0; k < K; ++k, b += ldb) {
        const vf b0 = n0 == VL ? vload(b) : vloadn(b, n0);
        const vf b1 = n1 == VL ? vload(b + VL) : vloadn(b + VL, n1);
        const vf b2 = n2 == VL ? vload(b + 2 * VL) : vloadn(b + 2 * VL, n2);
        const vf b3 = vloadn(b + 3 * VL, n3);
        vf a = vset1(a0[k * acs]);
        x00 = vfma(a, b0, x00); x01 = vfma(a, b1, x01); x02 = vfma(a, b2, x02); x03 = vfma(a, b3, x03);
        if (R > 1) { a = vset1(a1[k * acs]); x10 = vfma(a, b0, x10); x11 = vfma(a, b1, x11); x12 = vfma(a, b2, x12); x13 = vfma(a, b3, x13); }
        if (R > 2) { a = vset1(a2[k * acs]); x20 = vfma(a, b0, x20); x21 = vfma(a, b1, x21); x22 = vfma(a, b2, x22); x23 = vfma(a, b3, x23); }
        if (R > 3) { a = vset1(a3[k * acs]); x30 = vfma(a, b0, x30); x31 = vfma(a, b1, x31); x32 = vfma(a, b2, x32); x33 = vfma(a, b3, x33); }
      }
    }
    const float* bias = g.bias ? g.bias + j : nullptr;
#define KD_STORE_ROW(r, y0, y1, y2, y3)                                                   \
    {                                                                                      \
      float* c = g.C + (i0 + r) * g.ldc + j;                                               \
      store_vec(c, y0, imin(VL, w), st, bias);                                             \
      if (w > VL) store_vec(c + VL, y1, imin(VL, w - VL), st, bias ? bias + VL : nullptr); \
      if (w > 2 * VL) store_vec(c + 2 * VL, y2, imin(VL, w - 2 * VL), st, bias ? bias + 2 * VL : nullptr); \
      if (w > 3 * VL) store_vec(c + 3 * VL, y3, w - 3 * VL, st, bias ? bias + 3 * VL : nullptr); \
    }
    KD_STORE_ROW(0, x00, x01, x02, x03)
    if (R > 1) KD_STORE_ROW(1, x10, x11, x12, x13)
    if (R > 2) KD_STORE_ROW(2, x20, x21, x22, x23)
    if (R > 3) KD_STORE_ROW(3, x30, x31, x32, x33)
#undef KD_STORE_ROW
  }
}

// One row (GEMV, op(B) = B): 8 vectors of columns per pass, so 8 independent FMA chains cover
// the FMA latency and each B row is read in longer runs; the last < 8 vectors go to rows_nn<1>.
static void row_nn_wide(const GemmArgs& g, int64_t i0, int64_t c0, int64_t c1) {
  const int64_t acs = g.transA ? g.lda : 1;
  const float* a0 = g.A + i0 * (g.transA ? 1 : g.lda);
  const Store st{g.alpha, g.beta, nullptr, g.epilogue == U_RELU};
  const int64_t K = g.K, ldb = g.ldb;
  int64_t j = c0;
  for (; j + 8 * VL <= c1; j += 8 * VL) {
    vf x0 = vzero(), x1 = vzero(), x2 = vzero(), x3 = vzero(), x4 = vzero(), x5 = vzero(), x6 = vzero(), x7 = vzero();
    const float* b = g.B + j;
    for (int64_t k = 0; k < K; ++k, b += ldb) {
      const vf a = vset1(a0[k * acs]);
      x0 = vfma(a, vload(b), x0); x1 = vfma(a, vload(b + VL), x1);
      x2 = vfma(a, vload(b + 2 * VL), x2); x3 = vfma(a, vload(b + 3 * VL), x3);
      x4 = vfma(a, vload(b + 4 * VL), x4); x5 = vfma(a, vload(b + 5 * VL), x5);
      x6 = vfma(a, vload(b + 6 * VL), x6); x7 = vfma(a, vload(b + 7 * VL), x7);
    }
    float* c = g.C + i0 * g.ldc + j;
    const float* bias = g.bias ? g.bias + j : nullptr;
    const vf xs[8] = {x0, x1, x2, x3, x4, x5, x6, x7};
    for (int v = 0; v < 8; ++v) store_vec(c + v * VL, xs[v], VL, st, bias ? bias + v * VL : nullptr);
  }
  if (j < c1) rows_nn<1>(g, i0, j, c1);
}

// op(B) = Bᵀ (B is N×K row-major, e.g. nn.Linear weights): dot products along K. Rows of A must be
// contiguous in k (the caller packs them when transA). 4 rows of B per pass: each read once per
// row group.
template <int R>
static void rows_nt(const GemmArgs& g, const float* a0, int64_t lda_c, int64_t i0, int64_t c0, int64_t c1) {
  const float* a1 = a0 + (R > 1 ? lda_c : 0);
  const float* a2 = a0 + (R > 2 ? 2 * lda_c : 0);
  const float* a3 = a0 + (R > 3 ? 3 * lda_c : 0);
  const Store st{g.alpha, g.beta, nullptr, g.epilogue == U_RELU};
  const int64_t K = g.K, Kv = K / VL * VL;
  for (int64_t j = c0; j < c1; j += 4) {
    const int64_t w = imin(4, c1 - j);
    // Rows past the end of the block re-read the last valid row; their sums are discarded.
    const float* b0 = g.B + j * g.ldb;
    const float* b1 = g.B + (j + imin(1, w - 1)) * g.ldb;
    const float* b2 = g.B + (j + imin(2, w - 1)) * g.ldb;
    const float* b3 = g.B + (j + imin(3, w - 1)) * g.ldb;
    vf x00 = vzero(), x01 = vzero(), x02 = vzero(), x03 = vzero();
    vf x10 = vzero(), x11 = vzero(), x12 = vzero(), x13 = vzero();
    vf x20 = vzero(), x21 = vzero(), x22 = vzero(), x23 = vzero();
    vf x30 = vzero(), x31 = vzero(), x32 = vzero(), x33 = vzero();
#define KD_DOT_STEP(LOAD)                                                                  \
    {                                                                                      \
      const vf y0 = LOAD(b0), y1 = LOAD(b1), y2 = LOAD(b2), y3 = LOAD(b3);                 \
      vf a = LOAD(a0);                                                                     \
      x00 = vfma(a, y0, x00); x01 = vfma(a, y1, x01); x02 = vfma(a, y2, x02); x03 = vfma(a, y3, x03); \
      if (R > 1) { a = LOAD(a1); x10 = vfma(a, y0, x10); x11 = vfma(a, y1, x11); x12 = vfma(a, y2, x12); x13 = vfma(a, y3, x13); } \
      if (R > 2) { a = LOAD(a2); x20 = vfma(a, y0, x20); x21 = vfma(a, y1, x21); x22 = vfma(a, y2, x22); x23 = vfma(a, y3, x23); } \
      if (R > 3) { a = LOAD(a3); x30 = vfma(a, y0, x30); x31 = vfma(a, y1, x31); x32 = vfma(a, y2, x32); x33 = vfma(a, y3, x33); } \
    }
    int64_t k = 0;
#define KD_LD(p) vload(p + k)
    for (; k < Kv; k += VL) KD_DOT_STEP(KD_LD)
#undef KD_LD
    if (k < K) {
      const int64_t n = K - k;
#define KD_LD(p) vloadn(p + k, n)
      KD_DOT_STEP(KD_LD)
#undef KD_LD
    }
#undef KD_DOT_STEP
    const float* bias = g.bias ? g.bias + j : nullptr;
#define KD_STORE_ROW(r, y0, y1, y2, y3)                                                       \
    {                                                                                          \
      float* c = g.C + (i0 + r) * g.ldc + j;                                                   \
      const float s[4] = {vhsum(y0), vhsum(y1), vhsum(y2), vhsum(y3)};                         \
      for (int64_t t = 0; t < w; ++t) c[t] = store_scalar(s[t], c[t], st, bias ? bias + t : nullptr); \
    }
    KD_STORE_ROW(0, x00, x01, x02, x03)
    if (R > 1) KD_STORE_ROW(1, x10, x11, x12, x13)
    if (R > 2) KD_STORE_ROW(2, x20, x21, x22, x23)
    if (R > 3) KD_STORE_ROW(3, x30, x31, x32, x33)
#undef KD_STORE_ROW
  }
}

// Rows [r0, r1) of C by groups of ≤ 4 rows, without packing (except A rows when transA && transB).
static void gemm_rows(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws) {
  for (int64_t i = r0; i < r1; i += 4) {
    const int64_t m = imin(4, r1 - i);
    if (!g.transB) {
      switch (m) {
        case 1: row_nn_wide(g, i, c0, c1); break;
        case 2: rows_nn<2>(g, i, c0, c1); break;
        case 3: rows_nn<3>(g, i, c0, c1); break;
        default: rows_nn<4>(g, i, c0, c1); break;
      }
    } else {
      const float* a = g.A + i * g.lda;
      int64_t lda = g.lda;
      if (g.transA) {  // gather the m rows of op(A) contiguously (m·K floats of workspace)
        for (int64_t r = 0; r < m; ++r)
          for (int64_t k = 0; k < g.K; ++k) ws[r * g.K + k] = g.A[k * g.lda + i + r];
        a = ws;
        lda = g.K;
      }
      switch (m) {
        case 1: rows_nt<1>(g, a, lda, i, c0, c1); break;
        case 2: rows_nt<2>(g, a, lda, i, c0, c1); break;
        case 3: rows_nt<3>(g, a, lda, i, c0, c1); break;
        default: rows_nt<4>(g, a, lda, i, c0, c1); break;
      }
    }
    finish_rows(g, i, i + m, c0, c1);
  }
}

// ---------------------------------------------------------------------------------------------
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

static void pack_b_all(const GemmArgs& g, float* dst) {
  if (g.K <= 0 || g.N <= 0) return;
  const int64_t kb = k_block(g.K), np = round_up(g.N, NR);
  for (int64_t k0 = 0; k0 < g.K; k0 += kb) pack_b(g, k0, imin(kb, g.K - k0), 0, g.N, dst + k0 * np);
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

// ---------------------------------------------------------------------------------------------
// Packed path: five loops around the microkernel. Which packed operand stays in L1 is the ISA's
// choice (B_PANEL_IN_L1):
//  - true (GotoBLAS order, AVX2 and the reference): columns by NC (B block, L3) → K by KC (pack B)
//    → rows by MC (pack A: the MC×KC block stays in L2) → NR panels of B (one KC×NR panel in L1)
//    → MR panels of A (streamed from L2, broadcast) → microkernel.
//  - false (AVX-512, where a KC×32 B panel would not fit L1): rows by MC (A block, L3) → K by KC
//    (pack A) → columns by NC (pack B: the KC×NC block stays in L2) → MR panels of A (one 12×KC
//    panel in L1) → NR panels of B (streamed from L2) → microkernel. This is BLIS's skx
//    arrangement transposed for row-major C.
struct PackedCtx {
  const GemmArgs& g;
  float* tile;
  bool transc;
};

// One packed block: mc×nc of C at (i0, j0), K slice [k0, k0+kc).
static void macro_kernel(const PackedCtx& x, const float* pa, const float* pb, int64_t i0, int64_t mc,
                         int64_t j0, int64_t nc, int64_t kc, bool first, bool last) {
  const GemmArgs& g = x.g;
  auto tile_at = [&](int64_t ir, int64_t jr) {
    const int64_t mr = imin(MR, mc - ir), nr = imin(NR, nc - jr);
    const int64_t j = j0 + jr;
    float* c = g.C + (i0 + ir) * g.ldc + j;
    const Store st{g.alpha, first ? g.beta : 1.0f, last && g.bias ? g.bias + j : nullptr,
                   last && g.epilogue == U_RELU};
    const float* a = pa + ir * kc;
    const float* b = pb + jr * kc;
    if (UKR_TAILS || (mr == MR && nr == NR)) {
      ukernel(kc, a, b, c, g.ldc, mr, nr, st);
    } else {
      ukernel(kc, a, b, x.tile, NR, MR, NR, Store{1.0f, 0.0f, nullptr, false});
      merge_tile(x.tile, NR, c, g.ldc, mr, nr, st);
    }
    if (last && x.transc)
      for (int64_t r = 0; r < mr; ++r) epi_row(c + r * g.ldc, nr, g.epilogue);
  };
  if (B_PANEL_IN_L1) {
    for (int64_t jr = 0; jr < nc; jr += NR)
      for (int64_t ir = 0; ir < mc; ir += MR) tile_at(ir, jr);
  } else {
    for (int64_t ir = 0; ir < mc; ir += MR)
      for (int64_t jr = 0; jr < nc; jr += NR) tile_at(ir, jr);
  }
}

static void gemm_packed(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws) {
  float* pa = ws;
  float* pb = ws + MC * KC;
  const PackedCtx x{g, pb + KC * NC, epi_is_transcendental(g.epilogue)};  // tile: MR×NR scratch
  const int64_t K = g.K, kb = k_block(K);
  if (B_PANEL_IN_L1) {
    for (int64_t j0 = c0; j0 < c1; j0 += NC) {
      const int64_t nc = imin(NC, c1 - j0);
      for (int64_t k0 = 0; k0 < K; k0 += kb) {
        const int64_t kc = imin(kb, K - k0);
        const float* b = g.Bp ? packed_block(g, k0, kc, j0) : (pack_b(g, k0, kc, j0, nc, pb), pb);
        for (int64_t i0 = r0; i0 < r1; i0 += MC) {
          const int64_t mc = imin(MC, r1 - i0);
          pack_a(g, i0, mc, k0, kc, pa);
          macro_kernel(x, pa, b, i0, mc, j0, nc, kc, k0 == 0, k0 + kc >= K);
        }
      }
    }
  } else {
    for (int64_t i0 = r0; i0 < r1; i0 += MC) {
      const int64_t mc = imin(MC, r1 - i0);
      for (int64_t k0 = 0; k0 < K; k0 += kb) {
        const int64_t kc = imin(kb, K - k0);
        pack_a(g, i0, mc, k0, kc, pa);
        for (int64_t j0 = c0; j0 < c1; j0 += NC) {
          const int64_t nc = imin(NC, c1 - j0);
          const float* b = g.Bp ? packed_block(g, k0, kc, j0) : (pack_b(g, k0, kc, j0, nc, pb), pb);
          macro_kernel(x, pa, b, i0, mc, j0, nc, kc, k0 == 0, k0 + kc >= K);
        }
      }
    }
  }
}

// Below this many multiply-adds a block skips packing and uses the row-group kernels.
constexpr int64_t SMALL_MACS = 32 * 1024;

static int64_t workspace_floats() {
  // Packed A block + packed B block + one partial tile. The row kernels need 4·K floats only
  // when transA && transB, and are used then only if that fits (else the packed path runs).
  return round_up(MC * KC + KC * NC + MR * NR, 16) + 16;
}

static void gemm_block_impl(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws) {
  if (r0 >= r1 || c0 >= c1) return;
  if (g.K == 0 || g.alpha == 0.0f) return gemm_scale(g, r0, r1, c0, c1);
  const int64_t m = r1 - r0, n = c1 - c0;
  if (g.Bp) {
    if (c0 % NR == 0) {
      // With at most two panels of columns (a classifier head), packing A (m·K floats) costs about
      // as much as the product: Linear(512, 10) on 4096 rows, 1 thread, ran at 8.8-9.8 GFLOP/s
      // through the packed path and 12.4-14.6 through the row kernels.
      if (m <= 4 || n <= 2 * NR || m * n * g.K < SMALL_MACS) return gemm_rows_packed(g, r0, r1, c0, c1);
      return gemm_packed(g, r0, r1, c0, c1, ws);
    }
    // a column split that does not fall on a panel boundary: read B itself (still valid)
    GemmArgs u = g;
    u.Bp = nullptr;
    return gemm_block_impl(u, r0, r1, c0, c1, ws);
  }
  // Row kernels: GEMV for one row, few rows, or tiny problems. With transA && transB they gather
  // 4 rows of A into the workspace, so K must fit there.
  const bool rows_ok = !(g.transA && g.transB) || 4 * g.K <= MC * KC;
  if (rows_ok && (m <= 4 || m * n * g.K < SMALL_MACS)) return gemm_rows(g, r0, r1, c0, c1, ws);
  if (gemm_direct(g, r0, r1, c0, c1, ws)) return;
  gemm_packed(g, r0, r1, c0, c1, ws);
}
