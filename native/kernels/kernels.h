// The native kernels' C++ surface: plain functions over pointers, free of N-API.
// Each ISA (reference, avx2, avx512) implements the same set in its own translation units,
// inside its own namespace (kindling::reference, kindling::avx2, kindling::avx512); dispatch.cpp
// fills one table of function pointers from cpuid + xgetbv. Nothing here has dynamic initialisation.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kindling {

// Fused GEMM epilogues: applied to the finished tile, after alpha·AB + beta·C + bias.
enum Epilogue : int32_t { EPI_NONE = 0, EPI_RELU = 1, EPI_GELU = 2, EPI_SIGMOID = 3, EPI_TANH = 4, EPI_SILU = 5 };

// C = epilogue(alpha·op(A)·op(B) + beta·C + bias), row-major, fp32.
// op(A) is M×K: A[i*lda + k], or A[k*lda + i] when transA. op(B) is K×N: B[k*ldb + j], or
// B[j*ldb + k] when transB. bias (nullable) has N entries added to every row. beta == 0 ignores
// C's contents (NaN included). M, N or K may be 0.
struct GemmArgs {
  bool transA, transB;
  int64_t M, N, K;
  float alpha, beta;
  const float* A; int64_t lda;
  const float* B; int64_t ldb;
  float* C; int64_t ldc;
  const float* bias;
  Epilogue epilogue;
  // op(B) pre-packed by gemm_pack_b (nullable). B, ldb and transB stay valid: a block that cannot
  // use the packed panels reads B itself.
  const float* Bp;
};

// Elementwise unary ops over n contiguous floats; out may alias x.
enum UnaryOp : int32_t {
  U_RELU = 0, U_SIGMOID = 1, U_TANH = 2, U_EXP = 3, U_LOG = 4, U_GELU = 5, U_GELU_TANH = 6,
  U_SILU = 7, U_SOFTPLUS = 8, U_NEG = 9, U_ABS = 10, U_SQRT = 11,
  U_LEAKY_RELU = 12,  // param = negative slope: x > 0 ? x : slope·x
  U_ELU = 13,         // param = alpha: x > 0 ? x : alpha·expm1(x)
  U_COUNT = 14
};

// Activation gradients: out[i] = g[i] · f'(at x[i]) where `x` is the saved tensor named below.
enum GradOp : int32_t {
  G_RELU = 0,       // x = forward output (or input): g where x > 0
  G_SIGMOID = 1,    // x = forward output y: g·y·(1−y)
  G_TANH = 2,       // x = forward output y: g·(1−y²)
  G_GELU = 3,       // x = forward input
  G_GELU_TANH = 4,  // x = forward input
  G_SILU = 5,       // x = forward input
  G_SOFTPLUS = 6,   // x = forward input (beta 1, threshold 20)
  G_LEAKY_RELU = 7, // x = forward input, param = negative slope
  G_ELU = 8,        // x = forward input, param = alpha
  G_COUNT = 9
};

// Signatures each ISA provides (names are the same in every ISA namespace).
using SgemmTileFn = void (*)(const GemmArgs& a, int64_t row0, int64_t row1, int64_t col0, int64_t col1, float* workspace);
using UnaryFn = void (*)(UnaryOp op, const float* x, float* out, int64_t n, float param);
using GradFn = void (*)(GradOp op, const float* x, const float* g, float* out, int64_t n, float param);

}  // namespace kindling
