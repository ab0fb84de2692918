// Elementwise kernels through N-API: unary ops, activation gradients, binary arithmetic, softmax.
#include "../dispatch.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

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

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryGrad", Napi::Function::New(env, UnaryGrad, "unaryGrad"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxGrad", Napi::Function::New(env, SoftmaxGrad, "softmaxGrad"));
}

}  // namespace binding
}  // namespace kindling
