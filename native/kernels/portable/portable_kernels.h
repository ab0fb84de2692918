// Portable kernels that are memory-bound, so one loop (vectorised by the compiler at -O3 with
// baseline flags) serves every ISA: reductions along a dim, im2col and col2im, max pooling (binary arithmetic, clamp and the
// fused optimizer updates are per ISA: kernels.h, isa_api.h). Plain functions over pointers,
// free of N-API; the bindings check every argument before calling them.
#pragma once
#include <cstdint>

#include "../kernels.h"

namespace kindling {

// ---- reductions (reduce.cpp) ------------------------------------------------------------------

enum ReduceKind : int32_t { R_SUM = 0, R_MAX = 1, R_MIN = 2, R_COUNT = 3 };

// Reduces a contiguous [outer, size, inner] array over its middle dim into out [outer, inner].
// sum: float lanes over blocks of rows, blocks added in double (error independent of size).
// max/min: NaN wins; among equal values the first (so the sign of a zero result is the first
// zero's), exactly as the JS backend. size must be >= 1 for max/min; sum of nothing is 0.
void reduce(ReduceKind op, const float* x, float* out, int64_t outer, int64_t size, int64_t inner);

// argmax/argmin over the middle dim into int64 indices (stored as doubles, as the JS backend's
// int64): the first NaN if there is one, else the first of the extreme values. size >= 1.
void reduce_arg(bool max, const float* x, double* out, int64_t outer, int64_t size, int64_t inner);

// ---- convolution columns (im2col.cpp) ---------------------------------------------------------

// Where a 2-D convolution reads: image C×H×W, kernel kh×kw, stride, leading padding, dilation,
// output oh×ow. Padding after the image needs no field: windows past the edge read zeros.
struct ConvGeom {
  int64_t C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

// cols[r][n][l] (rows layout, [C·kh·kw, N, oh·ow]) or cols[n][r][l] (batch layout, F.unfold's)
// = x[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw] for r = (c·kh + i)·kw + j, l = y·ow + x; 0 outside.
void im2col(const float* x, float* cols, const ConvGeom& g, int64_t N, bool rows);
// The adjoint: img[n, c, ...] += every column entry read from that pixel. img is not cleared.
void col2im(const float* cols, float* img, const ConvGeom& g, int64_t N, bool rows);

// ---- max pooling (max_pool.cpp) ---------------------------------------------------------------

// A pooling window: kernel, stride, leading padding, dilation, output size.
struct PoolGeom {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

// out[p, i, j] = the max of plane p's window (i, j), NaN winning and ties keeping the first; ind
// (null to skip) gets its flat index y·W + x in the plane, as int64 stored in doubles.
void max_pool2d(const float* x, float* out, double* ind, int64_t P, int64_t H, int64_t W, const PoolGeom& g);

}  // namespace kindling
