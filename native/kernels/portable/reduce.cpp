// Reductions over the middle dim of a contiguous [outer, size, inner] array: sum, max, min.
// Memory-bound, so portable loops serve every ISA: the fixed-width lane arrays below are what
// the compiler vectorises at -O3 (independent accumulators, no reassociation needed).
#include <algorithm>
#include <cmath>
#include <limits>

#include "portable_kernels.h"

namespace kindling {
namespace {

constexpr int kLanes = 16;         // independent float accumulators of a row sum
constexpr int64_t kBlock = 32;     // vectors (or rows) summed in float before adding into double
constexpr int64_t kStrip = 512;    // columns reduced together when inner > 1

// Σ x[0..n): 16 float lanes over blocks of 512 elements, each block added into 16 double lanes,
// so each float partial sum has at most 32 terms whatever n is.
float sum_row(const float* x, int64_t n) {
  double wide[kLanes] = {0};
  int64_t i = 0;
  while (i + kLanes <= n) {
    float acc[kLanes];
    for (int k = 0; k < kLanes; k++) acc[k] = x[i + k];
    i += kLanes;
    const int64_t end = i + std::min<int64_t>((n - i) / kLanes, kBlock - 1) * kLanes;
    for (; i < end; i += kLanes) {
      for (int k = 0; k < kLanes; k++) acc[k] += x[i + k];
    }
    for (int k = 0; k < kLanes; k++) wide[k] += acc[k];
  }
  for (int k = 0; i < n; i++, k++) wide[k] += x[i];
  for (int w = kLanes / 2; w > 0; w /= 2) {
    for (int k = 0; k < w; k++) wide[k] += wide[k + w];
  }
  return static_cast<float>(wide[0]);
}

// Column sums of one [size, inner] slab, kStrip columns at a time: rows summed in float for a
// block of kBlock rows, then added into double.
void sum_cols(const float* x, float* out, int64_t size, int64_t inner) {
  for (int64_t c0 = 0; c0 < inner; c0 += kStrip) {
    const int64_t w = std::min(kStrip, inner - c0);
    double wide[kStrip];
    float acc[kStrip];
    for (int64_t k = 0; k < w; k++) wide[k] = 0;
    for (int64_t s0 = 0; s0 < size; s0 += kBlock) {
      const int64_t s1 = std::min(size, s0 + kBlock);
      const float* r = x + s0 * inner + c0;
      for (int64_t k = 0; k < w; k++) acc[k] = r[k];
      for (int64_t s = s0 + 1; s < s1; s++) {
        r += inner;
        for (int64_t k = 0; k < w; k++) acc[k] += r[k];
      }
      for (int64_t k = 0; k < w; k++) wide[k] += acc[k];
    }
    for (int64_t k = 0; k < w; k++) out[c0 + k] = static_cast<float>(wide[k]);
  }
}

// best = x if x beats it or x is NaN: a NaN, once in, stays (nothing beats it, x != x is false).
template <bool Max>
inline float pick(float best, float x) {
  return ((Max ? x > best : x < best) || x != x) ? x : best;
}

// The JS backend keeps the first of equal values; equal floats differ only in the sign of zero,
// so a zero result takes the sign of the first element equal to zero.
inline float first_zero(const float* x, int64_t n, int64_t stride) {
  for (int64_t i = 0; i < n; i++) {
    if (x[i * stride] == 0) return x[i * stride];
  }
  return 0;
}

template <bool Max>
float extreme_row(const float* x, int64_t n) {
  const float init = Max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  float acc[kLanes];
  for (int k = 0; k < kLanes; k++) acc[k] = init;
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    // kept a loop (not unrolled into scalar selects), so it is vectorised with compare masks
#pragma GCC unroll 1
    for (int k = 0; k < kLanes; k++) acc[k] = pick<Max>(acc[k], x[i + k]);
  }
  for (; i < n; i++) acc[0] = pick<Max>(acc[0], x[i]);
  float best = acc[0];
  for (int k = 1; k < kLanes; k++) best = pick<Max>(best, acc[k]);
  return best == 0 ? first_zero(x, n, 1) : best;
}

// Extremes of the w (<= kStrip) columns starting at x, rows `inner` apart.
template <bool Max>
void extreme_cols(const float* x, float* out, int64_t size, int64_t inner, int64_t w) {
  const float init = Max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  float acc[kStrip];
  for (int64_t k = 0; k < w; k++) acc[k] = init;
  const float* r = x;
  for (int64_t s = 0; s < size; s++, r += inner) {
    for (int64_t k = 0; k < w; k++) acc[k] = pick<Max>(acc[k], r[k]);
  }
  for (int64_t k = 0; k < w; k++) out[k] = acc[k] == 0 ? first_zero(x + k, size, inner) : acc[k];
}

template <bool Max>
void extreme_slab(const float* x, float* out, int64_t size, int64_t inner) {
  for (int64_t c0 = 0; c0 < inner; c0 += kStrip) extreme_cols<Max>(x + c0, out + c0, size, inner, std::min(kStrip, inner - c0));
}

// The first index whose value is `best` (the NaN, if best is one): extreme first, then a search,
// so the search compares for equality only.
template <bool Max>
int64_t arg_row(const float* x, int64_t n) {
  const float best = extreme_row<Max>(x, n);
  if (best != best) {
    for (int64_t i = 0; i < n; i++) {
      if (x[i] != x[i]) return i;
    }
  }
  for (int64_t i = 0; i < n; i++) {
    if (x[i] == best) return i;
  }
  return 0;
}

template <bool Max>
void arg_cols(const float* x, double* out, int64_t size, int64_t inner) {
  for (int64_t c0 = 0; c0 < inner; c0 += kStrip) {
    const int64_t w = std::min(kStrip, inner - c0);
    float best[kStrip];
    extreme_cols<Max>(x + c0, best, size, inner, w);
    double idx[kStrip];
    for (int64_t k = 0; k < w; k++) idx[k] = -1;
    // rows in memory order; each column keeps the first row that matches its extreme
    const float* r = x + c0;
    for (int64_t s = 0; s < size; s++, r += inner) {
      for (int64_t k = 0; k < w; k++) {
        const bool match = best[k] != best[k] ? r[k] != r[k] : r[k] == best[k];
        idx[k] = idx[k] < 0 && match ? static_cast<double>(s) : idx[k];
      }
    }
    for (int64_t k = 0; k < w; k++) out[c0 + k] = idx[k] < 0 ? 0 : idx[k];
  }
}

}  // namespace

void reduce_arg(bool max, const float* x, double* out, int64_t outer, int64_t size, int64_t inner) {
  const int64_t slab = size * inner;
  for (int64_t o = 0; o < outer; o++, x += slab, out += inner) {
    if (inner == 1) out[0] = static_cast<double>(max ? arg_row<true>(x, size) : arg_row<false>(x, size));
    else if (max) arg_cols<true>(x, out, size, inner);
    else arg_cols<false>(x, out, size, inner);
  }
}

void reduce(ReduceKind op, const float* x, float* out, int64_t outer, int64_t size, int64_t inner) {
  const int64_t slab = size * inner;
  for (int64_t o = 0; o < outer; o++, x += slab, out += inner) {
    if (inner == 1) {
      if (op == R_SUM) out[0] = sum_row(x, size);
      else if (op == R_MAX) out[0] = extreme_row<true>(x, size);
      else out[0] = extreme_row<false>(x, size);
    } else {
      if (op == R_SUM) sum_cols(x, out, size, inner);
      else if (op == R_MAX) extreme_slab<true>(x, out, size, inner);
      else extreme_slab<false>(x, out, size, inner);
    }
  }
}

}  // namespace kindling
