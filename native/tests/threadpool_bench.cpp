// What a split costs on this machine: a job of 8 tasks of 5 µs (40 µs on one thread) posted on 2
// threads after an idle gap, with and without waking a sleeping worker. Prints the caller's wall
// time (median), how often the worker took part and how long after posting it started (median,
// p90). parallel_gemm.cpp's split thresholds come from these figures.
// Build: native/tests/build_threadpool_test.sh; run: build/threadpool_test/threadpool_bench
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "../threadpool.h"

using namespace kindling;

static double now_us() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static void spin_for(double us) {
  const double t = now_us();
  while (now_us() - t < us) {
  }
}

int main() {
  set_num_threads(2);
  constexpr int kReps = 300;
  for (const bool wake : {true, false}) {
    // gap 0: the worker is still spinning from the last job; 20: mid-spin; 200, 2000: asleep
    for (const int gap : {0, 20, 200, 2000}) {
      std::vector<double> call, start;
      for (int r = 0; r < kReps; r++) {
        if (gap >= 200) std::this_thread::sleep_for(std::chrono::microseconds(gap));
        else spin_for(gap);
        std::atomic<bool> joined{false};
        std::atomic<double> first{0};
        const double t0 = now_us();
        parallel_for(8, [&](int64_t, int thread) {
          if (thread != 0 && !joined.exchange(true)) first.store(now_us() - t0);
          spin_for(5);
        }, wake);
        call.push_back(now_us() - t0);
        if (joined.load()) start.push_back(first.load());
      }
      std::sort(call.begin(), call.end());
      std::sort(start.begin(), start.end());
      std::printf("wake %d, gap %4d us: call %5.1f us (40 us of work), worker joined %3d/%d, started after %5.1f us (p90 %5.1f)\n",
                  wake, gap, call[kReps / 2], static_cast<int>(start.size()), kReps,
                  start.empty() ? 0.0 : start[start.size() / 2], start.empty() ? 0.0 : start[start.size() * 9 / 10]);
    }
  }
  return 0;
}
