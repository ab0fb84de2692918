// GEMM through N-API: one flat call with the dimensions in a Float64Array, and pre-packed B
// operands (a layer's weights packed once, reused until the TypeScript side sees them change).
#include <cstdlib>
#include <memory>

#include "../dispatch.h"
#include "../parallel_gemm.h"
#include "args.h"
#include "packed_b.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// The dims array of gemm() and packB(), checked and decoded.
// dims = [transA, transB, M, N, K, lda, ldb, ldc, aOffset, bOffset, cOffset, alpha, beta, epilogue,
//         batch, strideA, strideB, strideC]
struct Dims {
  kindling::GemmArgs g;
  int64_t aOff, bOff, cOff, batch, sA, sB, sC;
};

double extent(double rows, double cols, double ld) { return rows == 0 || cols == 0 ? 0.0 : (rows - 1) * ld + cols; }

Dims readDims(const Napi::CallbackInfo& info, size_t i) {
  Napi::Env env = info.Env();
  const F64 d = f64(info, i, "dims");
  if (d.length != 18) THROW_RANGE(env, "argument 'dims' must have 18 entries");
  auto intAt = [&](int k, const char* name, int64_t lo, int64_t hi) { return integerAt(env, d, k, name, lo, hi); };
  Dims r{};
  kindling::GemmArgs& g = r.g;
  g.transA = intAt(0, "dims.transA", 0, 1);
  g.transB = intAt(1, "dims.transB", 0, 1);
  g.M = intAt(2, "dims.M", 0, kMaxDim);
  g.N = intAt(3, "dims.N", 0, kMaxDim);
  g.K = intAt(4, "dims.K", 0, kMaxDim);
  g.lda = intAt(5, "dims.lda", 1, kMaxDim);
  g.ldb = intAt(6, "dims.ldb", 1, kMaxDim);
  g.ldc = intAt(7, "dims.ldc", 1, kMaxDim);
  r.aOff = intAt(8, "dims.aOffset", 0, kMaxDim);
  r.bOff = intAt(9, "dims.bOffset", 0, kMaxDim);
  r.cOff = intAt(10, "dims.cOffset", 0, kMaxDim);
  if (!std::isfinite(d.data[11]) || !std::isfinite(d.data[12])) THROW_RANGE(env, "dims.alpha and dims.beta must be finite");
  g.alpha = static_cast<float>(d.data[11]);
  g.beta = static_cast<float>(d.data[12]);
  g.epilogue = static_cast<kindling::UnaryOp>(intAt(13, "dims.epilogue", kindling::U_NONE, kindling::U_COUNT - 1));
  if (g.epilogue != kindling::U_NONE && !kindling::unary_has(g.epilogue, kindling::UF_EPILOGUE)) {
    THROW_RANGE(env, "dims.epilogue must be -1 or a unary op in binding.epilogueOps");
  }
  r.batch = intAt(14, "dims.batch", 0, kMaxDim);
  r.sA = intAt(15, "dims.strideA", 0, kMaxDim);
  r.sB = intAt(16, "dims.strideB", 0, kMaxDim);
  r.sC = intAt(17, "dims.strideC", 0, kMaxDim);
  const int64_t aRows = g.transA ? g.K : g.M, aCols = g.transA ? g.M : g.K;
  const int64_t bRows = g.transB ? g.N : g.K, bCols = g.transB ? g.K : g.N;
  if (aCols > g.lda && aRows > 1) THROW_RANGE(env, "dims.lda is smaller than the rows of A");
  if (bCols > g.ldb && bRows > 1) THROW_RANGE(env, "dims.ldb is smaller than the rows of B");
  if (g.N > g.ldc && g.M > 1) THROW_RANGE(env, "dims.ldc is smaller than the rows of C");
  return r;
}

// Elements of B the product reads (0 when it reads none).
double bNeed(const Dims& r) {
  const kindling::GemmArgs& g = r.g;
  const int64_t bRows = g.transB ? g.N : g.K, bCols = g.transB ? g.K : g.N;
  return g.K && g.N ? double(r.bOff) + double(r.batch - 1) * double(r.sB) + extent(bRows, bCols, g.ldb) : 0;
}

