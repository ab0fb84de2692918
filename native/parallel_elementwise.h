// Elementwise work split over the thread pool, as PyTorch splits its elementwise kernels. Only
// from `min_per_thread` elements per thread up: below that, handing a piece to a worker costs
// more than the piece. Chunk boundaries fall on multiples of `align` elements (whole vectors and
// whole lockstep blocks for the activations, whole rows for softmax), so every element takes the
// same code path, and gets the same bits, as in one unsplit call on any number of threads.
#pragma once
#include <algorithm>
#include <cstdint>

#include "threadpool.h"

namespace kindling {

// Elements per thread before a split pays when a worker is still spinning (it joins in ~0.5 µs):
// memory-bound loops need far more than transcendental ones (~1-3 G elements/s per thread).
constexpr int64_t kSplitMinCheap = int64_t(1) << 17;
constexpr int64_t kSplitMinCostly = int64_t(1) << 15;
// Elements before a split also wakes a sleeping worker (10-50 µs here, native/threadpool.h): about
// 200 µs of work on one thread.
constexpr int64_t kWakeMinCheap = int64_t(1) << 21;
constexpr int64_t kWakeMinCostly = int64_t(1) << 19;
// Floats per chunk boundary for the activations: a multiple of every ISA's lockstep block (K·W).
constexpr int64_t kSplitAlign = 256;

// body(lo, hi) over [0, n) in chunks, on up to threads_for_caller() threads; sleeping workers are
// woken only from wake_from elements.
template <class Body>
void parallel_range(int64_t n, int64_t min_per_thread, int64_t wake_from, int64_t align, const Body& body) {
  const int threads = threads_for_caller();
  if (threads == 1 || n < 2 * min_per_thread) {
    body(0, n);
    return;
  }
  // Two chunks per thread, claimed dynamically: a worker that starts late (asleep, or its vCPU
  // busy) takes fewer, and the caller does not wait for one that has claimed none.
  const int64_t pieces = std::min<int64_t>(2 * threads, n / min_per_thread);
  const int64_t chunk = ((n + pieces - 1) / pieces + align - 1) / align * align;
  const int64_t tasks = (n + chunk - 1) / chunk;
  if (tasks <= 1) {
    body(0, n);
    return;
  }
  parallel_for(
      tasks,
      [&](int64_t t, int) {
        const int64_t lo = t * chunk;
        body(lo, std::min(n, lo + chunk));
      },
      n >= wake_from);
}

}  // namespace kindling
