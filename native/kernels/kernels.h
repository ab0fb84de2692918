// The native kernels' C++ surface: plain functions over pointers, free of N-API.
// Each ISA (reference, avx2, avx512) implements the same set in its own translation units,
// inside its own namespace (kindling::reference, kindling::avx2, kindling::avx512); dispatch.cpp
// fills one table of function pointers from cpuid + xgetbv. Nothing here has dynamic initialisation.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kindling {

// Elementwise unary ops over n contiguous floats (out may alias x), one code per entry of
// activation/unary_ops.def, in its order. U_NONE: no op (a GEMM without epilogue).
enum UnaryOp : int32_t {
  U_NONE = -1,
#define KINDLING_UNARY_OP(ID, ...) U_##ID,
#include "activation/unary_ops.def"
#undef KINDLING_UNARY_OP
  U_COUNT
};

// What unary_ops.def says of each op (see there).
enum UnaryFlags : uint32_t {
  UF_EPILOGUE = 1, UF_PARAM = 2, UF_GRAD_INPUT = 4, UF_GRAD_OUTPUT = 8, UF_GELU_BAR = 16, UF_ANY_ZERO_SIGN = 32
};
constexpr uint32_t kUnaryFlags[U_COUNT] = {
#define KINDLING_UNARY_OP(ID, name, flags, ...) flags,
#include "activation/unary_ops.def"
#undef KINDLING_UNARY_OP
};
constexpr const char* kUnaryNames[U_COUNT] = {
#define KINDLING_UNARY_OP(ID, name, ...) #name,
#include "activation/unary_ops.def"
#undef KINDLING_UNARY_OP
};
// static: no inline symbol shared between translation units compiled for different ISAs
static constexpr bool unary_has(UnaryOp op, uint32_t flag) { return op >= 0 && op < U_COUNT && (kUnaryFlags[op] & flag) != 0; }
static constexpr bool unary_has_grad(UnaryOp op) { return unary_has(op, UF_GRAD_INPUT | UF_GRAD_OUTPUT); }

// C = epilogue(alpha·op(A)·op(B) + beta·C + bias), row-major, fp32. The epilogue is U_NONE or an
// op flagged UF_EPILOGUE, applied to the finished tile by the same ISA's unary kernel, so a fused
// result equals the unfused activation bit for bit.
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
  UnaryOp epilogue;
  // op(B) pre-packed by gemm_pack_b (nullable). B, ldb and transB stay valid: a block that cannot
  // use the packed panels reads B itself.
  const float* Bp;
  // Bp was packed by a threaded split only to share it between its blocks (gemm_packs_b was true):
  // every block then runs the packed path, the arithmetic of the product on one thread.
  bool BpShared = false;
  // op(A) packed whole by a column split for all its blocks (gemm_pack_a_shared; nullable): every
  // block otherwise packed all of A again (256x512x512 on 2 threads: six times).
  const float* Ap = nullptr;
};

// Binary elementwise ops with broadcasting and clamp (kernels/portable/binary_loops.inc, compiled
// per ISA: the loops are memory-bound, but wider vectors still move more per instruction).
enum ArithOp : int32_t { A_ADD = 0, A_SUB = 1, A_MUL = 2, A_DIV = 3, A_MAXIMUM = 4, A_MINIMUM = 5, A_COUNT = 6 };

// Dims a broadcast operand may be described with (after collapsing; more falls back to JS).
constexpr int kMaxBinaryDims = 6;

// Fused optimizer updates (kernels/optim/): PyTorch 1.13's _single_tensor_sgd and
// _single_tensor_adam / _single_tensor_adamw over n contiguous floats, op for op in float (each op
// rounded, no FMA), as the JS reference (src/backend/js/optim.ts), so every ISA and both backends
// give the same bits.
struct SgdHyper {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
  bool init;  // first step with momentum: buf = the update direction (PyTorch's clone of d_p)
};

struct AdamHyper {
  double lr, beta1, beta2, eps, weight_decay;
  double step_size;  // lr / (1 - beta1^step)
  double bc2_sqrt;   // sqrt(1 - beta2^step)
  bool maximize;
  bool decoupled;  // AdamW: param *= 1 - lr·weight_decay instead of grad += weight_decay·param
};

// Signatures each ISA provides (names are the same in every ISA namespace).
using SgemmTileFn = void (*)(const GemmArgs& a, int64_t row0, int64_t row1, int64_t col0, int64_t col1, float* workspace);
using UnaryFn = void (*)(UnaryOp op, const float* x, float* out, int64_t n, float param);
// Gradients: out[i] = g[i]·f'(at x[i]), x the saved forward input or output (UF_GRAD_INPUT /
// UF_GRAD_OUTPUT); ops without a gradient kernel write NaN.
using GradFn = void (*)(UnaryOp op, const float* x, const float* g, float* out, int64_t n, float param);
// buf is null when momentum is 0; max_exp_avg_sq is null unless amsgrad. No array may overlap another.
using SgdStepFn = void (*)(float* param, const float* grad, float* buf, int64_t n, const SgdHyper& h);
using AdamStepFn = void (*)(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h);

}  // namespace kindling
