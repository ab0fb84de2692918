// Storing a finished accumulator tile into C: alpha, beta, bias and the epilogue.
// A fragment of gemm_driver.h (see there): included inside the ISA's anonymous namespace, after
// the ISA's vector interface; no #include, no std:: templates.

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
