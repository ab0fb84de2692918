// Each binding file adds its functions to the addon's exports; addon.cpp calls them all.
#pragma once
#include <napi.h>

namespace kindling {
namespace binding {
void register_gemm(Napi::Env env, Napi::Object exports);
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_reduce(Napi::Env env, Napi::Object exports);
void register_conv(Napi::Env env, Napi::Object exports);
void register_optim(Napi::Env env, Napi::Object exports);
void register_plan(Napi::Env env, Napi::Object exports);
}  // namespace binding
}  // namespace kindling
