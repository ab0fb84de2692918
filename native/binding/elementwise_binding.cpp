// Elementwise kernels through N-API: unary ops, activation gradients, binary arithmetic with
// broadcasting, softmax.
#include <algorithm>

#include "../dispatch.h"
#include "../kernels/portable/portable_kernels.h"
#include "../parallel_elementwise.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// Whether an activation is memory-bound (a load, a compare or a multiply and a store); the others
// evaluate exp, log, tanh or a square root, and a split pays from far fewer elements.
bool unary_is_cheap(kindling::UnaryOp op) {
  switch (op) {
    case kindling::U_RELU: case kindling::U_NEG: case kindling::U_ABS: case kindling::U_LEAKY_RELU: case kindling::U_HARDSWISH:
      return true;
    default:
      return false;
  }
}

// parallel_range over `rows` rows of `cols` (>= 1) elements in chunks of whole rows: the element
// thresholds of the work's cost class (cheap: memory-bound) turned into rows
template <class Body>
void split_rows(int64_t rows, int64_t cols, bool cheap, int64_t align, const Body& body) {
  const int64_t split = cheap ? kindling::kSplitMinCheap : kindling::kSplitMinCostly, wake = cheap ? kindling::kWakeMinCheap : kindling::kWakeMinCostly;
  kindling::parallel_range(rows, std::max<int64_t>(1, split / cols), wake / cols, align, body);
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
  const auto& k = kindling::kernels();
  split_rows(x.length, 1, unary_is_cheap(op), kindling::kSplitAlign, [&](int64_t lo, int64_t hi) { k.unary(op, x.data + lo, out.data + lo, hi - lo, param); });
  return env.Undefined();
}

// clamp(x, out, lo, hi): bounds as float32, as PyTorch casts them for a float tensor
Napi::Value Clamp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32(info, 0, "x"), out = f32(info, 1, "out");
  const float lo = static_cast<float>(number(info, 2, "lo")), hi = static_cast<float>(number(info, 3, "hi"));
  if (out.length != x.length) THROW_RANGE(env, "arguments 'x' and 'out' must have the same length");
  if (overlaps(x, x.length, out, out.length) && (x.data != out.data)) THROW_RANGE(env, "argument 'out' partially overlaps 'x'");
  if (lo != lo || hi != hi) THROW_RANGE(env, "arguments 'lo' and 'hi' must not be NaN");
  const auto& k = kindling::kernels();
  split_rows(x.length, 1, true, kindling::kSplitAlign, [&](int64_t a, int64_t b) { k.clamp(x.data + a, out.data + a, b - a, lo, hi); });
  return env.Undefined();
}

// binary(op, a, b, out, dims): out = a op b over a broadcast shape, out contiguous.
// dims = [nd, aOffset, bOffset, shape[nd], aStrides[nd], bStrides[nd]] (elements; strides >= 0).
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto op = static_cast<kindling::ArithOp>(integer(info, 0, "op", 0, kindling::A_COUNT - 1));
  F32 a = f32(info, 1, "a"), b = f32(info, 2, "b"), out = f32(info, 3, "out");
  const F64 dims = f64(info, 4, "dims");
  if (dims.length < 1) THROW_RANGE(env, "argument 'dims' must start with the number of dims");
  const int nd = static_cast<int>(integerAt(env, dims, 0, "dims.nd", 1, kindling::kMaxBinaryDims));
  if (dims.length < 3 + 3 * nd) THROW_RANGE(env, "argument 'dims' must have 3 + 3 * nd entries");
  const int64_t offset[2] = {integerAt(env, dims, 1, "dims.aOffset", 0, kMaxDim), integerAt(env, dims, 2, "dims.bOffset", 0, kMaxDim)};
  int64_t shape[kindling::kMaxBinaryDims], strides[2][kindling::kMaxBinaryDims];
  double n = 1;
  for (int d = 0; d < nd; d++) {
    shape[d] = integerAt(env, dims, 3 + d, "dims.shape", 0, kMaxDim);
    strides[0][d] = integerAt(env, dims, 3 + nd + d, "dims.aStrides", 0, kMaxDim);
    strides[1][d] = integerAt(env, dims, 3 + 2 * nd + d, "dims.bStrides", 0, kMaxDim);
    n *= double(shape[d]);
  }
  if (n != double(out.length)) THROW_RANGE(env, "argument 'out' has " + std::to_string(out.length) + " elements but the shape has " + std::to_string(static_cast<long long>(n)));
  if (n == 0) return env.Undefined();
  const F32* ops[2] = {&a, &b};
  const char* names[2] = {"a", "b"};
  for (int k = 0; k < 2; k++) {
    // the last element read, in double: exact far beyond any array length, immune to overflow
    double last = double(offset[k]);
    bool contiguous = true;
    int64_t expected = 1;
    for (int d = nd - 1; d >= 0; d--) {
      last += double(shape[d] - 1) * double(strides[k][d]);
      if (shape[d] != 1 && strides[k][d] != expected) contiguous = false;
      expected *= shape[d];
    }
    needLength(env, *ops[k], last + 1, names[k]);
    // out may be the operand itself, read contiguously from the same start; no other overlap
    F32 read = *ops[k];
    read.byteOffset += static_cast<size_t>(offset[k]) * 4;
    const bool same = contiguous && ops[k]->data + offset[k] == out.data;
    if (!same && overlaps(read, static_cast<int64_t>(last) - offset[k] + 1, out, out.length)) {
      THROW_RANGE(env, std::string("argument 'out' overlaps '") + names[k] + "' other than as the same contiguous array");
    }
  }
  const auto& k = kindling::kernels();
  // split along the outermost dim (the only one after collapsing, for same-shape operands)
  int64_t inner = 1;
  for (int d = 1; d < nd; d++) inner *= shape[d];
  split_rows(shape[0], inner, true, nd == 1 ? kindling::kSplitAlign : 1, [&](int64_t lo, int64_t hi) {
    int64_t part[kindling::kMaxBinaryDims];
    std::copy(shape, shape + nd, part);
    part[0] = hi - lo;
    k.binary_broadcast(op, nd, part, a.data + offset[0] + lo * strides[0][0], strides[0], b.data + offset[1] + lo * strides[1][0], strides[1],
                               out.data + lo * inner);
  });
  return env.Undefined();
}

