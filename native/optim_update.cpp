// Fused optimizer updates: one pass over a parameter and its state per step, where the op-based
// update made a temporary per op. Memory-bound, so portable loops serve every ISA; the options are
// template parameters so each combination gets a branch-free loop the compiler can vectorise.
// Values are computed in double and rounded when stored, in the same order as the JS reference.
#include <cmath>
#include <limits>

#include "portable_kernels.h"

namespace kindling {
namespace {

enum SgdMode { PLAIN, MOMENTUM_INIT, MOMENTUM, NESTEROV_INIT, NESTEROV };

template <bool Maximize, bool Decay, SgdMode Mode>
void sgd_loop(float* param, const float* grad, float* buf, int64_t n, const SgdHyper& h) {
  const double lr = h.lr, wd = h.weight_decay, m = h.momentum, keep = 1 - h.dampening;
  for (int64_t i = 0; i < n; i++) {
    const double p = param[i];
    double d = grad[i];
    if (Maximize) d = -d;
    if (Decay) d = d + wd * p;
    if (Mode != PLAIN) {
      // the buffer as stored (rounded) drives the update, as PyTorch's d_p = buf
      const float b = (Mode == MOMENTUM_INIT || Mode == NESTEROV_INIT) ? static_cast<float>(d) : static_cast<float>(m * buf[i] + keep * d);
      buf[i] = b;
      d = (Mode == NESTEROV_INIT || Mode == NESTEROV) ? d + m * b : b;
    }
    param[i] = static_cast<float>(p - lr * d);
  }
}

template <bool Maximize, bool Decay>
void sgd_mode(float* param, const float* grad, float* buf, int64_t n, const SgdHyper& h) {
  if (!buf) return sgd_loop<Maximize, Decay, PLAIN>(param, grad, buf, n, h);
  if (h.nesterov) {
    if (h.init) return sgd_loop<Maximize, Decay, NESTEROV_INIT>(param, grad, buf, n, h);
    return sgd_loop<Maximize, Decay, NESTEROV>(param, grad, buf, n, h);
  }
  if (h.init) return sgd_loop<Maximize, Decay, MOMENTUM_INIT>(param, grad, buf, n, h);
  return sgd_loop<Maximize, Decay, MOMENTUM>(param, grad, buf, n, h);
}

// torch.maximum: NaN if either is NaN (the state is never −0, so the sign of zero does not matter).
inline float maximum(float x, float y) {
  return x != x || y != y ? std::numeric_limits<float>::quiet_NaN() : x > y ? x : y;
}

// Decay: 0 none, 1 L2 (grad += wd·param, Adam), 2 decoupled (param *= 1 − lr·wd, AdamW).
template <bool Maximize, int Decay, bool Amsgrad>
void adam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h) {
  const double b1 = h.beta1, b2 = h.beta2, c1 = 1 - h.beta1, c2 = 1 - h.beta2, wd = h.weight_decay, eps = h.eps;
  const double decay = 1 - h.lr * h.weight_decay, neg_step = -h.step_size, bc2 = h.bc2_sqrt;
  for (int64_t i = 0; i < n; i++) {
    double p = param[i];
    double g = grad[i];
    if (Maximize) g = -g;
    if (Decay == 1) g = g + wd * p;
    if (Decay == 2) p = p * decay;
    const float m = static_cast<float>(b1 * exp_avg[i] + c1 * g);
    exp_avg[i] = m;
    const float v = static_cast<float>(b2 * exp_avg_sq[i] + c2 * g * g);
    exp_avg_sq[i] = v;
    float vhat = v;
    if (Amsgrad) {
      vhat = maximum(max_exp_avg_sq[i], v);
      max_exp_avg_sq[i] = vhat;
    }
    const double denom = std::sqrt(static_cast<double>(vhat)) / bc2 + eps;
    param[i] = static_cast<float>(p + neg_step * m / denom);
  }
}

template <bool Maximize, int Decay>
void adam_ams(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h) {
  if (max_exp_avg_sq) return adam_loop<Maximize, Decay, true>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
  return adam_loop<Maximize, Decay, false>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
}

template <bool Maximize>
void adam_decay(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h) {
  if (h.decoupled) return adam_ams<Maximize, 2>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
  if (h.weight_decay != 0) return adam_ams<Maximize, 1>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
  return adam_ams<Maximize, 0>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
}

}  // namespace

void sgd_step(float* param, const float* grad, float* buf, int64_t n, const SgdHyper& h) {
  const bool decay = h.weight_decay != 0;
  if (h.maximize) return decay ? sgd_mode<true, true>(param, grad, buf, n, h) : sgd_mode<true, false>(param, grad, buf, n, h);
  return decay ? sgd_mode<false, true>(param, grad, buf, n, h) : sgd_mode<false, false>(param, grad, buf, n, h);
}

void adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h) {
  if (h.maximize) return adam_decay<true>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
  return adam_decay<false>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, h);
}

}  // namespace kindling