// packB(B, dims, reuse?): packs op(B) as described by dims (transB, N, K, ldb, bOffset; batch 1)
// into native memory (packed_b.h). Given `reuse` (an earlier result, say for the same weights at
// an older version), packs into that object, in its buffer when the size matches, and returns it.
Napi::Value PackB(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 B = f32(info, 0, "B");
  const Dims r = readDims(info, 1);
  PackedB* reuse = nullptr;
  if (!isNullish(info, 2) && !(reuse = unwrapPacked(env, info[2]))) THROW_TYPE(env, "argument 'reuse' must be an object returned by packB");
  if (r.batch != 1) THROW_RANGE(env, "packB: dims.batch must be 1");
  if (r.g.K == 0 || r.g.N == 0) THROW_RANGE(env, "packB: dims.K and dims.N must be positive");
  needLength(env, B, bNeed(r), "B");
  const KernelTable& k = kernels();
  kindling::GemmArgs g = r.g;
  g.B = B.data + r.bOff;
  const int64_t bytes = ((k.gemm_packed_b_floats(g.K, g.N) * 4 + 63) / 64) * 64;
  std::unique_ptr<PackedB> fresh(reuse ? nullptr : new PackedB{env, nullptr, 0, &k, false, 0, 0, 0, 0, 0});
  PackedB* p = reuse ? reuse : fresh.get();
  allocatePacked(p, bytes);
  k.gemm_pack_b(g, p->data);
  p->table = &k;
  p->transB = g.transB;
  p->K = g.K;
  p->N = g.N;
  p->ldb = g.ldb;
  p->bOff = r.bOff;
  touchPacked(p);
  return reuse ? info[2] : Napi::Value(wrapPacked(env, fresh.release()));
}

// gemm(A, B, C, bias | null, dims, packed?): `packed` (from packB with the same B layout) replaces
// the packing of B; B itself must still be passed (parts of C may read it directly). Returns
// whether `packed` was used: false when it was evicted (packed_b.h), and the caller packs again.
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 A = f32(info, 0, "A"), B = f32(info, 1, "B"), C = f32(info, 2, "C"), bias = f32(info, 3, "bias", true);
  const Dims r = readDims(info, 4);
  const kindling::GemmArgs& g = r.g;
  PackedB* packed = nullptr;
  if (!isNullish(info, 5)) {
    if (!(packed = unwrapPacked(env, info[5]))) THROW_TYPE(env, "argument 'packed' must be an object returned by packB");
    if (packed->table != &kernels() || packed->transB != g.transB || packed->K != g.K || packed->N != g.N ||
        packed->ldb != g.ldb || packed->bOff != r.bOff || r.batch != 1) {
      THROW_RANGE(env, "argument 'packed' was packed for another B layout (transB, K, N, ldb, bOffset) or batch");
    }
    if (packed->data) touchPacked(packed);
    else packed = nullptr;
  }
  const Napi::Value used = Napi::Boolean::New(env, packed != nullptr);
  if (r.batch == 0 || g.M == 0 || g.N == 0) return used;
  const int64_t aRows = g.transA ? g.K : g.M, aCols = g.transA ? g.M : g.K;
  const double aNeed = g.K ? double(r.aOff) + double(r.batch - 1) * double(r.sA) + extent(aRows, aCols, g.lda) : 0;
  const double cNeed = double(r.cOff) + double(r.batch - 1) * double(r.sC) + extent(g.M, g.N, g.ldc);
  needLength(env, A, aNeed, "A");
  needLength(env, B, bNeed(r), "B");
  needLength(env, C, cNeed, "C");
  if (bias.given) needLength(env, bias, g.N, "bias");
  if (r.batch > 1 && double(r.sC) < extent(g.M, g.N, g.ldc)) THROW_RANGE(env, "dims.strideC makes the batch's outputs overlap");
  if (overlaps(C, C.length, A, A.length) || overlaps(C, C.length, B, B.length) || overlaps(C, C.length, bias, bias.length)) {
    THROW_RANGE(env, "argument 'C' must not share memory with 'A', 'B' or 'bias'");
  }
  for (int64_t b = 0; b < r.batch; b++) {
    kindling::GemmArgs gb = g;
    gb.A = g.K ? A.data + r.aOff + b * r.sA : nullptr;
    gb.B = g.K ? B.data + r.bOff + b * r.sB : nullptr;
    gb.C = C.data + r.cOff + b * r.sC;
    gb.bias = bias.data;
    gb.Bp = packed && g.K ? packed->data : nullptr;
    kindling::gemm(gb);
  }
  return used;
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exportFunction<Gemm>(env, exports, "gemm");
  exportFunction<PackB>(env, exports, "packB");
}

}  // namespace binding
}  // namespace kindling
