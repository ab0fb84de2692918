// The no-pack row-group kernels (skinny and small shapes, GEMV for M = 1).
// A fragment of gemm_driver.h (see there): included inside the ISA's anonymous namespace, after
// the ISA's vector interface; no #include, no std:: templates.

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
