#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>
#if defined(__linux__)
#include <pthread.h>
#endif

namespace kindling {
namespace {


// A job's tasks are claimed, by the caller and the workers alike, from one 64-bit ticket:
// generation (24 bits) | task count (20 bits) | next task (20 bits). Claiming is a CAS on the
// ticket, so a worker that wakes late (descheduled, or still asleep) either claims a task of the
// job that is current at that moment or finds none; the caller waits only for tasks that were
// actually claimed. On a shared machine a sleeping worker therefore never stalls the caller:
// it runs the unclaimed tasks itself.
constexpr int kTaskBits = 20;
constexpr uint64_t kTaskMask = (uint64_t(1) << kTaskBits) - 1;
constexpr int64_t kMaxTasks = int64_t(kTaskMask);
inline uint64_t ticket_gen(uint64_t t) { return t >> (2 * kTaskBits); }
inline uint64_t ticket_count(uint64_t t) { return (t >> kTaskBits) & kTaskMask; }
inline uint64_t ticket_next(uint64_t t) { return t & kTaskMask; }

class Pool {
 public:
  explicit Pool(int n) : threads_(1) { resize(n); }

  int size() const { return threads_.load(); }

  // Starts or stops workers so that n threads (the caller included) take part. When the system
  // refuses a thread (a process or address-space limit), keeps half of those it started; returns
  // the count.
  int resize(int n) {
    std::lock_guard<std::mutex> run(run_);  // not while a job is in flight
    if (n < 1) n = 1;
    // stop the extra workers: every job would otherwise wake them, and their spinning competes
    // with the threads that work (GEMM on 2 threads after 64 -> 2 took 4-5x as long)
    if (n - 1 < static_cast<int>(workers_.size())) stop_workers(n - 1);
    const size_t had = workers_.size();
    threads_.store(n);  // before starting them: a worker whose id is not below it exits
    while (static_cast<int>(workers_.size()) < n - 1) {
      const int id = static_cast<int>(workers_.size()) + 1;
      try {
        workers_.emplace_back([this, id] { loop(id); });
#if defined(__linux__)
        // named before this returns, so tools (and the tests) tell the pool's threads from Node's own
        pthread_setname_np(workers_.back().native_handle(), "kindling-pool");
#endif
      } catch (const std::exception&) {  // std::system_error (EAGAIN) or std::bad_alloc
        // At the limit: keep half of the new workers, so that the memory their stacks would hold
        // is left for the work (each thread's GEMM workspace, the job's buffers).
        stop_workers(had + (workers_.size() - had) / 2);
        break;
      }
    }
    threads_.store(static_cast<int>(workers_.size()) + 1);
    return threads_.load();
  }

  void run(int64_t ntasks, const std::function<void(int64_t, int)>& fn, bool wake) {
    if (ntasks <= 0) return;
    if (ntasks > kMaxTasks) throw std::length_error("parallel_for: too many tasks");
    std::lock_guard<std::mutex> run(run_);  // one job at a time (JS threads may share the pool)
    // A worker that falls asleep after this check only misses the job (it is not notified).
    const bool all_asleep = sleepers_.load(std::memory_order_relaxed) >= static_cast<int>(workers_.size());
    if (ntasks == 1 || threads_.load() == 1 || (!wake && all_asleep)) {
      for (int64_t t = 0; t < ntasks; t++) fn(t, 0);
      return;
    }
    // Publish: the job's data first, then the ticket (release) that makes it claimable. No task
    // of the previous job is still running (its done_ reached its count before run() returned).
    job_ = &fn;
    error_ = nullptr;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t gen = (ticket_gen(ticket_.load(std::memory_order_relaxed)) + 1) & 0xffffff;
    // seq_cst store, then seq_cst load of sleepers_: with the sleeper's seq_cst increment and
    // re-check, either it sees this ticket or this sees it asleep (no lost wake-up).
    ticket_.store((gen << (2 * kTaskBits)) | (uint64_t(ntasks) << kTaskBits), std::memory_order_seq_cst);
    if (wake && sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lk(mu_);  // pairs with the sleeper's check under mu_
      cv_.notify_all();
    }
    drain(0);
    // wait only for tasks that other threads claimed and are still running
    while (done_.load(std::memory_order_acquire) != ntasks) std::this_thread::yield();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Stops and joins the workers beyond the first `keep` (with run_ held: no job is in flight).
  void stop_workers(size_t keep) {
    threads_.store(static_cast<int>(keep) + 1);
    {
      std::lock_guard<std::mutex> lk(mu_);  // pairs with the sleeper's check under mu_
      cv_.notify_all();
    }
    for (size_t i = keep; i < workers_.size(); i++) workers_[i].join();
    workers_.resize(keep);
  }

  // Claims and runs tasks of the current job until none is left.
  void drain(int thread) {
    uint64_t t = ticket_.load(std::memory_order_acquire);
    while (ticket_next(t) < ticket_count(t)) {
      if (!ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      // The claim succeeded while this job was current, so job_ is its function (written before
      // the ticket was published) and stays valid until this task is counted done.
      try {
        (*job_)(static_cast<int64_t>(ticket_next(t)), thread);
      } catch (...) {  // counted done all the same; the caller rethrows the first one
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_) error_ = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_release);
      t = ticket_.load(std::memory_order_acquire);
    }
  }

  bool has_work() const {
    const uint64_t t = ticket_.load(std::memory_order_seq_cst);
    return ticket_next(t) < ticket_count(t);
  }

  void loop(int id) {
    // woken for a job, or to exit when set_num_threads() drops this worker
    auto ready = [&] { return id >= threads_.load(std::memory_order_relaxed) || has_work(); };
    for (;;) {
      // bounded spin, then sleep on the condition variable. The spin yields: with more runnable
      // threads than vCPUs (a shared VM) a worker waiting for work must not take the core of the
      // thread that would post it.
      const auto until = std::chrono::steady_clock::now() + kWorkerSpin;
      while (!ready() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      if (!ready()) {
        std::unique_lock<std::mutex> lk(mu_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        cv_.wait(lk, ready);
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
      }
      if (id >= threads_.load(std::memory_order_relaxed)) return;
      drain(id);
    }
  }

  std::atomic<int> threads_;
  std::vector<std::thread> workers_;  // joined when dropped; the pool itself is never destroyed
  std::mutex run_, mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<int> sleepers_{0};
  const std::function<void(int64_t, int)>* job_ = nullptr;
  std::exception_ptr error_;  // first exception a task threw (guarded by mu_ while tasks run)
};

Pool& pool() {
  // Never destroyed: its workers may still be asleep in it when the process exits.
  static Pool* p = new Pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return *p;
}

}  // namespace

void parallel_for(int64_t ntasks, const std::function<void(int64_t, int)>& fn, bool wake) { pool().run(ntasks, fn, wake); }
int num_threads() { return pool().size(); }

namespace {
thread_local int reserved = 0;
}
int threads_for_caller() { return std::max(1, pool().size() - reserved); }
void reserve_threads(int n) { reserved = std::max(0, n); }
int set_num_threads(int n) { return pool().resize(n); }

}  // namespace kindling
