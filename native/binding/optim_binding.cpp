// Fused optimizer updates through N-API: one call per parameter and step, on the calling thread.
// Splitting a large parameter over the pool did not pay: MLP784's training step with Adam on 2
// threads, optimizer.step() 0.58-0.81 ms split (2^16+ elements a thread, two chunks each) against
// 0.52-0.59 ms unsplit (wall-clock medians of 200 steps, a shared 2-vCPU Zen 4 VM); plain SGD lost
// too. One core already moves the update's bytes faster than kindling's own clone.
#include "../dispatch.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// Every array has param's length and none shares memory with another (all are read and written
// element by element, so an alias would change what later elements read).
void checkArrays(Napi::Env env, const F32* arrays[], const char* names[], int count) {
  for (int i = 1; i < count; i++) {
    if (arrays[i]->length != arrays[0]->length) THROW_RANGE(env, std::string("argument '") + names[i] + "' must have param's length");
  }
  for (int i = 0; i < count; i++) {
    for (int j = i + 1; j < count; j++) {
      if (overlaps(*arrays[i], arrays[i]->length, *arrays[j], arrays[j]->length)) {
        THROW_RANGE(env, std::string("arguments '") + names[i] + "' and '" + names[j] + "' must not share memory");
      }
    }
  }
}

F64 hyper(const Napi::CallbackInfo& info, size_t i, int64_t n) {
  const F64 h = f64(info, i, "hyper");
  if (h.length != n) THROW_RANGE(info.Env(), "argument 'hyper' must have " + std::to_string(n) + " entries");
  return h;
}

// sgdStep(param, grad, buf | null, hyper): hyper = [lr, momentum, dampening, weight_decay,
// nesterov, maximize, init]
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 param = f32(info, 0, "param"), grad = f32(info, 1, "grad"), buf = f32(info, 2, "buf", true);
  const F64 h = hyper(info, 3, 7);
  const F32* arrays[] = {&param, &grad, &buf};
  const char* names[] = {"param", "grad", "buf"};
  const bool hasBuf = buf.given;  // a detached array is given, and fails the length check
  checkArrays(env, arrays, names, hasBuf ? 3 : 2);
  kindling::SgdHyper s{};
  s.lr = h.data[0];
  s.momentum = h.data[1];
  s.dampening = h.data[2];
  s.weight_decay = h.data[3];
  s.nesterov = integerAt(env, h, 4, "hyper.nesterov", 0, 1);
  s.maximize = integerAt(env, h, 5, "hyper.maximize", 0, 1);
  s.init = integerAt(env, h, 6, "hyper.init", 0, 1);
  if (param.length) kindling::kernels().sgd_step(param.data, grad.data, hasBuf ? buf.data : nullptr, param.length, s);
  return env.Undefined();
}

// adamStep(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq | null, hyper): hyper = [lr, beta1,
// beta2, eps, weight_decay, step_size, bias_correction2_sqrt, maximize, decoupled]
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 param = f32(info, 0, "param"), grad = f32(info, 1, "grad"), m = f32(info, 2, "exp_avg"), v = f32(info, 3, "exp_avg_sq");
  F32 vmax = f32(info, 4, "max_exp_avg_sq", true);
  const F64 h = hyper(info, 5, 9);
  const F32* arrays[] = {&param, &grad, &m, &v, &vmax};
  const char* names[] = {"param", "grad", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  const bool hasMax = vmax.given;
  checkArrays(env, arrays, names, hasMax ? 5 : 4);
  kindling::AdamHyper a{};
  a.lr = h.data[0];
  a.beta1 = h.data[1];
  a.beta2 = h.data[2];
  a.eps = h.data[3];
  a.weight_decay = h.data[4];
  a.step_size = h.data[5];
  a.bc2_sqrt = h.data[6];
  a.maximize = integerAt(env, h, 7, "hyper.maximize", 0, 1);
  a.decoupled = integerAt(env, h, 8, "hyper.decoupled", 0, 1);
  if (param.length) kindling::kernels().adam_step(param.data, grad.data, m.data, v.data, hasMax ? vmax.data : nullptr, param.length, a);
  return env.Undefined();
}

}  // namespace

void register_optim(Napi::Env env, Napi::Object exports) {
  exportFunction<SgdStep>(env, exports, "sgdStep");
  exportFunction<AdamStep>(env, exports, "adamStep");
}

}  // namespace binding
}  // namespace kindling
