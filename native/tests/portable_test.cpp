// Fuzzes the portable kernels (binary with broadcasting, reductions and arg-reductions, im2col and
// col2im, max pooling) and the
// optimizer updates' reference (optim_update.inc, the one text every ISA compiles) on random
// shapes and strides with every array allocated to exactly the extent the binding would accept,
// so AddressSanitizer catches any read or write past it; results are checked against plain loops.
//   native/tests/build_portable_test.sh
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "../kernels/portable/portable_kernels.h"
#define KINDLING_ISA_NS reference
#include "../kernels/isa_api.h"
#undef KINDLING_ISA_NS

using namespace kindling;

namespace {

std::mt19937_64 rng(12345);
int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
float value() {
  const int64_t r = pick(0, 40);
  if (r == 0) return std::numeric_limits<float>::quiet_NaN();
  if (r == 1) return 0.0f;
  if (r == 2) return -0.0f;
  if (r == 3) return std::numeric_limits<float>::infinity();
  return std::uniform_real_distribution<float>(-2, 2)(rng);
}
// exactly n floats on the heap (no slack for an overrun to hide in)
std::unique_ptr<float[]> array(int64_t n) {
  std::unique_ptr<float[]> a(new float[n > 0 ? n : 1]);
  for (int64_t i = 0; i < n; i++) a[i] = value();
  return a;
}
bool same(float x, float y) { return (x != x && y != y) || std::memcmp(&x, &y, 4) == 0; }

int failures = 0;
void fail(const char* what, int64_t at) {
  if (failures++ < 10) std::printf("FAIL %s at %lld\n", what, static_cast<long long>(at));
}

float js_op(int op, float x, float y) {
  switch (op) {
    case A_ADD: return x + y;
    case A_SUB: return x - y;
    case A_MUL: return x * y;
    case A_DIV: return x / y;
    case A_MAXIMUM: return x != x || y != y ? NAN : x > y ? x : y > x ? y : (std::signbit(x) && std::signbit(y) ? -0.0f : x == 0 ? 0.0f : x);
    default: return x != x || y != y ? NAN : x < y ? x : y < x ? y : (std::signbit(x) || std::signbit(y) ? (x == 0 ? -0.0f : x) : x);
  }
}

void binary_case() {
  const int nd = static_cast<int>(pick(1, kMaxBinaryDims));
  int64_t shape[kMaxBinaryDims], st[2][kMaxBinaryDims];
  int64_t n = 1;
  for (int d = 0; d < nd; d++) {
    shape[d] = pick(0, 4) == 0 ? 1 : pick(1, 7);
    n *= shape[d];
  }
  int64_t extent[2];
  for (int k = 0; k < 2; k++) {
    extent[k] = 1;
    for (int d = nd - 1; d >= 0; d--) {
      const int64_t kind = pick(0, 3);  // contiguous-ish, broadcast, strided
      st[k][d] = kind == 0 ? 0 : kind == 1 ? extent[k] : pick(1, 9);
      extent[k] += (shape[d] - 1) * st[k][d];
    }
  }
  auto a = array(extent[0]), b = array(extent[1]);
  std::vector<float> out(n);
  const int op = static_cast<int>(pick(0, A_COUNT - 1));
  reference::binary_broadcast(static_cast<ArithOp>(op), nd, shape, a.get(), st[0], b.get(), st[1], out.data());
  for (int64_t i = 0; i < n; i++) {
    int64_t rest = i, ao = 0, bo = 0;
    for (int d = nd - 1; d >= 0; d--) {
      ao += (rest % shape[d]) * st[0][d];
      bo += (rest % shape[d]) * st[1][d];
      rest /= shape[d];
    }
    if (!same(out[i], js_op(op, a[ao], b[bo]))) fail("binary", i);
  }
}

void reduce_case() {
  const int64_t outer = pick(0, 3), size = pick(1, 700), inner = pick(0, 1) ? 1 : pick(1, 600);
  const int64_t n = outer * size * inner;
  auto x = array(n);
  std::vector<float> out(outer * inner);
  const int op = static_cast<int>(pick(0, R_COUNT - 1));
  reduce(static_cast<ReduceKind>(op), x.get(), out.data(), outer, size, inner);
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i++) {
      const float* c = x.get() + o * size * inner + i;
      float want = c[0];
      double s = 0, mag = 0;
      for (int64_t k = 0; k < size; k++) {
        const float v = c[k * inner];
        s += v;
        mag += std::fabs(v);
        if (k > 0 && want == want && (v != v || (op == R_MAX ? v > want : v < want))) want = v;
      }
      const float got = out[o * inner + i];
      if (op == R_SUM) {
        if (!(s == s) || std::isinf(s)) {
          if (got == got && !std::isinf(got)) fail("sum special", o * inner + i);
        } else if (!(std::fabs(got - s) <= 40 * 0x1p-24 * mag + 0x1p-24 * std::fabs(s))) {
          fail("sum", o * inner + i);
        }
      } else if (!same(got, want)) {
        fail(op == R_MAX ? "max" : "min", o * inner + i);
      }
    }
  }
  // argmax and argmin, as the JS backend: the first NaN, else the first strictly better value
  std::vector<double> idx(outer * inner);
  for (const bool max : {true, false}) {
    reduce_arg(max, x.get(), idx.data(), outer, size, inner);
    for (int64_t o = 0; o < outer; o++) {
      for (int64_t i = 0; i < inner; i++) {
        const float* c = x.get() + o * size * inner + i;
        float best = c[0];
        int64_t arg = 0;
        for (int64_t k = 1; k < size && best == best; k++) {
          const float v = c[k * inner];
          if (v != v || (max ? v > best : v < best)) {
            best = v;
            arg = k;
          }
        }
        if (idx[o * inner + i] != static_cast<double>(arg)) fail(max ? "argmax" : "argmin", o * inner + i);
      }
    }
  }
}

