// fp32 activation and elementwise kernels, portable reference (baseline flags, any CPU).
// Each value is computed in double precision with libm and rounded once to float, so these are
// within ~0.5 ULP of the exact result: the accuracy reference for the AVX2 / AVX-512 kernels and
// the fallback path on CPUs without AVX2. Formulas mirror the optimised kernels (and PyTorch's
// conventions: gelu(−inf) = NaN, softplus threshold 20, relu(−0) = −0).
#include <cmath>
#include <cstdint>
#include <limits>

#include "../kernels.h"

namespace kindling {
namespace reference {
namespace {

const double kSqrt1_2 = 0.70710678118654752440;
const double kSqrt2OverPi = 0.79788456080286535588;
const double kInvSqrt2Pi = 0.39894228040143267794;
const double kGeluKappa = 0.044715;

// sigmoid on −|x|: exp never overflows.
double sigmoid_d(double x) {
  double e = std::exp(-std::fabs(x));
  return x < 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
}

double unary_d(UnaryOp op, double x, double param) {
  switch (op) {
    case U_RELU: return x < 0 ? 0.0 : x;
    case U_SIGMOID: return sigmoid_d(x);
    case U_TANH: return std::tanh(x);
    case U_EXP: return std::exp(x);
    case U_LOG: return std::log(x);
    case U_GELU: return 0.5 * x * std::erfc(-x * kSqrt1_2);
    case U_GELU_TANH: return x * sigmoid_d(2.0 * kSqrt2OverPi * (x + kGeluKappa * x * x * x));
    case U_SILU: return x * sigmoid_d(x);
    case U_SOFTPLUS: return x > 20.0 ? x : std::log1p(std::exp(x));
    case U_NEG: return -x;
    case U_ABS: return std::fabs(x);
    case U_SQRT: return std::sqrt(x);
    case U_LEAKY_RELU: return x > 0 ? x : x * param;  // NaN stays, −0 → −0·slope
    case U_ELU: return x > 0 ? x : param * std::expm1(x);
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

// out = g·f'(x), x being the saved tensor named in kernels.h (forward output for sigmoid/tanh).
double grad_d(GradOp op, double x, double g, double param) {
  switch (op) {
    case G_RELU: return x <= 0 ? 0.0 : g;
    case G_SIGMOID: return g * (1.0 - x) * x;
    case G_TANH: return g * (1.0 - x * x);
    case G_GELU: {
      double pdf = std::exp(-0.5 * x * x) * kInvSqrt2Pi;
      return g * (0.5 * std::erfc(-x * kSqrt1_2) + (pdf == 0 ? 0.0 : x * pdf));
    }
    case G_GELU_TANH: {  // d/dx x·s(2u) = s + x·2u'·s(1−s)
      double u2 = 2.0 * kSqrt2OverPi * (x + kGeluKappa * x * x * x);
      double s = sigmoid_d(u2), s1ms = s * sigmoid_d(-u2);
      double du2 = 2.0 * kSqrt2OverPi * (1.0 + 3.0 * kGeluKappa * x * x);
      return g * (s + (s1ms == 0 ? 0.0 : x * du2 * s1ms));
    }
    case G_SILU: {  // s·(1 + x(1−s)), saturating to 1 / 0
      double s = sigmoid_d(x), oms = sigmoid_d(-x);
      if (s * oms == 0) return x > 0 ? g : g * 0.0;
      return g * s * (1.0 + x * oms);
    }
    case G_SOFTPLUS: return x > 20.0 ? g : g * sigmoid_d(x);
    case G_LEAKY_RELU: return x > 0 ? g : g * param;
    case G_ELU: return x <= 0 ? g * param * std::exp(x) : g;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace

void unary(UnaryOp op, const float* x, float* out, int64_t n, float param) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(unary_d(op, x[i], param));
}

void unary_grad(GradOp op, const float* x, const float* g, float* out, int64_t n, float param) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(grad_d(op, x[i], g[i], param));
}

// Three passes in double: max; Σ exp(x − max); scale. An all −inf row gives x − max = NaN → NaN.
void softmax(const float* x, float* out, int64_t rows, int64_t cols, bool log_softmax) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = out + r * cols;
    double mx = -std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < cols; ++j) mx = xr[j] > mx ? xr[j] : mx;
    double sum = 0;
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(xr[j] - mx);
    if (log_softmax) {
      double lse = std::log(sum);
      for (int64_t j = 0; j < cols; ++j) yr[j] = static_cast<float>((xr[j] - mx) - lse);
    } else {
      for (int64_t j = 0; j < cols; ++j) yr[j] = static_cast<float>(std::exp(xr[j] - mx) / sum);
    }
  }
}

// softmax: y·(g − Σ g·y); log_softmax: g − exp(y)·Σ g.
void softmax_grad(const float* y, const float* g, float* out, int64_t rows, int64_t cols, bool log_softmax) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * cols;
    const float* gr = g + r * cols;
    float* o = out + r * cols;
    double dot = 0;
    for (int64_t j = 0; j < cols; ++j) dot += log_softmax ? double(gr[j]) : double(gr[j]) * yr[j];
    for (int64_t j = 0; j < cols; ++j)
      o[j] = static_cast<float>(log_softmax ? gr[j] - std::exp(double(yr[j])) * dot : yr[j] * (gr[j] - dot));
  }
}

}  // namespace reference
}  // namespace kindling
