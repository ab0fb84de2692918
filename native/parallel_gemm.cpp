#include "parallel_gemm.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>

#include "alloc.h"
#include "dispatch.h"
#include "threadpool.h"

namespace kindling {
namespace {

// When to split, from the pool's costs measured on this 2-vCPU VM (native/tests/threadpool_bench.cpp):
// a spinning worker joins a job within ~0.5 µs, a sleeping one after 10-50 µs, and a job woken
// for 40 µs of work took 52 µs (alone: 41). So a product splits from ~4 µs of work (at ~50
// multiply-adds per ns on one core) when a worker is still spinning from the last job, and wakes a
// sleeping worker only from ~160 µs (or ~20 µs in a run of products, below); otherwise the caller
// does all of it without a syscall.
constexpr int64_t kSplitMinMacs = 192 * 1024;
constexpr int64_t kWakeMinMacs = 8 * 1024 * 1024;
// In a run of products (each starting within a worker's spin of the last one's end: a loop, a
// forward pass, a training step), one wake serves the run, as the worker then spins between
// them: from ~20 µs of work the first product of a run wakes it.
constexpr int64_t kRunWakeMinMacs = 1024 * 1024;
constexpr auto kRunGap = kWorkerSpin;
// Products of up to 4 rows (GEMV, row kernels) stream B once and are bound by memory: a split
// only adds a second stream of B (1×784×512: 36 GFLOP/s on 1 thread, 14 on 2), so only large
// ones split, and only over whole 8-vector column runs of the GEMV kernel.
constexpr int64_t kRowsMaxM = 4;
// Column chunks start on whole tiles of every ISA: on NR (16 AVX2, 32 AVX-512, 12 NEON), where
// pre-packed B panels start. Row chunks start where the ISA says (gemm_split_rows).
constexpr int64_t kColAlign = 96;
// A shared packed B larger than this is freed after the call instead of kept for the next one.
constexpr int64_t kKeepPackedFloats = 1 << 20;
// A shared packed A larger than this is not made: the blocks pack their own.
constexpr int64_t kMaxSharedAFloats = 1 << 22;

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};

// Scratch for packed panels, one per OS thread (pool workers and every JS thread that calls in),
// grown on demand and kept, so steady-state calls touch no fresh pages.
float* workspace(int64_t floats) {
  thread_local std::unique_ptr<float, AlignedFree> buf;
  thread_local int64_t size = 0;
  if (size < floats) {
    buf.reset();
    size = 0;
    buf.reset(aligned_floats(floats));
    size = floats;
  }
  return buf.get();
}

// op(B) packed once for a row split, read by every thread of the job. Owned by the calling
// thread (several JS threads may call in at once) and kept between calls up to 4 MiB.
thread_local std::unique_ptr<float, AlignedFree> packed_b;
thread_local int64_t packed_b_size = 0;

float* packed_b_buffer(int64_t floats) {
  if (packed_b_size < floats) {
    packed_b.reset();
    packed_b_size = 0;
    packed_b.reset(aligned_floats(floats));
    packed_b_size = floats;
  }
  return packed_b.get();
}

void release_packed_b_buffer() {
  if (packed_b_size > kKeepPackedFloats) {
    packed_b.reset();
    packed_b_size = 0;
  }
}

// op(A) packed once for a column split, read by every thread of the job; kept as packed_b is.
thread_local std::unique_ptr<float, AlignedFree> packed_a;
thread_local int64_t packed_a_size = 0;

float* packed_a_buffer(int64_t floats) {
  if (packed_a_size < floats) {
    packed_a.reset();
    packed_a_size = 0;
    packed_a.reset(aligned_floats(floats));
    packed_a_size = floats;
  }
  return packed_a.get();
}

void release_packed_a_buffer() {
  if (packed_a_size > kKeepPackedFloats) {
    packed_a.reset();
    packed_a_size = 0;
  }
}

// C = op(A)·op(B) with N = 1 (a Linear with one output: a regression head) is computed as its
// transpose Cᵀ = op(B)ᵀ·op(A)ᵀ, a one-row GEMM that streams A once with full-width vectors; the
// tiled paths would use 1 of every 16 lanes. Bias and epilogue follow over the M results.
bool gemm_single_column(const GemmArgs& a) {
  if (a.N != 1 || a.M <= 1 || a.ldc != 1 || a.K <= 0) return false;
  GemmArgs t = a;
  t.M = 1;
  t.N = a.M;
  t.transA = !a.transB;
  t.A = a.B;
  t.lda = a.ldb;
  t.transB = !a.transA;
  t.B = a.A;
  t.ldb = a.lda;
  t.ldc = a.M;
  t.bias = nullptr;
  t.epilogue = U_NONE;
  t.Bp = nullptr;
  gemm(t);
  if (a.bias) {
    const float b = a.bias[0];
    for (int64_t i = 0; i < a.M; ++i) a.C[i] += b;
  }
  if (a.epilogue != U_NONE) kernels().unary(a.epilogue, a.C, a.C, a.M, 0.0f);
  return true;
}

}  // namespace

