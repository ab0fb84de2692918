// The N-API binding: flat functions over Float32Arrays. Every argument is checked here (the
// second line of defence after the TypeScript layer): types, lengths against shapes, aliasing of
// outputs with inputs and detached buffers all throw TypeError/RangeError naming the argument,
// so nothing a JS caller passes can crash the process.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "../dispatch.h"
#include "../parallel_gemm.h"
#include "../threadpool.h"

namespace {

using kindling::GemmArgs;

// Bumped whenever the binding's surface changes; the TypeScript loader refuses a stale binary.
constexpr int32_t kAbiVersion = 2;

#define THROW_TYPE(env, msg) throw Napi::TypeError::New(env, msg)
#define THROW_RANGE(env, msg) throw Napi::RangeError::New(env, msg)

struct F32 {
  float* data;
  int64_t length;
  const void* buffer;  // the ArrayBuffer, for aliasing checks
  size_t byteOffset;
};

F32 f32(const Napi::CallbackInfo& info, size_t i, const char* name, bool nullable = false) {
  Napi::Env env = info.Env();
  if (nullable && (info.Length() <= i || info[i].IsNull() || info[i].IsUndefined())) return {nullptr, 0, nullptr, 0};
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    THROW_TYPE(env, std::string("argument '") + name + "' must be a Float32Array");
  }
  auto a = info[i].As<Napi::Float32Array>();
  auto ab = a.ArrayBuffer();
  // a detached buffer reports length 0 and no data: every extent check below then fails cleanly
  return {a.ElementLength() ? a.Data() : nullptr, static_cast<int64_t>(a.ElementLength()), ab.Data(), a.ByteOffset()};
}

double number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber()) THROW_TYPE(info.Env(), std::string("argument '") + name + "' must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t integer(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t lo, int64_t hi) {
  const double v = number(info, i, name);
  if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || std::floor(v) != v) {
    THROW_RANGE(info.Env(), std::string("argument '") + name + "' must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(v);
}

bool overlaps(const F32& a, int64_t aLen, const F32& b, int64_t bLen) {
  if (!a.buffer || !b.buffer || a.buffer != b.buffer) return false;
  const size_t a0 = a.byteOffset, a1 = a0 + aLen * 4, b0 = b.byteOffset, b1 = b0 + bLen * 4;
  return a0 < b1 && b0 < a1;
}

// Extents are computed in double: exact far beyond any array length, and immune to int64 overflow.
void needLength(Napi::Env env, const F32& a, double need, const char* name) {
  if (need > static_cast<double>(a.length)) {
    THROW_RANGE(env, std::string("argument '") + name + "' has " + std::to_string(a.length) + " elements but the shape needs " + std::to_string(static_cast<long long>(need)));
  }
}

constexpr int64_t kMaxDim = int64_t(1) << 40;

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
  GemmArgs g{};
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

// unary(op, x, out, param)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto op = static_cast<kindling::UnaryOp>(integer(info, 0, "op", 0, kindling::U_COUNT - 1));
  F32 x = f32(info, 1, "x"), out = f32(info, 2, "out");
  const float param = static_cast<float>(number(info, 3, "param"));
  if (out.length != x.length) THROW_RANGE(env, "arguments 'x' and 'out' must have the same length");
  // out may be x itself (in place), but not a shifted view of the same memory
  if (overlaps(x, x.length, out, out.length) && (x.data != out.data)) THROW_RANGE(env, "argument 'out' partially overlaps 'x'");
  if (x.length) kindling::kernels().unary(op, x.data, out.data, x.length, param);
  return env.Undefined();
}

// binary(op, a, b, out): out = a op b elementwise; b has a's length, or 1 (a scalar operand)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto op = static_cast<kindling::BinaryOp>(integer(info, 0, "op", 0, kindling::B_COUNT - 1));
  F32 a = f32(info, 1, "a"), b = f32(info, 2, "b"), out = f32(info, 3, "out");
  if (out.length != a.length) THROW_RANGE(env, "arguments 'a' and 'out' must have the same length");
  if (b.length != a.length && b.length != 1) THROW_RANGE(env, "argument 'b' must have a's length or 1 element");
  if ((overlaps(a, a.length, out, out.length) && a.data != out.data) || (overlaps(b, b.length, out, out.length) && (b.data != out.data || b.length != out.length))) {
    THROW_RANGE(env, "argument 'out' partially overlaps an input");
  }
  if (a.length) kindling::binary(op, a.data, b.data, b.length == a.length ? 1 : 0, out.data, a.length);
  return env.Undefined();
}

