// The boundary of every native entry point: no C++ exception ever leaves a call into the addon.
// node-addon-api's own wrapper only catches Napi::Error, and rethrows when the environment is
// being torn down (worker.terminate(), process exit), where a JS exception cannot be thrown: the
// escaping exception then aborted the process. Here each exception becomes a pending JS error
// when one can be thrown, and is dropped when not (nobody is left to see it).
#pragma once
#include <napi.h>

#include <exception>
#include <new>
#include <string>
#include <system_error>

#include "../alloc.h"

namespace kindling {
namespace binding {

// What the argument checks throw: a plain C++ exception, turned into a JS error at the boundary
// (creating a Napi::Error needs a live environment, which a terminating worker no longer has).
struct JsError : std::exception {
  enum Kind { Error, TypeError, RangeError } kind;
  std::string message;
  JsError(Kind k, std::string m) : kind(k), message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

// Throws a JS error of this kind, unless one is pending already or the environment is going away
// (every N-API status is ignored on purpose: there is nothing else to report it to).
inline void throwJs(napi_env env, JsError::Kind kind, const char* message) noexcept {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return;
  if (kind == JsError::TypeError) napi_throw_type_error(env, nullptr, message);
  else if (kind == JsError::RangeError) napi_throw_range_error(env, nullptr, message);
  else napi_throw_error(env, nullptr, message);
}

// An exception as the JS error it becomes (a Napi::Error excepted: it is one already). Also used
// where the error is raised later, on another thread (a plan run off the JS thread).
inline JsError errorOf(std::exception_ptr thrown) noexcept {
  try {
    try {
      std::rethrow_exception(thrown);
    } catch (const JsError& e) {
      return e;
    } catch (const AllocError& e) {  // PyTorch's wording (c10's DefaultCPUAllocator)
      return JsError(JsError::Error, "DefaultCPUAllocator: can't allocate memory: you tried to allocate " + std::to_string(e.bytes) +
                                         " bytes. Error code 12 (Cannot allocate memory)");
    } catch (const std::bad_alloc&) {
      return JsError(JsError::Error, "DefaultCPUAllocator: can't allocate memory (std::bad_alloc)");
    } catch (const std::exception& e) {
      return JsError(JsError::Error, e.what());
    } catch (...) {
      return JsError(JsError::Error, "kindling: unknown native exception");
    }
  } catch (...) {  // no memory left for the message itself
    return JsError(JsError::Error, std::string());
  }
}

// Called inside a catch block: converts the exception in flight.
inline void throwCurrent(napi_env env) noexcept {
  try {
    throw;
  } catch (const Napi::Error& e) {  // an N-API call failed: rethrow its JS error if it still exists
    try {
      napi_value v = e.Value();
      bool pending = false;
      if (v && napi_is_exception_pending(env, &pending) == napi_ok && !pending) napi_throw(env, v);
    } catch (...) {
    }
  } catch (...) {
    const JsError e = errorOf(std::current_exception());
    throwJs(env, e.kind, e.message.empty() ? "DefaultCPUAllocator: can't allocate memory" : e.message.c_str());
  }
}

// The N-API callback for F: F's result, or nullptr with a pending JS error.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
napi_value entry(napi_env env, napi_callback_info cb) noexcept {
  try {
    Napi::CallbackInfo info(env, cb);
    return F(info);
  } catch (...) {
    throwCurrent(env);
    return nullptr;
  }
}

// exports[name] = F behind the boundary.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, entry<F>, nullptr, &fn) != napi_ok) throw JsError(JsError::Error, "kindling: could not create a function");
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace binding
}  // namespace kindling
