// Fused optimizer updates: one pass over a parameter and its state per step, where the op-based
// update made a temporary per op. Memory-bound, so portable loops serve every ISA; the options are
// template parameters so each combination gets a branch-free loop the compiler can vectorise.
// Values are computed in double and rounded when stored, in the same order as the JS reference.
#include <algorithm>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
// Written as a chain of selects, which the loop vectoriser turns into compare masks.
inline float maximum(float x, float y) {
  float r = x > y ? x : y;
  r = y != y ? y : r;
  return x != x ? x : r;
}

// sqrt over a block, in place. std::sqrt keeps a loop scalar (it may set errno, and the addon is
// built without -fno-math-errno); SSE2, baseline on x86-64, has the packed one.
void sqrt_block(double* x, int64_t n) {
#if defined(__SSE2__)
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
  for (; i < n; i++) x[i] = _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x[i])));
#else
  for (int64_t i = 0; i < n; i++) x[i] = std::sqrt(x[i]);
#endif
}

constexpr int64_t kAdamBlock = 256;

// Decay: 0 none, 1 L2 (grad += wd·param, Adam), 2 decoupled (param *= 1 − lr·wd, AdamW).
// Per block of elements: the moments (storing them), the square roots, then the parameters.
template <bool Maximize, int Decay, bool Amsgrad>
void adam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, int64_t n, const AdamHyper& h) {
  const double b1 = h.beta1, b2 = h.beta2, c1 = 1 - h.beta1, c2 = 1 - h.beta2, wd = h.weight_decay, eps = h.eps;
  const double decay = 1 - h.lr * h.weight_decay, neg_step = -h.step_size, bc2 = h.bc2_sqrt;
  double root[kAdamBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kAdamBlock) {
    const int64_t w = std::min(kAdamBlock, n - i0);
    float* p = param + i0;
    const float* gr = grad + i0;
    float* m = exp_avg + i0;
    float* v = exp_avg_sq + i0;
    float* vmax = Amsgrad ? max_exp_avg_sq + i0 : nullptr;
    for (int64_t k = 0; k < w; k++) {
      double g = gr[k];
      if (Maximize) g = -g;
      if (Decay == 1) g = g + wd * static_cast<double>(p[k]);
      m[k] = static_cast<float>(b1 * m[k] + c1 * g);
      const float vk = static_cast<float>(b2 * v[k] + c2 * g * g);
      v[k] = vk;
      float vhat = vk;
      if (Amsgrad) {
        vhat = maximum(vmax[k], vk);
        vmax[k] = vhat;
      }
      root[k] = vhat;
    }
    sqrt_block(root, w);
    for (int64_t k = 0; k < w; k++) {
      double pk = p[k];
      if (Decay == 2) pk = pk * decay;
      const double denom = root[k] / bc2 + eps;
      p[k] = static_cast<float>(pk + neg_step * m[k] / denom);
    }
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
