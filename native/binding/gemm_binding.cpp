// GEMM through N-API: one flat call with the dimensions in a Float64Array.
#include "../parallel_gemm.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// gemm(A, B, C, bias | null, dims: Float64Array[18]):
// dims = [transA, transB, M, N, K, lda, ldb, ldc, aOffset, bOffset, cOffset, alpha, beta, epilogue,
//         batch, strideA, strideB, strideC]
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 A = f32(info, 0, "A"), B = f32(info, 1, "B"), C = f32(info, 2, "C"), bias = f32(info, 3, "bias", true);
  if (info.Length() <= 4 || !info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    THROW_TYPE(env, "argument 'dims' must be a Float64Array");
  }
  auto dimsArr = info[4].As<Napi::Float64Array>();
  if (dimsArr.ElementLength() != 18) THROW_RANGE(env, "argument 'dims' must have 18 entries");
  const double* d = dimsArr.Data();
  auto intAt = [&](int i, const char* name, int64_t lo, int64_t hi) {
    const double v = d[i];
    if (!(v >= double(lo) && v <= double(hi)) || std::floor(v) != v) THROW_RANGE(env, std::string("dims.") + name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int64_t>(v);
  };
  kindling::GemmArgs g{};
  g.transA = intAt(0, "transA", 0, 1);
  g.transB = intAt(1, "transB", 0, 1);
  g.M = intAt(2, "M", 0, kMaxDim);
  g.N = intAt(3, "N", 0, kMaxDim);
  g.K = intAt(4, "K", 0, kMaxDim);
  g.lda = intAt(5, "lda", 1, kMaxDim);
  g.ldb = intAt(6, "ldb", 1, kMaxDim);
  g.ldc = intAt(7, "ldc", 1, kMaxDim);
  const int64_t aOff = intAt(8, "aOffset", 0, kMaxDim), bOff = intAt(9, "bOffset", 0, kMaxDim), cOff = intAt(10, "cOffset", 0, kMaxDim);
  g.alpha = static_cast<float>(d[11]);
  g.beta = static_cast<float>(d[12]);
  g.epilogue = static_cast<kindling::Epilogue>(intAt(13, "epilogue", 0, 5));
  const int64_t batch = intAt(14, "batch", 0, kMaxDim);
  const int64_t sA = intAt(15, "strideA", 0, kMaxDim), sB = intAt(16, "strideB", 0, kMaxDim), sC = intAt(17, "strideC", 0, kMaxDim);
  if (!std::isfinite(d[11]) || !std::isfinite(d[12])) THROW_RANGE(env, "dims.alpha and dims.beta must be finite");

  // extents: the last element each matrix touches, checked against the arrays' lengths
  const int64_t aRows = g.transA ? g.K : g.M, aCols = g.transA ? g.M : g.K;
  const int64_t bRows = g.transB ? g.N : g.K, bCols = g.transB ? g.K : g.N;
  if (aCols > g.lda && aRows > 1) THROW_RANGE(env, "dims.lda is smaller than the rows of A");
  if (bCols > g.ldb && bRows > 1) THROW_RANGE(env, "dims.ldb is smaller than the rows of B");
  if (g.N > g.ldc && g.M > 1) THROW_RANGE(env, "dims.ldc is smaller than the rows of C");
  if (batch == 0 || g.M == 0 || g.N == 0) return env.Undefined();
  const auto extent = [](double rows, double cols, double ld) { return rows == 0 || cols == 0 ? 0.0 : (rows - 1) * ld + cols; };
  const double aNeed = g.K ? double(aOff) + double(batch - 1) * double(sA) + extent(aRows, aCols, g.lda) : 0;
  const double bNeed = g.K ? double(bOff) + double(batch - 1) * double(sB) + extent(bRows, bCols, g.ldb) : 0;
  const double cNeed = double(cOff) + double(batch - 1) * double(sC) + extent(g.M, g.N, g.ldc);
  needLength(env, A, aNeed, "A");
  needLength(env, B, bNeed, "B");
  needLength(env, C, cNeed, "C");
  if (bias.data || bias.buffer) needLength(env, bias, g.N, "bias");
  if (batch > 1 && double(sC) < extent(g.M, g.N, g.ldc)) THROW_RANGE(env, "dims.strideC makes the batch's outputs overlap");
  if (overlaps(C, C.length, A, A.length) || overlaps(C, C.length, B, B.length) || (bias.buffer && overlaps(C, C.length, bias, bias.length))) {
    THROW_RANGE(env, "argument 'C' must not share memory with 'A', 'B' or 'bias'");
  }
  for (int64_t b = 0; b < batch; b++) {
    GemmArgs gb = g;
    gb.A = g.K ? A.data + aOff + b * sA : nullptr;
    gb.B = g.K ? B.data + bOff + b * sB : nullptr;
    gb.C = C.data + cOff + b * sC;
    gb.bias = bias.data;
    kindling::gemm(gb);
  }
  return env.Undefined();
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
}

}  // namespace binding
}  // namespace kindling
