#include "plan.h"

#include <cstdlib>
#include <cstring>

#include "alloc.h"
#include "dispatch.h"
#include "kernels/portable/portable_kernels.h"
#include "parallel_gemm.h"

namespace kindling {

void AlignedFree::operator()(float* p) const { std::free(p); }

namespace {

// The GEMM of a LINEAR, exactly as the binding's gemm() is called for a Linear with pre-packed
// weights (transB, ldb = K), so both give the same bits.
GemmArgs linear_args(const PlanWeight& w, int64_t M) {
  GemmArgs g{};
  g.transA = false;
  g.transB = true;
  g.M = M;
  g.N = w.N;
  g.K = w.K;
  g.alpha = 1.0f;
  g.beta = 0.0f;
  g.lda = w.K;
  g.B = w.W.get();
  g.ldb = w.K;
  g.ldc = w.N;
  g.bias = w.bias.get();
  g.epilogue = U_NONE;
  g.Bp = w.packed.get();
  return g;
}

// Arena slots of the calling thread: one region per slot index, shared by every plan this thread
// runs (one run at a time per thread), grown on demand and kept.
struct Arena {
  std::vector<AlignedFloats> region;
  std::vector<int64_t> size;

  float* at(size_t slot, int64_t floats) {
    if (region.size() <= slot) {
      region.resize(slot + 1);
      size.resize(slot + 1, 0);
    }
    if (size[slot] < floats) {
      region[slot].reset();
      size[slot] = 0;
      region[slot].reset(aligned_floats(floats));
      size[slot] = floats;
    }
    return region[slot].get();
  }
};

}  // namespace

int64_t plan_weight_bytes(int64_t K, int64_t N, bool bias) {
  auto rounded = [](int64_t floats) { return (floats * 4 + 63) / 64 * 64; };
  return rounded(N * K) + rounded(kernels().gemm_packed_b_floats(K, N)) + (bias ? rounded(N) : 0);
}

std::unique_ptr<PlanWeight> plan_weight_new(int64_t K, int64_t N, const float* W, const float* bias) {
  std::unique_ptr<PlanWeight> w(new PlanWeight{K, N, nullptr, nullptr, nullptr, plan_weight_bytes(K, N, bias != nullptr)});
  w->W.reset(aligned_floats(N * K));
  w->packed.reset(aligned_floats(kernels().gemm_packed_b_floats(K, N)));
  if (bias) w->bias.reset(aligned_floats(N));
  plan_weight_fill(*w, W, bias);
  return w;
}

void plan_weight_fill(PlanWeight& w, const float* W, const float* bias) {
  std::memcpy(w.W.get(), W, static_cast<size_t>(w.N * w.K) * sizeof(float));
  if (bias) std::memcpy(w.bias.get(), bias, static_cast<size_t>(w.N) * sizeof(float));
  kernels().gemm_pack_b(linear_args(w, 0), w.packed.get());
}

void run_plan(const PlanCode& c, const PlanWeight* const* weights, float* const* ext, int64_t batch) {
  if (batch == 0) return;
  thread_local Arena arena;
  const size_t slots = c.perRow.size();
  float* at[64];
  std::vector<float*> many;
  float** slot = slots <= 64 ? at : (many.resize(slots), many.data());
  for (size_t s = 0; s < slots; s++) {
    slot[s] = static_cast<int64_t>(s) < c.externals ? ext[s] : arena.at(s, c.perRow[s] * batch);
  }
  const KernelTable& k = kernels();
  for (const PlanInstr& ins : c.code) {
    const int64_t* v = ins.v;
    switch (v[0]) {
      case P_LINEAR: {  // [1, in, out, w, rowsPer, K, N, epilogue]
        GemmArgs g = linear_args(*weights[v[3]], batch * v[4]);
        g.A = slot[v[1]];
        g.C = slot[v[2]];
        g.epilogue = static_cast<UnaryOp>(v[7]);
        gemm(g);
        break;
      }
      case P_UNARY:  // [2, in, out, op, param, n]
        k.unary(static_cast<UnaryOp>(v[3]), slot[v[1]], slot[v[2]], batch * v[5], ins.param);
        break;
      case P_SOFTMAX:  // [3, in, out, log, rowsPer, cols]
        k.softmax(slot[v[1]], slot[v[2]], batch * v[4], v[5], v[3] != 0);
        break;
      case P_BINARY: {  // [4, a, b, out, binop, n]
        const int64_t shape[1] = {batch * v[5]}, stride[1] = {1};
        kernels().binary_broadcast(static_cast<ArithOp>(v[4]), 1, shape, slot[v[1]], stride, slot[v[2]], stride, slot[v[3]]);
        break;
      }
      case P_COPY:  // [5, in, out, n]
        if (slot[v[1]] != slot[v[2]]) std::memmove(slot[v[2]], slot[v[1]], static_cast<size_t>(batch * v[3]) * sizeof(float));
        break;
    }
  }
}

}  // namespace kindling