void gemm(const GemmArgs& a) {
  if (a.M <= 0 || a.N <= 0) return;
  if (gemm_single_column(a)) return;
  const KernelTable& k = kernels();
  const int64_t ws = k.gemm_workspace_floats();
  const int threads = threads_for_caller();
  const int64_t macs = a.M * a.N * std::max<int64_t>(a.K, 1);
  const bool rows = a.M <= kRowsMaxM;
  if (threads == 1 || macs < (rows ? kWakeMinMacs : kSplitMinMacs)) {
    k.gemm_block(a, 0, a.M, 0, a.N, workspace(ws));
    return;
  }
  // Split the longer side. A row split of a product that packs op(B) shares one packed copy of it,
  // packed here once (with per-thread packing each thread packed all of B; the other paths read B
  // in place), and its tasks cost nothing extra, so there
  // are four per thread: tasks are claimed dynamically, and when a worker starts late (asleep, or
  // its vCPU busy) the caller takes its share instead of waiting, losing at most one small task
  // to a worker descheduled mid-task. A column split packs only its own columns of B but all of
  // the (shorter) A per task, so it keeps two per thread.
  const bool byRows = a.M >= a.N;
  const int64_t len = byRows ? a.M : a.N;
  // rows by 12 on AVX-512, not 24: 256 rows made 11 tasks, one thread running 6 of them
  const int64_t align = byRows ? k.gemm_split_rows() : rows ? 4 * kColAlign : kColAlign;
  const int64_t per = byRows ? 4 * threads : 2 * threads;
  const int64_t chunk = std::max<int64_t>(align, (len + per - 1) / per / align * align);
  const int64_t n = (len + chunk - 1) / chunk;
  if (n <= 1) {
    k.gemm_block(a, 0, a.M, 0, a.N, workspace(ws));
    return;
  }
  // the end of this OS thread's last split-sized product
  thread_local std::chrono::steady_clock::time_point last_end{};
  const bool run = std::chrono::steady_clock::now() - last_end < kRunGap;
  const bool wake = macs >= kWakeMinMacs || (run && macs >= kRunWakeMinMacs);
  GemmArgs g = a;
  if (byRows && !g.Bp && k.gemm_packs_b(a)) {
    float* bp = packed_b_buffer(k.gemm_packed_b_floats(a.K, a.N));
    // packed by parts on every thread: packed by the caller alone, it kept the worker idle (6 µs
    // for 256³, 38 µs for 512³: 3% of the product on 2 threads)
    const int64_t pchunk = std::max<int64_t>(kColAlign, (a.N + 2 * threads - 1) / (2 * threads) / kColAlign * kColAlign);
    parallel_for((a.N + pchunk - 1) / pchunk, [&](int64_t t, int) {
      k.gemm_pack_b_cols(a, bp, t * pchunk, std::min(a.N, (t + 1) * pchunk));
    }, wake);
    g.Bp = bp;
    g.BpShared = true;
  }
  // A column split's blocks each packed all of op(A): share one copy, packed by parts (256x512x512
  // on 2 threads packed A six times, about a quarter of each block's work). Up to 16 MiB.
  const int64_t af = byRows ? 0 : k.gemm_shared_a_floats(a);
  if (af > 0 && af <= kMaxSharedAFloats) {
    float* ap = packed_a_buffer(af);
    parallel_for(threads, [&](int64_t t, int) { k.gemm_pack_a_shared(a, ap, t, threads); }, wake);
    g.Ap = ap;
  }
  parallel_for(n, [&](int64_t t, int) {
    const int64_t lo = t * chunk, hi = std::min(len, lo + chunk);
    float* w = workspace(ws);
    if (byRows) k.gemm_block(g, lo, hi, 0, g.N, w);
    else k.gemm_block(g, 0, g.M, lo, hi, w);
  }, wake);
  release_packed_b_buffer();
  release_packed_a_buffer();
  last_end = std::chrono::steady_clock::now();
}

}  // namespace kindling
