// Argument readers and checks shared by every binding file. Each throws TypeError/RangeError
// naming the argument, so nothing a JS caller passes can crash the process.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "entry.h"

namespace kindling {
namespace binding {

// `env` is unused: the error is created at the boundary (entry.h), where the environment is checked
#define THROW_TYPE(env, msg) ((void)(env), throw JsError(JsError::TypeError, msg))
#define THROW_RANGE(env, msg) ((void)(env), throw JsError(JsError::RangeError, msg))

struct F32 {
  float* data;
  int64_t length;
  const void* buffer;  // the ArrayBuffer, for aliasing checks
  size_t byteOffset;
  bool given;  // false for an omitted nullable argument (a detached array is given, with length 0)
};

// One napi_get_typedarray_info call per array: node-addon-api's wrappers (IsTypedArray, As<>,
// ArrayBuffer(), Data(), ByteOffset()) made about six N-API calls per array, ~0.4 us each time.
// The ArrayBuffer's identity for aliasing checks is its data pointer minus the view's offset.
inline bool typedArray(napi_env env, napi_value v, napi_typedarray_type want, void*& data, size_t& length, size_t& offset) {
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, &offset) != napi_ok || type != want) return false;
  if (!data || !length) {  // a detached or empty buffer: every extent check below then fails cleanly
    data = nullptr;
    length = 0;
  }
  return true;
}

inline bool isNullish(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() <= i || info[i].IsNull() || info[i].IsUndefined();
}

inline F32 f32(const Napi::CallbackInfo& info, size_t i, const char* name, bool nullable = false) {
  // null checked first: napi_get_typedarray_info's failure path costs ~0.3 us
  if (nullable && isNullish(info, i)) return {nullptr, 0, nullptr, 0, false};
  void* data = nullptr;
  size_t length = 0, offset = 0;
  if (info.Length() <= i || !typedArray(info.Env(), info[i], napi_float32_array, data, length, offset)) {
    THROW_TYPE(info.Env(), std::string("argument '") + name + "' must be a Float32Array");
  }
  return {static_cast<float*>(data), static_cast<int64_t>(length), data ? static_cast<char*>(data) - offset : nullptr, offset, true};
}

inline double number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber()) THROW_TYPE(info.Env(), std::string("argument '") + name + "' must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

inline int64_t integer(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t lo, int64_t hi) {
  const double v = number(info, i, name);
  if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || std::floor(v) != v) {
    THROW_RANGE(info.Env(), std::string("argument '") + name + "' must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(v);
}

inline bool overlaps(const F32& a, int64_t aLen, const F32& b, int64_t bLen) {
  if (!a.buffer || !b.buffer || a.buffer != b.buffer) return false;
  const size_t a0 = a.byteOffset, a1 = a0 + aLen * 4, b0 = b.byteOffset, b1 = b0 + bLen * 4;
  return a0 < b1 && b0 < a1;
}

// Extents are computed in double: exact far beyond any array length, and immune to int64 overflow.
inline void needLength(Napi::Env env, const F32& a, double need, const char* name) {
  if (need > static_cast<double>(a.length)) {
    THROW_RANGE(env, std::string("argument '") + name + "' has " + std::to_string(a.length) + " elements but the shape needs " + std::to_string(static_cast<long long>(need)));
  }
}

constexpr int64_t kMaxDim = int64_t(1) << 40;

// A Float64Array argument (dims or hyper-parameters packed in one array, as one N-API crossing).
struct F64 {
  double* data;
  int64_t length;
  const void* buffer;  // the ArrayBuffer, for aliasing checks
  size_t byteOffset;
};

inline F64 f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  void* data = nullptr;
  size_t length = 0, offset = 0;
  if (info.Length() <= i || !typedArray(info.Env(), info[i], napi_float64_array, data, length, offset)) {
    THROW_TYPE(info.Env(), std::string("argument '") + name + "' must be a Float64Array");
  }
  return {static_cast<double*>(data), static_cast<int64_t>(length), data ? static_cast<char*>(data) - offset : nullptr, offset};
}

// Whether a float array and a double array share bytes.
inline bool overlaps(const F32& a, const F64& b) {
  if (!a.buffer || !b.buffer || a.buffer != b.buffer) return false;
  const size_t a0 = a.byteOffset, a1 = a0 + a.length * 4, b0 = b.byteOffset, b1 = b0 + b.length * 8;
  return a0 < b1 && b0 < a1;
}

// Entry i of a Float64Array argument as an integer in [lo, hi]; `what` names it in the message.
inline int64_t integerAt(Napi::Env env, const F64& a, int64_t i, const char* what, int64_t lo, int64_t hi) {
  const double v = a.data[i];
  if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || std::floor(v) != v) {
    THROW_RANGE(env, std::string(what) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(v);
}

}  // namespace binding
}  // namespace kindling
