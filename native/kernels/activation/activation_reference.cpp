// fp32 activation and elementwise kernels, portable reference (baseline flags, any CPU).
// Each value is computed in double precision with libm and rounded once to float, so these are
// within ~0.5 ULP of the exact result: the accuracy reference for the AVX2 / AVX-512 kernels and
// the fallback path on CPUs without AVX2. Formulas mirror the optimised kernels (and PyTorch's
// conventions: gelu(−inf) = NaN, softplus threshold 20, relu(−0) = −0).
#include <cmath>
#include <cstdint>
#include <limits>

#include "../kernels.h"
#include "activation_reference_math.h"

namespace kindling {
namespace reference {
namespace {

using namespace refmath;
constexpr double NO_GRAD = std::numeric_limits<double>::quiet_NaN();

// The reference columns of unary_ops.def: f(x) and g·f'(x) in double.
double unary_d(UnaryOp op, double x, double p) {
  switch (op) {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ...) \
  case U_##ID: return (ref);
#include "unary_ops.def"
#undef KINDLING_UNARY_OP
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

double grad_d(UnaryOp op, double x, double g, double p) {
  switch (op) {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ref_grad, ...) \
  case U_##ID: return (ref_grad);
#include "unary_ops.def"
#undef KINDLING_UNARY_OP
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace

void unary(UnaryOp op, const float* x, float* out, int64_t n, float param) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(unary_d(op, x[i], param));
}

void unary_grad(UnaryOp op, const float* x, const float* g, float* out, int64_t n, float param) {
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
