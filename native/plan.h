// A compiled forward (a "plan"): instructions over slots, each slot batch × perRow floats, run in
// one native call. Free of N-API: the binding (binding/plan_binding.cpp) validates everything
// before it builds a PlanCode, so the executor trusts its input.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/kernels.h"

namespace kindling {

enum PlanOp : int32_t { P_LINEAR = 1, P_UNARY = 2, P_SOFTMAX = 3, P_BINARY = 4, P_COPY = 5 };

// One instruction: v[0] is the PlanOp, the rest its integer operands as the binding's spec lists
// them; a UNARY's parameter is in `param` (v[4] unused).
struct PlanInstr {
  int64_t v[8];
  float param;
};

// What a plan computes; immutable once built, shared by the plan and every run in flight.
struct PlanCode {
  std::vector<PlanInstr> code;
  std::vector<int64_t> perRow;  // floats per batch row of each slot
  int64_t externals;            // slots [0, externals) are the caller's arrays, the rest the arena
  std::vector<bool> written;    // per external slot: an output
  std::vector<bool> read;       // per external slot: read by some instruction
  std::vector<int64_t> weightK, weightN;  // per weight index; 0 when no LINEAR uses it
};

struct AlignedFree {
  void operator()(float* p) const;
};
using AlignedFloats = std::unique_ptr<float, AlignedFree>;

// A Linear's weight: W [N, K] as given (blocks that cannot use the packed panels read it), its
// panels packed for the ISA's tile, and the bias (or none). Never changed while a run may read
// it: the binding repacks in place only when it holds the last reference.
struct PlanWeight {
  int64_t K, N;
  AlignedFloats W, packed, bias;
  int64_t bytes;  // what the three hold, for napi_adjust_external_memory
};

// Bytes a weight of this shape holds (W, panels, bias).
int64_t plan_weight_bytes(int64_t K, int64_t N, bool bias);
// Allocates (throws AllocError) and fills a weight from W [N, K] and bias [N] (nullable).
std::unique_ptr<PlanWeight> plan_weight_new(int64_t K, int64_t N, const float* W, const float* bias);
// Refills `w` in place (same K, N and bias presence).
void plan_weight_fill(PlanWeight& w, const float* W, const float* bias);

// Runs `c` over `batch` rows: ext[s] is external slot s (batch × perRow[s] floats), weights[i]
// weight i (non-null for every weight a LINEAR uses). Arena slots live in memory owned by the
// calling OS thread, grown to the largest batch seen and kept (two threads never share one).
// Throws AllocError when the arena cannot grow.
void run_plan(const PlanCode& c, const PlanWeight* const* weights, float* const* ext, int64_t batch);

}  // namespace kindling