// unaryGrad(op, x, g, out, param)
Napi::Value UnaryGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto op = static_cast<kindling::UnaryOp>(integer(info, 0, "op", 0, kindling::U_COUNT - 1));
  if (!kindling::unary_has_grad(op)) THROW_RANGE(env, "argument 'op' must be an op in binding.unaryGradOps");
  F32 x = f32(info, 1, "x"), g = f32(info, 2, "g"), out = f32(info, 3, "out");
  const float param = static_cast<float>(number(info, 4, "param"));
  if (g.length != x.length || out.length != x.length) THROW_RANGE(env, "arguments 'x', 'g' and 'out' must have the same length");
  if ((overlaps(x, x.length, out, out.length) && x.data != out.data) || (overlaps(g, g.length, out, out.length) && g.data != out.data)) {
    THROW_RANGE(env, "argument 'out' partially overlaps an input");
  }
  const auto& k = kindling::kernels();
  split_rows(x.length, 1, unary_is_cheap(op), kindling::kSplitAlign, [&](int64_t lo, int64_t hi) { k.unary_grad(op, x.data + lo, g.data + lo, out.data + lo, hi - lo, param); });
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
  const auto& k = kindling::kernels();
  if (x.length) {
    split_rows(rows, cols, false, 1, [&](int64_t lo, int64_t hi) { k.softmax(x.data + lo * cols, out.data + lo * cols, hi - lo, cols, log); });
  }
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
  const auto& k = kindling::kernels();
  if (y.length) {
    split_rows(rows, cols, false, 1, [&](int64_t lo, int64_t hi) {
      k.softmax_grad(y.data + lo * cols, g.data + lo * cols, out.data + lo * cols, hi - lo, cols, log);
    });
  }
  return env.Undefined();
}

// The op table of native/kernels/activation/unary_ops.def: unaryOps maps each name to its code;
// epilogueOps (GEMM epilogues) and unaryGradOps (with a gradient kernel: "input" or "output", the
// saved tensor it reads) name subsets.
void export_unary_table(Napi::Env env, Napi::Object exports) {
  Napi::Object codes = Napi::Object::New(env), grads = Napi::Object::New(env);
  Napi::Array epilogues = Napi::Array::New(env);
  uint32_t e = 0;
  for (int32_t op = 0; op < kindling::U_COUNT; ++op) {
    const uint32_t f = kindling::kUnaryFlags[op];
    codes.Set(kindling::kUnaryNames[op], op);
    if (f & kindling::UF_EPILOGUE) epilogues.Set(e++, kindling::kUnaryNames[op]);
    if (f & (kindling::UF_GRAD_INPUT | kindling::UF_GRAD_OUTPUT)) grads.Set(kindling::kUnaryNames[op], f & kindling::UF_GRAD_INPUT ? "input" : "output");
  }
  exports.Set("unaryOps", codes);
  exports.Set("epilogueOps", epilogues);
  exports.Set("unaryGradOps", grads);
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  export_unary_table(env, exports);
  exportFunction<Unary>(env, exports, "unary");
  exportFunction<UnaryGrad>(env, exports, "unaryGrad");
  exportFunction<Binary>(env, exports, "binary");
  exportFunction<Clamp>(env, exports, "clamp");
  exportFunction<Softmax>(env, exports, "softmax");
  exportFunction<SoftmaxGrad>(env, exports, "softmaxGrad");
}

}  // namespace binding
}  // namespace kindling
