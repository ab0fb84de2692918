// The float64 functions that unary_ops.def's reference columns name: for the reference kernels
// (activation_reference.cpp) and the tests' oracle. Baseline code only, never under ISA flags;
// everything has internal linkage (static), so no symbol is shared with an ISA file.
#pragma once
#include <cmath>

namespace kindling {
namespace refmath {

constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kGeluKappa = 0.044715;

// sigmoid on −|x|: exp never overflows.
static inline double sigmoid_d(double x) {
  double e = std::exp(-std::fabs(x));
  return x < 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
}
// The gradients that PyTorch forms as x·(something that underflows to 0) are NaN at ±inf there
// (inf·0); NaN in gives NaN out through the formulas themselves.
// d/dx gelu = Φ(x) + x·φ(x); x·φ is 0 where φ underflows.
static inline double gelu_grad_d(double x) {
  if (std::isinf(x)) return NAN;
  double pdf = std::exp(-0.5 * x * x) * kInvSqrt2Pi;
  return 0.5 * std::erfc(-x * kSqrt1_2) + (pdf == 0 ? 0.0 : x * pdf);
}
// d/dx x·s(2u) = s + x·2u'·s(1−s), u = √(2/π)(x + κx³).
static inline double gelu_tanh_grad_d(double x) {
  if (std::isinf(x)) return NAN;
  double u2 = 2.0 * kSqrt2OverPi * (x + kGeluKappa * x * x * x);
  double s = sigmoid_d(u2), s1ms = s * sigmoid_d(-u2);
  double du2 = 2.0 * kSqrt2OverPi * (1.0 + 3.0 * kGeluKappa * x * x);
  return s + (s1ms == 0 ? 0.0 : x * du2 * s1ms);
}
// s·(1 + x(1−s)), saturating to 1 / 0.
static inline double silu_grad_d(double x) {
  if (std::isinf(x)) return NAN;
  double s = sigmoid_d(x), oms = sigmoid_d(-x);
  if (s * oms == 0) return x > 0 ? 1.0 : 0.0;
  return s * (1.0 + x * oms);
}

}  // namespace refmath
}  // namespace kindling
