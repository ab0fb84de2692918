// The N-API addon: flat functions over Float32Arrays, one binding file per kernel family
// (gemm_binding.cpp, elementwise_binding.cpp, ...). Every argument is checked there (the second
// line of defence after the TypeScript layer) with the readers in args.h.
#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "../dispatch.h"
#include "../threadpool.h"
#include "args.h"
#include "entry.h"
#include "register.h"

namespace {

using kindling::binding::exportFunction;
using kindling::binding::integer;

// Bumped whenever the binding's surface changes; the TypeScript loader refuses a stale binary.
constexpr int32_t kAbiVersion = 9;

// Returns the threads now in use: fewer than asked when the system refuses to start more.
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), kindling::set_num_threads(static_cast<int>(integer(info, 0, "n", 1, 1024))));
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), kindling::num_threads()); }

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("abi", kAbiVersion);
  o.Set("isa", kindling::kernels().isa);
  o.Set("available", kindling::isa_available());
  const char* err = kindling::isa_selection_error();
  o.Set("isaError", err ? Napi::Value(Napi::String::New(env, err)) : env.Null());
  return o;
}

// Every op result is a fresh ArrayBuffer, and Node allocates their memory with calloc. glibc serves
// blocks of 128 KiB and more with mmap, or trims them back to the OS when freed, so every such
// tensor costs a page fault per 4 KiB on first touch: relu over 1e5 floats took 3-4x longer than
// with the heap kept. Raising both thresholds keeps up to 128 MiB of freed memory for reuse
// (process-wide, once; KINDLING_MALLOC_TUNING=0 leaves glibc's defaults alone).
void tune_malloc() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    const char* e = std::getenv("KINDLING_MALLOC_TUNING");
    if (e && !std::strcmp(e, "0")) return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
  });
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tune_malloc();
  exports.Set("abiVersion", Napi::Number::New(env, kAbiVersion));
  exportFunction<Info>(env, exports, "info");
  kindling::binding::register_gemm(env, exports);
  kindling::binding::register_elementwise(env, exports);
  kindling::binding::register_reduce(env, exports);
  kindling::binding::register_conv(env, exports);
  kindling::binding::register_optim(env, exports);
  kindling::binding::register_plan(env, exports);
  exportFunction<SetNumThreads>(env, exports, "setNumThreads");
  exportFunction<GetNumThreads>(env, exports, "getNumThreads");
  return exports;
}

}  // namespace

// Context-aware: loads in the main thread and in worker_threads. Loading runs behind the same
// boundary as every call (a worker may be terminated while it loads the addon).
NAPI_MODULE_INIT() {
  try {
    return Init(Napi::Env(env), Napi::Object(env, exports));
  } catch (...) {
    kindling::binding::throwCurrent(env);
    return nullptr;
  }
}
