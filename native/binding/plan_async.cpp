// planRunAsync: a plan run on the serving runner (native/serve_queue.h), settled on the JS thread
// through one thread-safe function per environment.
//
// The hard part is teardown. When a worker is terminated (or its environment otherwise torn
// down), Node finalizes and deletes the thread-safe function while the runner may be about to
// call it. So the runner calls it only under the channel's mutex with `alive` set, and the
// function's finalizer (run on the JS thread before Node deletes it) clears `alive` under the
// same mutex. A job owns everything it touches: copies of the inputs, its outputs, and shared
// references to the plan's code and weights, so the plan object may be collected, or repacked,
// while the job runs.
#include <cstring>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../alloc.h"
#include "../serve_queue.h"
#include "plan_object.h"

namespace kindling {
namespace binding {
namespace {

struct Channel {
  std::mutex mu;
  bool alive = false;  // the thread-safe function exists and may be called (guarded by mu)
  napi_threadsafe_function tsfn = nullptr;
  int64_t inflight = 0;  // jobs of this environment not yet settled (JS thread only)
};

struct Job {
  std::shared_ptr<Channel> channel;
  std::shared_ptr<const PlanCode> code;
  std::vector<std::shared_ptr<PlanWeight>> weights;
  std::vector<AlignedFloats> slots;  // per external slot: the input's copy, or the output
  int64_t batch;
  napi_deferred deferred;
  std::exception_ptr error;
};

void finalizeChannelRef(napi_env, void* data, void*) {
  auto* ref = static_cast<std::shared_ptr<Channel>*>(data);
  {
    std::lock_guard<std::mutex> lk((*ref)->mu);
    (*ref)->alive = false;
    (*ref)->tsfn = nullptr;
  }
  delete ref;
}

void deleteChannelRef(napi_env, void* data, void*) { delete static_cast<std::shared_ptr<Channel>*>(data); }

void freeFloats(napi_env, void* data, void*) { std::free(data); }

// Input copies are recycled, up to 64 MiB: freshly allocated, every copy of a batch-256 MLP784
// input (800 KB) faulted its pages in again, and planRunAsync took ~600 us of the JS thread.
class InputCache {
 public:
  float* take(int64_t floats) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (size_t i = 0; i < free_.size(); i++) {
        if (free_[i].second != floats) continue;
        float* p = free_[i].first;
        held_ -= bytes(floats);
        free_[i] = free_.back();
        free_.pop_back();
        return p;
      }
    }
    return aligned_floats(floats);
  }
  void give(float* p, int64_t floats) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (held_ + bytes(floats) <= kMaxHeld && free_.size() < 256) {
        free_.emplace_back(p, floats);
        held_ += bytes(floats);
        return;
      }
    }
    std::free(p);
  }

 private:
  static constexpr int64_t kMaxHeld = int64_t(64) << 20;
  static int64_t bytes(int64_t floats) { return floats * int64_t(sizeof(float)); }
  std::mutex mu_;
  std::vector<std::pair<float*, int64_t>> free_;
  int64_t held_ = 0;
};

// Never destroyed: jobs may still return buffers while the process exits.
InputCache& inputCache() {
  static InputCache* c = new InputCache;
  return *c;
}

napi_value errorValue(napi_env env, const JsError& e) {
  napi_value msg, err = nullptr;
  const char* text = e.message.empty() ? "DefaultCPUAllocator: can't allocate memory" : e.message.c_str();
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg) != napi_ok) return nullptr;
  napi_status s = e.kind == JsError::TypeError ? napi_create_type_error(env, nullptr, msg, &err)
                  : e.kind == JsError::RangeError ? napi_create_range_error(env, nullptr, msg, &err)
                                                  : napi_create_error(env, nullptr, msg, &err);
  return s == napi_ok ? err : nullptr;
}

void check(napi_status s) {
  if (s != napi_ok) throw JsError(JsError::Error, "planRunAsync: could not create the result");
}

