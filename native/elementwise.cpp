// Binary elementwise kernels. Memory-bound, so one portable loop (vectorised by the compiler at
// -O3 with baseline flags) serves every ISA; float arithmetic here rounds exactly as the JS
// backend's double-then-round does for + − × ÷.
#include "dispatch.h"

namespace kindling {
namespace {

template <typename F>
void run(const float* a, const float* b, int64_t b_stride, float* out, int64_t n, F f) {
  if (b_stride == 0) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], y);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  }
}

}  // namespace

void binary(BinaryOp op, const float* a, const float* b, int64_t b_stride, float* out, int64_t n) {
  switch (op) {
    case B_ADD: return run(a, b, b_stride, out, n, [](float x, float y) { return x + y; });
    case B_SUB: return run(a, b, b_stride, out, n, [](float x, float y) { return x - y; });
    case B_MUL: return run(a, b, b_stride, out, n, [](float x, float y) { return x * y; });
    case B_DIV: return run(a, b, b_stride, out, n, [](float x, float y) { return x / y; });
    default: return;
  }
}

}  // namespace kindling
