// Declares, for one ISA namespace, the functions every ISA's translation units define.
// Included once per ISA (isa_all.h, and each ISA file for itself) with KINDLING_ISA_NS set; never compiled under ISA flags.
#include "kernels.h"

namespace kindling {
namespace KINDLING_ISA_NS {
void gemm_block(const GemmArgs& a, int64_t row0, int64_t row1, int64_t col0, int64_t col1, float* workspace);
int64_t gemm_workspace_floats();
// Packs op(B) of `a` (B, ldb, transB, K, N) for GemmArgs::Bp, into gemm_packed_b_floats(K, N) floats
// at a 64-byte aligned dst (the microkernels load packed panels with aligned loads).
void gemm_pack_b(const GemmArgs& a, float* dst);
// The columns [col0, col1) of that (col0 a multiple of 96, which every ISA's NR divides), in place.
void gemm_pack_b_cols(const GemmArgs& a, float* dst, int64_t col0, int64_t col1);
int64_t gemm_packed_b_floats(int64_t K, int64_t N);
// Whether gemm_block over the whole product (Bp null) packs op(B): a split may then pack it once
// for all its blocks (GemmArgs::BpShared).
bool gemm_packs_b(const GemmArgs& a);
// Rows a threaded split's blocks start on: whole register tiles and whole 4-row groups of the row
// kernels, so every block computes each row as the whole product does (12 on AVX-512 and AVX2).
int64_t gemm_split_rows();
// Floats of op(A) packed whole for GemmArgs::Ap, or 0 when gemm_block over the whole product (Bp
// null) would not use it (it packs A only for products that take the packed path with one block
// of rows: M at most the ISA's MC).
int64_t gemm_shared_a_floats(const GemmArgs& a);
// Packs K blocks part, part + parts, ... of that into dst (64-byte aligned), so a split packs it by parts.
void gemm_pack_a_shared(const GemmArgs& a, float* dst, int64_t part, int64_t parts);
void unary(UnaryOp op, const float* x, float* out, int64_t n, float param);
void unary_grad(UnaryOp op, const float* x, const float* g, float* out, int64_t n, float param);
void softmax(const float* x, float* out, int64_t rows, int64_t cols, bool log);
void softmax_grad(const float* y, const float* g, float* out, int64_t rows, int64_t cols, bool log);
// out = a op b over `shape` (nd dims, 1 <= nd <= kMaxBinaryDims), out contiguous; a and b are
// read through their strides (in elements, >= 0; 0 broadcasts). The innermost dim runs one of
// four loops: vector-vector, vector-scalar, scalar-vector or general strides. out may alias an
// operand that is read contiguously from the same start, never a broadcast one.
// maximum/minimum propagate NaN and treat ±0 as Math.max/Math.min do.
void binary_broadcast(ArithOp op, int nd, const int64_t* shape, const float* a, const int64_t* a_strides, const float* b, const int64_t* b_strides,
                      float* out);
// out = min(max(x, lo), hi) elementwise (NaN passes through; lo > hi gives hi); out may be x.
void clamp(const float* x, float* out, int64_t n, float lo, float hi);
void sgd_step(float* param, const float* grad, float* buf, int64_t n, const SgdHyper& h);
void adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h);
}  // namespace KINDLING_ISA_NS
}  // namespace kindling