// The outputs in slot order, as Float32Arrays over the job's own memory where N-API allows it.
napi_value outputs(napi_env env, Job& job) {
  const PlanCode& c = *job.code;
  napi_value list;
  check(napi_create_array(env, &list));
  uint32_t k = 0;
  for (int64_t s = 0; s < c.externals; s++) {
    if (!c.written[s]) continue;
    const int64_t n = job.batch * c.perRow[s];
    const size_t bytes = static_cast<size_t>(n) * sizeof(float);
    napi_value ab, ta;
    float* data = job.slots[s].get();
    if (data && napi_create_external_arraybuffer(env, data, bytes, freeFloats, nullptr, &ab) == napi_ok) {
      job.slots[s].release();  // V8 owns it now
    } else {  // none (batch 0), or external buffers are not allowed (a sandboxed V8): copy
      void* copy = nullptr;
      check(napi_create_arraybuffer(env, bytes, &copy, &ab));
      if (bytes) std::memcpy(copy, data, bytes);
    }
    check(napi_create_typedarray(env, napi_float32_array, static_cast<size_t>(n), ab, 0, &ta));
    check(napi_set_element(env, list, k++, ta));
  }
  return list;
}

// The thread-safe function's callback, on the JS thread; env is null when Node empties the queue
// at teardown, and the job is only freed.
void settle(napi_env env, napi_value, void*, void* data) {
  std::unique_ptr<Job> job(static_cast<Job*>(data));
  if (!env) return;
  Channel& ch = *job->channel;
  if (--ch.inflight == 0 && ch.tsfn) napi_unref_threadsafe_function(env, ch.tsfn);
  napi_value value = nullptr;
  bool resolved = false;
  if (!job->error) {
    try {
      value = outputs(env, *job);
      resolved = true;
    } catch (...) {
      job->error = std::current_exception();
    }
  }
  if (!resolved) {
    bool pending = false;
    // an N-API call that failed may have left V8's own error (say, an allocation refused)
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &value);
    else value = errorValue(env, errorOf(job->error));
  }
  if (!value) return;  // nothing can be created any more (the environment is going away)
  if (resolved) napi_resolve_deferred(env, job->deferred, value);
  else napi_reject_deferred(env, job->deferred, value);
}

// Hands a finished job to its environment's JS thread, or frees it when that is gone.
void deliver(std::unique_ptr<Job> job) {
  const std::shared_ptr<Channel> ch = job->channel;
  std::lock_guard<std::mutex> lk(ch->mu);
  if (!ch->alive) return;
  const napi_status s = napi_call_threadsafe_function(ch->tsfn, job.get(), napi_tsfn_nonblocking);
  if (s == napi_ok) job.release();                // settle() owns it now
  else if (s == napi_closing) ch->alive = false;  // never to be called again (N-API's rule)
}

// On the runner thread.
void runJob(void* arg) {
  std::unique_ptr<Job> job(static_cast<Job*>(arg));
  try {
    const PlanCode& c = *job->code;
    std::vector<float*> ext(static_cast<size_t>(c.externals));
    std::vector<const PlanWeight*> weights(job->weights.size());
    for (size_t w = 0; w < weights.size(); w++) weights[w] = job->weights[w].get();
    for (int64_t s = 0; s < c.externals; s++) {
      const int64_t n = job->batch * c.perRow[s];
      if (c.written[s] && n) job->slots[s].reset(aligned_floats(n));
      ext[s] = job->slots[s].get();
    }
    run_plan(c, weights.data(), ext.data(), job->batch);
  } catch (...) {
    job->error = std::current_exception();
  }
  // done with them: the inputs' memory, and the weights (planSetWeight may then repack in place)
  job->weights.clear();
  for (int64_t s = 0; s < job->code->externals; s++) {
    if (!job->code->written[s] && job->slots[s]) inputCache().give(job->slots[s].release(), job->batch * job->code->perRow[s]);
  }
  deliver(std::move(job));
}

