// One persistent thread pool per process, shared by every worker_thread that loads the addon.
// The calling thread works as thread 0; idle workers spin briefly (time-bounded) then sleep.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>

namespace kindling {

// How long an idle worker spins (yielding) for the next job before it sleeps. A training step's
// products come 50-300 µs apart (the small ops and JS between them): with 50 µs the worker was
// asleep at most of them, woke 10-50 µs late and ran a third of the split GEMM work (MLP784
// batch 64, 2 threads, `perf record`); 300 µs made the step 4-8% faster. Still short enough never
// to burn a core while the process is idle.
constexpr auto kWorkerSpin = std::chrono::microseconds(300);

// Runs fn(task, thread) for task in [0, ntasks) on up to num_threads() threads; returns when all
// are done. `thread` is in [0, num_threads()), stable for the call (index per-thread scratch with it).
// wake = false: a job too short to pay for waking a sleeping worker (tens of µs here) is offered
// only to workers still spinning; with every worker asleep the caller runs all of it, no syscall.
void parallel_for(int64_t ntasks, const std::function<void(int64_t task, int thread)>& fn, bool wake = true);

int num_threads();
// Threads a product started on this OS thread splits over: num_threads() less those this thread
// leaves to others (reserve_threads), at least 1.
int threads_for_caller();
// Called on a thread that computes for JS callers off their thread (the serving runner): its
// products leave `n` of the pool's threads alone, so the JS thread keeps a core to answer on.
void reserve_threads(int n);
// Sets the number of threads used (>= 1), starting or stopping workers. Returns the number now in
// use: fewer than n when the system refuses to start more threads.
int set_num_threads(int n);

}  // namespace kindling
