// The plan object JS holds (planCreate's result): a type-tagged wrapped object owning the plan's
// code and weights. Shared by the synchronous entry points (plan_binding.cpp) and planRunAsync
// (plan_async.cpp).
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "../plan.h"
#include "args.h"

namespace kindling {
namespace binding {

struct Plan {
  napi_env env;
  std::shared_ptr<const PlanCode> code;
  // Held by shared_ptr so that a run in flight keeps the version it started with: planSetWeight
  // repacks in place only when the plan holds the last reference.
  std::vector<std::shared_ptr<PlanWeight>> weights;
  std::vector<const PlanWeight*> raw;  // weights[i].get(), for the executor
  int64_t reported;                    // bytes given to napi_adjust_external_memory
};

// The Plan wrapped by argument i; TypeError naming `fn` when it is not a planCreate result.
Plan& unwrapPlan(const Napi::CallbackInfo& info, size_t i, const char* fn);

// The batch argument (i) of a run, checked against every slot's size; Error naming the first
// weight a LINEAR uses that planSetWeight has not set.
int64_t readBatch(const Napi::CallbackInfo& info, size_t i, const Plan& p, const char* fn);

// The external arrays of a run: argument i must be an Array with one entry per external slot,
// each a Float32Array of exactly batch × perRow floats, except that with `async` the output
// slots must be null (their memory is the job's). Outputs must not share memory with any other
// external array. `out` receives one entry per external slot (given = false for a null output).
void readExternals(const Napi::CallbackInfo& info, size_t i, const Plan& p, int64_t batch, bool async, const char* fn, F32* out);

}  // namespace binding
}  // namespace kindling