// The environment's channel, its thread-safe function created on first use (unreferenced: only
// jobs in flight keep the event loop alive).
std::shared_ptr<Channel> channelFor(napi_env env) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) != napi_ok) throw JsError(JsError::Error, "planRunAsync: no instance data");
  auto* ref = static_cast<std::shared_ptr<Channel>*>(data);
  if (!ref) {
    std::unique_ptr<std::shared_ptr<Channel>> fresh(new std::shared_ptr<Channel>(std::make_shared<Channel>()));
    if (napi_set_instance_data(env, fresh.get(), deleteChannelRef, nullptr) != napi_ok) throw JsError(JsError::Error, "planRunAsync: could not set instance data");
    ref = fresh.release();
  }
  std::shared_ptr<Channel> ch = *ref;
  if (ch->tsfn) return ch;
  napi_value name;
  if (napi_create_string_utf8(env, "kindling.planRunAsync", NAPI_AUTO_LENGTH, &name) != napi_ok) throw JsError(JsError::Error, "planRunAsync: could not create the completion channel");
  std::unique_ptr<std::shared_ptr<Channel>> tsfnRef(new std::shared_ptr<Channel>(ch));
  napi_threadsafe_function tsfn;
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, tsfnRef.get(), finalizeChannelRef, nullptr, settle, &tsfn) != napi_ok) {
    throw JsError(JsError::Error, "planRunAsync: could not create the completion channel");
  }
  tsfnRef.release();  // its finalizer owns it now
  napi_unref_threadsafe_function(env, tsfn);
  std::lock_guard<std::mutex> lk(ch->mu);
  ch->tsfn = tsfn;
  ch->alive = true;
  return ch;
}

// planRunAsync(plan, inputs, batch) -> Promise<Float32Array[]>
Napi::Value PlanRunAsync(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  Plan& p = unwrapPlan(info, 0, "planRunAsync");
  const int64_t batch = readBatch(info, 2, p, "planRunAsync");
  const PlanCode& c = *p.code;
  // Creating the channel may run JS (async_hooks' init), so it comes before any array is looked
  // at, and the inputs are copied right after: nothing runs JS in between.
  std::shared_ptr<Channel> channel = channelFor(env);
  std::vector<F32> inputs(static_cast<size_t>(c.externals));
  readExternals(info, 1, p, batch, true, "planRunAsync", inputs.data());
  std::unique_ptr<Job> job(new Job{std::move(channel), p.code, p.weights, std::vector<AlignedFloats>(static_cast<size_t>(c.externals)), batch, nullptr, nullptr});
  // the copies make the run immune to whatever the caller does to its buffers from now on
  for (int64_t s = 0; s < c.externals; s++) {
    if (!c.read[s] || c.written[s] || !inputs[s].length) continue;
    job->slots[s].reset(inputCache().take(inputs[s].length));
    std::memcpy(job->slots[s].get(), inputs[s].data, static_cast<size_t>(inputs[s].length) * sizeof(float));
  }
  napi_value promise;  // after the copies: promise hooks run JS
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok) throw JsError(JsError::Error, "planRunAsync: could not create a promise");
  Channel& ch = *job->channel;
  if (ch.inflight++ == 0) napi_ref_threadsafe_function(env, ch.tsfn);
  try {
    serve_enqueue(runJob, job.get());
    job.release();  // runJob owns it now
  } catch (...) {  // the runner could not start: the promise rejects, as a failed run would
    if (--ch.inflight == 0) napi_unref_threadsafe_function(env, ch.tsfn);
    const napi_value err = errorValue(env, errorOf(std::current_exception()));
    if (err) napi_reject_deferred(env, job->deferred, err);
  }
  return Napi::Value(env, promise);
}

}  // namespace

void register_plan_async(Napi::Env env, Napi::Object exports) { exportFunction<PlanRunAsync>(env, exports, "planRunAsync"); }

}  // namespace binding
}  // namespace kindling
