// The serving runner: one thread ("kindling-serve"), started on first use and shared by every
// worker_thread, that runs queued jobs in FIFO order off the JS threads. A job's GEMMs use the
// thread pool with the runner as the calling thread. Never destroyed (as the pool): a job may
// still be running when the process exits.
#pragma once

namespace kindling {

// Queues fn(arg) (fn owns arg and must not throw). Throws std::system_error or std::bad_alloc
// when the runner cannot be started or the job not queued; fn is then never called.
void serve_enqueue(void (*fn)(void*), void* arg);

}  // namespace kindling
