// Reductions through N-API: sum, max and min over the middle dim of [outer, size, inner].
#include "../portable_kernels.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// reduce(op, x, out, outer, size, inner): x contiguous [outer, size, inner], out [outer, inner]
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto op = static_cast<kindling::ReduceKind>(integer(info, 0, "op", 0, kindling::R_COUNT - 1));
  F32 x = f32(info, 1, "x"), out = f32(info, 2, "out");
  const int64_t outer = integer(info, 3, "outer", 0, kMaxDim), size = integer(info, 4, "size", 0, kMaxDim), inner = integer(info, 5, "inner", 0, kMaxDim);
  if (double(outer) * double(size) * double(inner) != double(x.length)) THROW_RANGE(env, "argument 'x' must have outer * size * inner elements");
  if (double(outer) * double(inner) != double(out.length)) THROW_RANGE(env, "argument 'out' must have outer * inner elements");
  if (out.length == 0) return env.Undefined();
  if (size == 0 && op != kindling::R_SUM) THROW_RANGE(env, "argument 'size' must be at least 1 for max and min");
  if (overlaps(x, x.length, out, out.length)) THROW_RANGE(env, "argument 'out' must not share memory with 'x'");
  kindling::reduce(op, x.data, out.data, outer, size, inner);
  return env.Undefined();
}

}  // namespace

void register_reduce(Napi::Env env, Napi::Object exports) { exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce")); }

}  // namespace binding
}  // namespace kindling
