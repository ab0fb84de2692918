#include "parallel_gemm.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

#include "dispatch.h"
#include "threadpool.h"

namespace kindling {
namespace {

// Below this many multiply-adds a second thread costs more (wake-up, split packing) than it saves.
constexpr int64_t kParallelMinMacs = 256 * 1024;

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};

// Scratch for packed panels, one per OS thread (pool workers and every JS thread that calls in),
// grown on demand and kept, so steady-state calls touch no fresh pages.
float* workspace(int64_t floats) {
  thread_local std::unique_ptr<float, AlignedFree> buf;
  thread_local int64_t size = 0;
  if (size < floats) {
    const size_t bytes = ((static_cast<size_t>(floats) * sizeof(float) + 63) / 64) * 64;
    buf.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    size = buf ? floats : 0;
    if (!buf) throw std::bad_alloc();
  }
  return buf.get();
}

}  // namespace

void gemm(const GemmArgs& a) {
  if (a.M <= 0 || a.N <= 0) return;
  const KernelTable& k = kernels();
  const int64_t ws = k.gemm_workspace_floats();
  const int threads = num_threads();
  const int64_t macs = a.M * a.N * std::max<int64_t>(a.K, 1);
  if (threads == 1 || macs < kParallelMinMacs) {
    k.gemm_block(a, 0, a.M, 0, a.N, workspace(ws));
    return;
  }
  // Split the longer side into chunks aligned to 32 (a multiple of every ISA's tile), one per
  // thread: every chunk packs the whole of the other operand (B for a row split), so two chunks
  // per thread packed it twice as often and cost 5-15% at 256³-1024³ on 2 threads (thread CPU
  // time); the price is less rebalancing when one core is descheduled.
  const bool byRows = a.M >= a.N;
  const int64_t len = byRows ? a.M : a.N;
  const int64_t parts = std::min<int64_t>(threads, std::max<int64_t>(1, len / 32));
  const int64_t chunk = ((len + parts - 1) / parts + 31) / 32 * 32;
  const int64_t n = (len + chunk - 1) / chunk;
  parallel_for(n, [&](int64_t t, int) {
    const int64_t lo = t * chunk, hi = std::min(len, lo + chunk);
    float* w = workspace(ws);
    if (byRows) k.gemm_block(a, lo, hi, 0, a.N, w);
    else k.gemm_block(a, 0, a.M, lo, hi, w);
  });
}

}  // namespace kindling
