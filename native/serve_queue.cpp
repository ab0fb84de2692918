#include "serve_queue.h"

#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#if defined(__linux__)
#include <pthread.h>
#endif

namespace kindling {
namespace {

// After a job the runner polls this long for the next one before sleeping: a server's requests
// often come back to back, and a futex wake-up costs several microseconds of each one's latency.
// It yields while it polls: on a loaded machine a pure spin took the core the JS thread needed to
// send the next job (10-50-1 plan, batch 1, awaited in turn: 37 us per call spinning, 20-28
// yielding, 22-23 sleeping at once, with 4-5 runnable threads on 2 vCPUs).
constexpr auto kSpin = std::chrono::microseconds(50);

class Runner {
 public:
  void enqueue(void (*fn)(void*), void* arg) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!started_) {  // retried on the next call if the system refuses the thread now
      std::thread t([this] { loop(); });
#if defined(__linux__)
      pthread_setname_np(t.native_handle(), "kindling-serve");
#endif
      t.detach();
      started_ = true;
    }
    jobs_.emplace_back(fn, arg);
    queued_.fetch_add(1, std::memory_order_release);
    cv_.notify_one();
  }

 private:
  void loop() {
    // Two vCPUs busy with the runner and a pool worker left the JS thread waiting for a core: with
    // 64 MLP784 batch-256 runs in flight its event loop's p99 delay rose from 1.3 to 4.6-5.4 ms.
    reserve_threads(1);
    for (;;) {
      std::pair<void (*)(void*), void*> job;
      const auto until = std::chrono::steady_clock::now() + kSpin;
      while (queued_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [this] { return !jobs_.empty(); });
        queued_.fetch_sub(1, std::memory_order_relaxed);
        job = jobs_.front();
        jobs_.pop_front();
      }
      job.first(job.second);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<void (*)(void*), void*>> jobs_;
  std::atomic<size_t> queued_{0};  // jobs_.size(), read without the lock while spinning
  bool started_ = false;
};

}  // namespace

void serve_enqueue(void (*fn)(void*), void* arg) {
  // Never destroyed: the runner may be inside a job, or asleep in it, when the process exits.
  static Runner* runner = new Runner;
  runner->enqueue(fn, arg);
}

}  // namespace kindling
