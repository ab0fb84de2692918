// The kernel table: one set of function pointers, chosen once from the CPU (cpuid + xgetbv)
// and KINDLING_ISA, which may force a lower level (never one the CPU lacks).
#pragma once
#include "kernels/kernels.h"

namespace kindling {

struct KernelTable {
  const char* isa;  // "avx512", "avx2" or "scalar" on x86-64; "neon" or "scalar" on arm64
  void (*gemm_block)(const GemmArgs&, int64_t, int64_t, int64_t, int64_t, float*);
  int64_t (*gemm_workspace_floats)();
  void (*gemm_pack_b)(const GemmArgs&, float*);
  void (*gemm_pack_b_cols)(const GemmArgs&, float*, int64_t, int64_t);
  int64_t (*gemm_packed_b_floats)(int64_t, int64_t);
  bool (*gemm_packs_b)(const GemmArgs&);
  int64_t (*gemm_split_rows)();
  int64_t (*gemm_shared_a_floats)(const GemmArgs&);
  void (*gemm_pack_a_shared)(const GemmArgs&, float*, int64_t, int64_t);
  void (*unary)(UnaryOp, const float*, float*, int64_t, float);
  void (*unary_grad)(UnaryOp, const float*, const float*, float*, int64_t, float);
  void (*softmax)(const float*, float*, int64_t, int64_t, bool);
  void (*softmax_grad)(const float*, const float*, float*, int64_t, int64_t, bool);
  void (*binary_broadcast)(ArithOp, int, const int64_t*, const float*, const int64_t*, const float*, const int64_t*, float*);
  void (*clamp)(const float*, float*, int64_t, float, float);
  SgdStepFn sgd_step;
  AdamStepFn adam_step;
};

// Reductions are memory-bound: one portable loop serves every ISA (kernels/portable/
// portable_kernels.h). Binary arithmetic and clamp are per ISA (wider vectors move more per
// instruction), and so are the optimizer updates: their square roots and divisions need the wide
// vectors to keep up with memory.

// The table in use. Selection happens on the first call; `error` (if not null) receives a
// message when KINDLING_ISA asks for something unknown or unsupported (the best ISA is used then).
const KernelTable& kernels();
const char* isa_selection_error();
// ISAs this CPU and OS support, best first, e.g. "avx512,avx2,scalar" (arm64: "neon,scalar").
const char* isa_available();

}  // namespace kindling