// unaryGrad(op, x, g, out, param)
Napi::Value UnaryGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto op = static_cast<kindling::GradOp>(integer(info, 0, "op", 0, kindling::G_COUNT - 1));
  F32 x = f32(info, 1, "x"), g = f32(info, 2, "g"), out = f32(info, 3, "out");
  const float param = static_cast<float>(number(info, 4, "param"));
  if (g.length != x.length || out.length != x.length) THROW_RANGE(env, "arguments 'x', 'g' and 'out' must have the same length");
  if ((overlaps(x, x.length, out, out.length) && x.data != out.data) || (overlaps(g, g.length, out, out.length) && g.data != out.data)) {
    THROW_RANGE(env, "argument 'out' partially overlaps an input");
  }
  if (x.length) kindling::kernels().unary_grad(op, x.data, g.data, out.data, x.length, param);
  return env.Undefined();
}

// softmax(x, out, rows, cols, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32(info, 0, "x"), out = f32(info, 1, "out");
  const int64_t rows = integer(info, 2, "rows", 0, kMaxDim), cols = integer(info, 3, "cols", 0, kMaxDim);
  if (info.Length() <= 4 || !info[4].IsBoolean()) THROW_TYPE(env, "argument 'log' must be a boolean");
  const bool log = info[4].As<Napi::Boolean>().Value();
  if (double(rows) * double(cols) != double(x.length) || out.length != x.length) THROW_RANGE(env, "arguments 'x' and 'out' must have rows * cols elements");
  if (overlaps(x, x.length, out, out.length)) THROW_RANGE(env, "argument 'out' must not share memory with 'x'");
  if (x.length) kindling::kernels().softmax(x.data, out.data, rows, cols, log);
  return env.Undefined();
}

// softmaxGrad(y, g, out, rows, cols, log)
Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 y = f32(info, 0, "y"), g = f32(info, 1, "g"), out = f32(info, 2, "out");
  const int64_t rows = integer(info, 3, "rows", 0, kMaxDim), cols = integer(info, 4, "cols", 0, kMaxDim);
  if (info.Length() <= 5 || !info[5].IsBoolean()) THROW_TYPE(env, "argument 'log' must be a boolean");
  const bool log = info[5].As<Napi::Boolean>().Value();
  if (double(rows) * double(cols) != double(y.length) || g.length != y.length || out.length != y.length) THROW_RANGE(env, "arguments 'y', 'g' and 'out' must have rows * cols elements");
  if (overlaps(y, y.length, out, out.length) || overlaps(g, g.length, out, out.length)) THROW_RANGE(env, "argument 'out' must not share memory with 'y' or 'g'");
  if (y.length) kindling::kernels().softmax_grad(y.data, g.data, out.data, rows, cols, log);
  return env.Undefined();
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  kindling::set_num_threads(static_cast<int>(integer(info, 0, "n", 1, 1024)));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), kindling::num_threads()); }

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("abi", kAbiVersion);
  o.Set("isa", kindling::kernels().isa);
  o.Set("available", kindling::isa_available());
  const char* err = kindling::isa_selection_error();
  o.Set("isaError", err ? Napi::Value(Napi::String::New(env, err)) : env.Null());
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Number::New(env, kAbiVersion));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryGrad", Napi::Function::New(env, UnaryGrad, "unaryGrad"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxGrad", Napi::Function::New(env, SoftmaxGrad, "softmaxGrad"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  return exports;
}

}  // namespace

// Context-aware (NAPI_MODULE_INIT under the hood): loads in the main thread and in worker_threads.
NODE_API_MODULE(kindling, Init)
