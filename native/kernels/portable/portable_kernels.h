// Portable kernels that are memory-bound, so one loop (vectorised by the compiler at -O3 with
// baseline flags) serves every ISA: binary elementwise ops with broadcasting and reductions along
// a dim (the fused optimizer updates are per ISA: kernels.h, kernels/optim/). Plain functions
// over pointers, free of N-API; the bindings check every argument before calling them.
#pragma once
#include <cstdint>

namespace kindling {

// ---- binary elementwise (elementwise.cpp) -----------------------------------------------------

enum ArithOp : int32_t { A_ADD = 0, A_SUB = 1, A_MUL = 2, A_DIV = 3, A_MAXIMUM = 4, A_MINIMUM = 5, A_COUNT = 6 };

// Dims a broadcast operand may be described with (after collapsing; more falls back to JS).
constexpr int kMaxBinaryDims = 6;

// out = a op b over `shape` (nd dims, 1 <= nd <= kMaxBinaryDims), out contiguous; a and b are
// read through their strides (in elements, >= 0; 0 broadcasts). The innermost dim runs one of
// four loops: vector-vector, vector-scalar, scalar-vector or general strides. out may alias an
// operand that is read contiguously from the same start, never a broadcast one.
// maximum/minimum propagate NaN and treat ±0 as Math.max/Math.min do.
void binary_broadcast(ArithOp op, int nd, const int64_t* shape, const float* a, const int64_t* a_strides,
                      const float* b, const int64_t* b_strides, float* out);

// out = min(max(x, lo), hi) elementwise (NaN passes through; lo > hi gives hi); out may be x.
void clamp(const float* x, float* out, int64_t n, float lo, float hi);

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

}  // namespace kindling
