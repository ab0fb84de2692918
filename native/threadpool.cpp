#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace kindling {
namespace {

// Idle workers spin this long for the next job before sleeping: long enough to catch the next
// op of a forward pass, short enough never to burn a core while the process is idle.
constexpr auto kSpin = std::chrono::microseconds(50);

class Pool {
 public:
  explicit Pool(int n) : threads_(n < 1 ? 1 : n) { grow(threads_); }

  int size() const { return threads_.load(); }

  void resize(int n) {
    std::lock_guard<std::mutex> run(run_);  // not while a job is in flight
    if (n < 1) n = 1;
    grow(n);
    threads_.store(n);
  }

  void run(int64_t ntasks, const std::function<void(int64_t, int)>& fn) {
    std::lock_guard<std::mutex> run(run_);  // one job at a time (JS threads may share the pool)
    const int nthreads = threads_.load();
    if (ntasks <= 1 || nthreads == 1) {
      for (int64_t t = 0; t < ntasks; t++) fn(t, 0);
      return;
    }
    const int helpers = static_cast<int>(std::min<int64_t>(nthreads, ntasks)) - 1;
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &fn;
      ntasks_ = ntasks;
      next_.store(0);
      active_ = helpers;
      pending_.store(helpers);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    work(0);
    // wait for the helpers to finish their share
    while (pending_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
  }

 private:
  void grow(int n) {
    while (static_cast<int>(workers_.size()) < n - 1) {
      const int id = static_cast<int>(workers_.size()) + 1;
      // a new worker starts from the current generation, so it cannot miss the next job
      const uint64_t gen = generation_.load();
      workers_.emplace_back([this, id, gen] { loop(id, gen); });
      workers_.back().detach();  // the pool lives until the process ends
    }
  }

  void work(int thread) {
    const auto& fn = *job_;
    for (int64_t t; (t = next_.fetch_add(1)) < ntasks_;) fn(t, thread);
  }

  void loop(int id, uint64_t seen) {
    for (;;) {
      // bounded spin, then sleep on the condition variable
      const auto until = std::chrono::steady_clock::now() + kSpin;
      while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
      }
      if (generation_.load(std::memory_order_acquire) == seen) {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_.load() != seen; });
      }
      seen = generation_.load(std::memory_order_acquire);
      bool mine;
      {
        std::lock_guard<std::mutex> lk(mu_);
        mine = id <= active_;
      }
      if (!mine) continue;
      work(id);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::atomic<int> threads_;
  std::vector<std::thread> workers_;
  std::mutex run_, mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int64_t> next_{0};
  std::atomic<int> pending_{0};
  int64_t ntasks_ = 0;
  int active_ = 0;
  const std::function<void(int64_t, int)>* job_ = nullptr;
};

Pool& pool() {
  // Never destroyed: detached workers may still be asleep in it when the process exits.
  static Pool* p = new Pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return *p;
}

}  // namespace

void parallel_for(int64_t ntasks, const std::function<void(int64_t, int)>& fn) { pool().run(ntasks, fn); }
int num_threads() { return pool().size(); }
void set_num_threads(int n) { pool().resize(n); }

}  // namespace kindling
