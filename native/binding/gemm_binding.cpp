// GEMM through N-API: one flat call with the dimensions in a Float64Array, and pre-packed B
// operands (a layer's weights packed once, reused until the TypeScript side sees them change).
#include <cstdlib>
#include <memory>

#include "../alloc.h"
#include "../dispatch.h"
#include "../parallel_gemm.h"
#include "args.h"
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
  g.epilogue = static_cast<kindling::Epilogue>(intAt(13, "dims.epilogue", 0, 5));
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

// ---- pre-packed B ------------------------------------------------------------------------------
// Native memory owned by a plain JS object (never exposed as an ArrayBuffer): freed by the
// garbage collector through the wrap's finalizer, and reported to V8 as external memory so the
// collector knows what it holds. The type tag proves to gemm() that an object is one of ours.
struct PackedB {
  float* data;
  int64_t bytes;
  const KernelTable* table;  // packing is specific to the ISA's tile
  bool transB;
  int64_t K, N, ldb, bOff;
};

const napi_type_tag kPackedTag = {0x6b696e646c696e67ULL, 0x7061636b65642d42ULL};

void finalizePacked(napi_env env, void* data, void*) {
  auto* p = static_cast<PackedB*>(data);
  int64_t adjusted;
  napi_adjust_external_memory(env, -p->bytes, &adjusted);
  std::free(p->data);
  delete p;
}

// packB(B, dims): packs op(B) as described by dims (transB, N, K, ldb, bOffset; batch 1).
Napi::Value PackB(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 B = f32(info, 0, "B");
  const Dims r = readDims(info, 1);
  if (r.batch != 1) THROW_RANGE(env, "packB: dims.batch must be 1");
  if (r.g.K == 0 || r.g.N == 0) THROW_RANGE(env, "packB: dims.K and dims.N must be positive");
  needLength(env, B, bNeed(r), "B");
  const KernelTable& k = kernels();
  kindling::GemmArgs g = r.g;
  g.B = B.data + r.bOff;
  const int64_t floats = k.gemm_packed_b_floats(g.K, g.N);
  // owned here until the wrap takes it (any step below may throw)
  std::unique_ptr<float, decltype(&std::free)> data(aligned_floats(floats), &std::free);
  k.gemm_pack_b(g, data.get());
  const int64_t bytes = ((floats * 4 + 63) / 64) * 64;
  auto p = std::make_unique<PackedB>(PackedB{data.get(), bytes, &k, g.transB, g.K, g.N, g.ldb, r.bOff});
  Napi::Object o = Napi::Object::New(env);
  if (napi_wrap(env, o, p.get(), finalizePacked, nullptr, nullptr) != napi_ok) THROW_RANGE(env, "packB: could not attach the packed weights");
  data.release();
  p.release();
  o.TypeTag(&kPackedTag);
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  return o;
}

// gemm(A, B, C, bias | null, dims, packed?): `packed` (from packB with the same B layout) replaces
// the packing of B; B itself must still be passed (parts of C may read it directly).
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 A = f32(info, 0, "A"), B = f32(info, 1, "B"), C = f32(info, 2, "C"), bias = f32(info, 3, "bias", true);
  const Dims r = readDims(info, 4);
  const kindling::GemmArgs& g = r.g;
  const PackedB* packed = nullptr;
  if (info.Length() > 5 && !info[5].IsUndefined() && !info[5].IsNull()) {
    if (!info[5].IsObject() || !info[5].As<Napi::Object>().CheckTypeTag(&kPackedTag)) {
      THROW_TYPE(env, "argument 'packed' must be an object returned by packB");
    }
    void* raw = nullptr;
    if (napi_unwrap(env, info[5], &raw) != napi_ok || !raw) THROW_TYPE(env, "argument 'packed' must be an object returned by packB");
    packed = static_cast<const PackedB*>(raw);
    if (packed->table != &kernels() || packed->transB != g.transB || packed->K != g.K || packed->N != g.N ||
        packed->ldb != g.ldb || packed->bOff != r.bOff || r.batch != 1) {
      THROW_RANGE(env, "argument 'packed' was packed for another B layout (transB, K, N, ldb, bOffset) or batch");
    }
  }
  if (r.batch == 0 || g.M == 0 || g.N == 0) return env.Undefined();
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
  return env.Undefined();
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exportFunction<Gemm>(env, exports, "gemm");
  exportFunction<PackB>(env, exports, "packB");
}

}  // namespace binding
}  // namespace kindling
