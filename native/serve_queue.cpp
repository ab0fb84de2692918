#include "serve_queue.h"

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
    cv_.notify_one();
  }

 private:
  void loop() {
    for (;;) {
      std::pair<void (*)(void*), void*> job;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [this] { return !jobs_.empty(); });
        job = jobs_.front();
        jobs_.pop_front();
      }
      job.first(job.second);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<void (*)(void*), void*>> jobs_;
  bool started_ = false;
};

}  // namespace

void serve_enqueue(void (*fn)(void*), void* arg) {
  // Never destroyed: the runner may be inside a job, or asleep in it, when the process exits.
  static Runner* runner = new Runner;
  runner->enqueue(fn, arg);
}

}  // namespace kindling
