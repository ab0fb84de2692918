// Reductions through N-API: sum, max, min, argmax and argmin over the middle dim of [outer, size, inner].
#include "../kernels/portable/portable_kernels.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// Codes past the float reductions: argmax and argmin, whose out is a Float64Array of indices.
constexpr int64_t kArgMax = kindling::R_COUNT, kArgMin = kindling::R_COUNT + 1;

// reduce(op, x, out, outer, size, inner): x contiguous [outer, size, inner], out [outer, inner]
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t op = integer(info, 0, "op", 0, kArgMin);
  const bool arg = op >= kArgMax;
  F32 x = f32(info, 1, "x");
  F32 out32{};
  F64 out64{};
  if (arg) out64 = f64(info, 2, "out");
  else out32 = f32(info, 2, "out");
  const int64_t outLength = arg ? out64.length : out32.length;
  const int64_t outer = integer(info, 3, "outer", 0, kMaxDim), size = integer(info, 4, "size", 0, kMaxDim), inner = integer(info, 5, "inner", 0, kMaxDim);
  if (double(outer) * double(size) * double(inner) != double(x.length)) THROW_RANGE(env, "argument 'x' must have outer * size * inner elements");
  if (double(outer) * double(inner) != double(outLength)) THROW_RANGE(env, "argument 'out' must have outer * inner elements");
  if (outLength == 0) return env.Undefined();
  if (size == 0 && op != kindling::R_SUM) THROW_RANGE(env, "argument 'size' must be at least 1 for max, min, argmax and argmin");
  if (arg ? overlaps(x, out64) : overlaps(x, x.length, out32, out32.length)) THROW_RANGE(env, "argument 'out' must not share memory with 'x'");
  if (arg) kindling::reduce_arg(op == kArgMax, x.data, out64.data, outer, size, inner);
  else kindling::reduce(static_cast<kindling::ReduceKind>(op), x.data, out32.data, outer, size, inner);
  return env.Undefined();
}

}  // namespace

void register_reduce(Napi::Env env, Napi::Object exports) { exportFunction<Reduce>(env, exports, "reduce"); }

}  // namespace binding
}  // namespace kindling
