// Binary elementwise kernels with broadcasting. Memory-bound, so one portable loop (vectorised by
// the compiler at -O3 with baseline flags) serves every ISA; float arithmetic here rounds exactly
// as the JS backend's double-then-round does for + − × ÷.
#include <cstring>

#include "portable_kernels.h"

namespace kindling {
namespace {

inline uint32_t bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
inline float from_bits(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

// Math.max / Math.min: NaN if either is NaN; max(+0, −0) = +0 and min(+0, −0) = −0 in either order
// (equal values differ only in the sign of zero: AND of the bits keeps +0, OR keeps −0).
inline float js_max(float x, float y) { return x > y ? x : y > x ? y : x == y ? from_bits(bits(x) & bits(y)) : x + y; }
inline float js_min(float x, float y) { return x < y ? x : y < x ? y : x == y ? from_bits(bits(x) | bits(y)) : x + y; }

// One innermost row of n elements: the four stride patterns get their own loops, so the common
// ones (both contiguous, one a broadcast scalar) vectorise.
template <typename F>
void row(const float* a, int64_t as, const float* b, int64_t bs, float* out, int64_t n, F f) {
  if (as == 1 && bs == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (as == 1 && bs == 0) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], y);
  } else if (as == 0 && bs == 1) {
    const float x = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(x, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i * as], b[i * bs]);
  }
}

// Walks the outer dims as an odometer, one row per step; out advances contiguously.
template <typename F>
void run(int nd, const int64_t* shape, const float* a, const int64_t* as, const float* b, const int64_t* bs, float* out, F f) {
  const int64_t n = shape[nd - 1];
  int64_t rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= shape[d];
  int64_t idx[kMaxBinaryDims] = {0};
  for (int64_t r = 0; r < rows; r++, out += n) {
    row(a, as[nd - 1], b, bs[nd - 1], out, n, f);
    for (int d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        a += as[d];
        b += bs[d];
        break;
      }
      idx[d] = 0;
      a -= as[d] * (shape[d] - 1);
      b -= bs[d] * (shape[d] - 1);
    }
  }
}

}  // namespace

void binary_broadcast(ArithOp op, int nd, const int64_t* shape, const float* a, const int64_t* as, const float* b, const int64_t* bs, float* out) {
  switch (op) {
    case A_ADD: return run(nd, shape, a, as, b, bs, out, [](float x, float y) { return x + y; });
    case A_SUB: return run(nd, shape, a, as, b, bs, out, [](float x, float y) { return x - y; });
    case A_MUL: return run(nd, shape, a, as, b, bs, out, [](float x, float y) { return x * y; });
    case A_DIV: return run(nd, shape, a, as, b, bs, out, [](float x, float y) { return x / y; });
    case A_MAXIMUM: return run(nd, shape, a, as, b, bs, out, js_max);
    case A_MINIMUM: return run(nd, shape, a, as, b, bs, out, js_min);
    default: return;
  }
}

// min(max(v, lo), hi) as the JS kernel writes it: NaN fails both comparisons and passes
// through, and lo > hi gives hi, as in PyTorch. Branch-free selects the loop vectoriser turns
// into compare masks. NaN bounds never get here (the caller fills NaN itself).
void clamp(const float* x, float* out, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    const float c = v < lo ? lo : v;
    out[i] = c > hi ? hi : c;
  }
}

}  // namespace kindling