// Any geometry the binding accepts (padding past the kernel, strides past the image, empty
// outputs), both layouts; col2im must be the adjoint: every pixel gets the sum of its copies.
void im2col_case() {
  ConvGeom g{pick(1, 3), pick(1, 9), pick(1, 9), pick(1, 4), pick(1, 4), pick(1, 3), pick(1, 3), pick(0, 4), pick(0, 4), pick(1, 3), pick(1, 3), pick(0, 6), pick(0, 6)};
  const int64_t N = pick(1, 3);
  const bool rows = pick(0, 1) == 1;
  const int64_t n = N * g.C * g.H * g.W, L = g.oh * g.ow, R = g.C * g.kh * g.kw, m = N * R * L;
  auto x = array(n), cols = array(m);
  im2col(x.get(), cols.get(), g, N, rows);
  std::vector<float> img(n > 0 ? n : 1, 0.0f), want(n > 0 ? n : 1, 0.0f);
  for (int64_t b = 0; b < N; b++) {
    for (int64_t r = 0; r < R; r++) {
      const int64_t c = r / (g.kh * g.kw), i = r / g.kw % g.kh, j = r % g.kw;
      for (int64_t l = 0; l < L; l++) {
        const int64_t iy = l / g.ow * g.sh - g.ph + i * g.dh, ix = l % g.ow * g.sw - g.pw + j * g.dw;
        const bool in = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W;
        const int64_t at = ((b * g.C + c) * g.H + iy) * g.W + ix;
        const int64_t o = rows ? (r * N + b) * L + l : (b * R + r) * L + l;
        if (!same(cols[o], in ? x[at] : 0.0f)) fail("im2col", o);
        if (in) want[at] += cols[o];
      }
    }
  }
  col2im(cols.get(), img.data(), g, N, rows);
  for (int64_t k = 0; k < n; k++) {
    if (!same(img[k], want[k])) fail("col2im", k);
  }
}

// Any window the binding accepts; checked against the window walked tap by tap.
void max_pool_case() {
  PoolGeom g{pick(1, 4), pick(1, 4), pick(1, 3), pick(1, 3), pick(0, 2), pick(0, 2), pick(1, 3), pick(1, 3), pick(0, 6), pick(0, 6)};
  const int64_t P = pick(1, 3), H = pick(1, 9), W = pick(1, 9), m = P * g.oh * g.ow;
  auto x = array(P * H * W), out = array(m);
  std::vector<double> ind(m > 0 ? m : 1, -1);
  max_pool2d(x.get(), out.get(), pick(0, 1) ? ind.data() : nullptr, P, H, W, g);
  max_pool2d(x.get(), out.get(), ind.data(), P, H, W, g);
  for (int64_t p = 0; p < P; p++) {
    for (int64_t o = 0; o < g.oh * g.ow; o++) {
      float best = -std::numeric_limits<float>::infinity();
      int64_t at = -1;
      for (int64_t a = 0; a < g.kh; a++) {
        for (int64_t b = 0; b < g.kw; b++) {
          const int64_t y = o / g.ow * g.sh - g.ph + a * g.dh, xx = o % g.ow * g.sw - g.pw + b * g.dw;
          if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
          const float v = x[p * H * W + y * W + xx];
          if (at < 0) at = y * W + xx;
          if (v > best || v != v) {
            best = v;
            at = y * W + xx;
          }
        }
      }
      if (!same(out[p * g.oh * g.ow + o], best)) fail("max_pool2d", p * g.oh * g.ow + o);
      if (at >= 0 && ind[p * g.oh * g.ow + o] != static_cast<double>(at)) fail("max_pool2d index", p * g.oh * g.ow + o);
    }
  }
}

void optim_case() {
  const int64_t n = pick(0, 1100);
  auto p = array(n), g = array(n), buf = array(n), m = array(n), v = array(n), vmax = array(n);
  SgdHyper s{0.1, pick(0, 1) ? 0.9 : 0.0, 0.1, pick(0, 1) ? 0.01 : 0.0, pick(0, 1) == 1, pick(0, 1) == 1, pick(0, 1) == 1};
  reference::sgd_step(p.get(), g.get(), s.momentum != 0 ? buf.get() : nullptr, n, s);
  AdamHyper h{0.01, 0.9, 0.999, 1e-8, pick(0, 1) ? 0.1 : 0.0, 0.05, 0.3, pick(0, 1) == 1, pick(0, 1) == 1};
  reference::adam_step(p.get(), g.get(), m.get(), v.get(), pick(0, 1) ? vmax.get() : nullptr, n, h);
}

}  // namespace

int main() {
  for (int i = 0; i < 3000; i++) binary_case();
  for (int i = 0; i < 600; i++) reduce_case();
  for (int i = 0; i < 300; i++) optim_case();
  for (int i = 0; i < 2000; i++) im2col_case();
  for (int i = 0; i < 2000; i++) max_pool_case();
  std::printf(failures ? "%d failures\n" : "portable kernels: all cases pass\n", failures);
  return failures ? 1 : 0;
}
