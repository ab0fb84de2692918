// Stress test of the thread pool (native/threadpool.cpp): every task of every job runs exactly
// once, whatever the task count, thread count and scheduling; an exception in a task reaches the
// caller and leaves the pool usable; shrinking the thread count keeps extra workers out.
// Build and run: native/tests/build_threadpool_test.sh (also under ThreadSanitizer).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../threadpool.h"

using namespace kindling;

static int failures = 0;
#define CHECK(cond, ...)                  \
  do {                                    \
    if (!(cond)) {                        \
      std::printf("FAIL: " __VA_ARGS__);  \
      std::printf("\n");                  \
      failures++;                         \
    }                                     \
  } while (0)

static void exactly_once(int jobs, int64_t max_tasks, bool sleep_between, bool wake = true) {
  for (int j = 0; j < jobs; j++) {
    const int64_t n = 1 + j % max_tasks;
    std::vector<std::atomic<int>> hits(n);
    for (auto& h : hits) h.store(0);
    std::atomic<int> bad_thread{0};
    parallel_for(n, [&](int64_t t, int thread) {
      if (thread < 0 || thread >= num_threads()) bad_thread.store(1);
      hits[t].fetch_add(1);
      if (t % 3 == 0) std::this_thread::yield();
    }, wake);
    for (int64_t t = 0; t < n; t++) CHECK(hits[t].load() == 1, "job %d task %lld ran %d times", j, (long long)t, hits[t].load());
    CHECK(!bad_thread.load(), "job %d: thread index out of range", j);
    // let the workers fall asleep now and then, so wake-ups are exercised too
    if (sleep_between && j % 50 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

int main() {
  set_num_threads(4);
  exactly_once(20000, 9, false);
  exactly_once(2000, 5, true);

  // a throwing task: the caller gets the exception once every task has finished
  for (int rep = 0; rep < 200; rep++) {
    std::atomic<int> ran{0};
    bool caught = false;
    try {
      parallel_for(4, [&](int64_t t, int) {
        ran.fetch_add(1);
        if (t == rep % 4) throw std::runtime_error("task failed");
      });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    CHECK(caught, "rep %d: the exception did not reach the caller", rep);
    CHECK(ran.load() == 4, "rep %d: %d of 4 tasks ran", rep, ran.load());
  }
  exactly_once(1000, 4, false);  // still usable
  // jobs that do not wake sleeping workers: the caller runs what no spinning worker claims
  exactly_once(5000, 9, true, false);
  exactly_once(5000, 9, false, false);

  // shrink: only threads [0, n) may run tasks
  set_num_threads(2);
  std::atomic<int> outside{0};
  for (int j = 0; j < 2000; j++)
    parallel_for(8, [&](int64_t, int thread) {
      if (thread >= 2) outside.fetch_add(1);
    });
  CHECK(outside.load() == 0, "%d tasks ran on a thread beyond set_num_threads(2)", outside.load());
  set_num_threads(1);
  exactly_once(500, 6, false);
  set_num_threads(3);
  exactly_once(5000, 7, true);

  // grow and shrink repeatedly: dropped workers exit and are joined, later ones start afresh
  for (int rep = 0; rep < 40; rep++) {
    const int n = 1 + (rep * 7) % 17;
    const int got = set_num_threads(n);
    CHECK(got == n && num_threads() == n, "set_num_threads(%d) gave %d (num_threads %d)", n, got, num_threads());
    exactly_once(40, 2 * n, rep % 2 == 1);
  }
  set_num_threads(3);

  // several callers at once (JS worker_threads share the pool): jobs serialise, none is lost
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; c++) callers.emplace_back([c] { exactly_once(3000, 6, false, c != 1); });
  for (auto& c : callers) c.join();

  if (failures) {
    std::printf("threadpool_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("threadpool_test: all checks passed\n");
  return 0;
}
