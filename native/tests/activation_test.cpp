// Accuracy and edge-case test for the fp32 activation kernels (reference, AVX2, AVX-512; NEON on arm64).
// Build and run: native/tests/build_activation_test.sh   (or add --exhaustive OP to sweep all 2^32
// floats for one unary op, e.g. `activation_test --exhaustive exp`).
// Every ISA the CPU supports is compared with a float64 oracle over a dense sweep of [−30, 30]
// (step 2^−10), values near 1, 2^20 random bit patterns across the float range and the special
// values; tails, aliasing, gradients (analytic float64 and finite differences) and softmax rows
// are checked too. Exit status 1 if any bar is exceeded.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../kernels/activation/activation_reference_math.h"
#include "../kernels/kernels.h"

#include "../kernels/isa_all.h"

using namespace kindling;

namespace {

using SoftmaxFn = void (*)(const float*, float*, int64_t, int64_t, bool);
using SoftmaxGradFn = void (*)(const float*, const float*, float*, int64_t, int64_t, bool);
struct Isa {
  const char* name;
  bool supported;
  UnaryFn unary;
  GradFn grad;
  SoftmaxFn softmax;
  SoftmaxGradFn softmax_grad;
};

const double EPS = FLT_EPSILON;  // 2^-23
const double INF = HUGE_VAL;

// ---------------------------------------------------------------- float64 oracle
// f(x) and g·f'(saved) from the reference columns of unary_ops.def; check_grad_formulas proves
// each gradient column is the derivative of its forward column.
using namespace refmath;
constexpr double NO_GRAD = NAN;

double truth(UnaryOp op, double x, double p = 0) {
  switch (op) {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ...) \
  case U_##ID: return (ref);
#include "../kernels/activation/unary_ops.def"
#undef KINDLING_UNARY_OP
    default: return NAN;
  }
}

double grad_truth(UnaryOp op, double x, double g, double p) {
  switch (op) {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ref_grad, ...) \
  case U_##ID: return (ref_grad);
#include "../kernels/activation/unary_ops.def"
#undef KINDLING_UNARY_OP
    default: return NAN;
  }
}

bool saved_is_output(UnaryOp op) { return kUnaryFlags[op] & UF_GRAD_OUTPUT; }

// ---------------------------------------------------------------- error measures
// |y − ref| in units of the float spacing at ref (subnormal spacing 2^−149 below FLT_MIN).
double ulp_error(float y, double ref) {
  if (std::isnan(ref) || std::isnan(y)) return std::isnan(ref) && std::isnan(y) ? 0 : INF;
  float rf = static_cast<float>(ref);
  if (std::isinf(rf) || std::isinf(y)) return y == rf ? 0 : INF;
  int e;
  std::frexp(std::fabs(ref), &e);
  double ulp = std::ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
  return std::fabs(y - ref) / ulp;
}
// GELU bar: within 10·eps absolute or 5·eps relative; score <= 1 passes.
double gelu_score(float y, double ref, double* abs_eps) {
  if (std::isnan(ref) || std::isnan(y)) return (*abs_eps = std::isnan(ref) && std::isnan(y) ? 0 : INF);
  if (std::isinf(ref) || std::isinf(y)) return (*abs_eps = (y == ref ? 0 : INF));
  double err = std::fabs(y - ref);
  *abs_eps = err / EPS;
  return std::fmin(err / (10 * EPS), err / (5 * EPS * std::fabs(ref)));
}

uint64_t rng_state = 0x9E3779B97F4A7C15ull;
uint32_t rnd() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return static_cast<uint32_t>(rng_state >> 16);
}
float uniform(float lo, float hi) { return lo + (hi - lo) * (rnd() >> 8) * (1.0f / 16777216.0f); }
float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
bool same_bits(const float* a, const float* b, int64_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

std::vector<float> special_values() {
  std::vector<float> v = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, FLT_MIN, -FLT_MIN, FLT_TRUE_MIN, -FLT_TRUE_MIN,
                          FLT_MAX, -FLT_MAX, 1, -1, 0.5f, -0.5f, 2, -2, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 1e-3f,
                          -1e-3f, 20, -20, 20.0001f, 19.9999f, 100, -100, 88.72f, 88.7228f, 88.73f, 89, -87.33f,
                          -87.34f, -88, -95, -103.97f, -103.98f, -104, -110, 9.01f, -9.01f, 10, -10, 5.6f, -5.6f,
                          5.5f, -5.5f, 1e10f, -1e10f, 1e20f, -1e20f, 0.7071067f, 1.4142135f, 1.4142137f};
  return v;
}

std::vector<float> unary_inputs() {
  std::vector<float> v = special_values();
  for (int i = -30 * 1024; i <= 30 * 1024; ++i) v.push_back(i / 1024.0f);
  for (int k = -5000; k <= 5000; ++k) v.push_back(1.0f + k * 0x1p-24f);
  for (int i = 0; i < (1 << 20); ++i) {
    float f = from_bits(rnd());
    if (!std::isnan(f)) v.push_back(f);
  }
  for (int i = 0; i < 100000; ++i) v.push_back(uniform(-110, 110));
  return v;
}

struct UnarySpec {
  UnaryOp op;
  std::string name;
  double bar;  // max ULP, or the GELU score when gelu_bar
  bool gelu_bar;
  bool zero_sign;  // the sign of a zero result must match the oracle
  float param;     // leaky_relu's slope, elu's alpha
};
// Every op of unary_ops.def at its default parameter; ops with a parameter at a few more.
std::vector<UnarySpec> unary_specs() {
  std::vector<UnarySpec> r;
  const double bars[] = {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ref_grad, vec, vec_grad, bar, ...) bar,
#include "../kernels/activation/unary_ops.def"
#undef KINDLING_UNARY_OP
  };
  const float params[] = {
#define KINDLING_UNARY_OP(ID, name, flags, param, ...) param,
#include "../kernels/activation/unary_ops.def"
#undef KINDLING_UNARY_OP
  };
  for (int op = 0; op < U_COUNT; ++op) {
    const uint32_t f = kUnaryFlags[op];
    UnarySpec s{UnaryOp(op), kUnaryNames[op], bars[op], (f & UF_GELU_BAR) != 0, (f & UF_ANY_ZERO_SIGN) == 0, params[op]};
    r.push_back(s);
    if (f & UF_PARAM)
      for (float p : {-0.3f, 0.25f, -1.5f}) {
        s.param = p;
        char name[48];
        std::snprintf(name, sizeof name, "%s(%g)", kUnaryNames[op], p);
        s.name = name;
        r.push_back(s);
      }
  }
  return r;
}
const std::vector<UnarySpec> kUnary = unary_specs();

struct GradSpec {
  UnaryOp op;
  const char* name;
  double rel_ulp;  // pass if within rel_ulp ULP of the oracle ...
  double abs_eps;  // ... or within abs_eps·eps·|g| (cancellation near a zero of f')
  float param;
};
// Every op of unary_ops.def with a gradient kernel.
std::vector<GradSpec> grad_specs() {
  struct Row { double rel, abs; float param; };
  const Row rows[] = {
#define KINDLING_UNARY_OP(ID, name, flags, param, ref, ref_grad, vec, vec_grad, bar, grad_ulp, grad_abs) {grad_ulp, grad_abs, param},
#include "../kernels/activation/unary_ops.def"
#undef KINDLING_UNARY_OP
  };
  std::vector<GradSpec> r;
  for (int op = 0; op < U_COUNT; ++op)
    if (unary_has_grad(UnaryOp(op))) r.push_back({UnaryOp(op), kUnaryNames[op], rows[op].rel, rows[op].abs, rows[op].param});
  return r;
}
const std::vector<GradSpec> kGrad = grad_specs();


int failures = 0;
void fail(const char* what) {
  ++failures;
  std::printf("FAIL: %s\n", what);
}

// Max error of one ISA and op over `x`; prints the worst input when over the bar.
double check_unary(const Isa& isa, const UnarySpec& s, const std::vector<float>& x, const std::vector<double>& ref,
                   double* max_abs_eps) {
  std::vector<float> y(x.size());
  isa.unary(s.op, x.data(), y.data(), static_cast<int64_t>(x.size()), s.param);
  double worst = 0, worst_abs = 0;
  size_t at = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double abs_eps = 0;
    double e = s.gelu_bar ? gelu_score(y[i], ref[i], &abs_eps) : ulp_error(y[i], ref[i]);
    if (s.zero_sign && y[i] == 0 && ref[i] == 0 && std::signbit(y[i]) != std::signbit(ref[i])) e = INF;
    if (e > worst) worst = e, at = i;
    if (abs_eps > worst_abs) worst_abs = abs_eps;
  }
  if (worst > s.bar) {
    char msg[256];
    std::snprintf(msg, sizeof msg, "%s %s: error %.3g at x = %.9g (0x%08x): got %.9g, want %.9g", isa.name, s.name.c_str(), worst,
                  x[at], bits_of(x[at]), y[at], ref[at]);
    fail(msg);
  }
  if (max_abs_eps) *max_abs_eps = worst_abs;
  return worst;
}

// n = 0, 1, 3, ... at an unaligned offset: same bits as the long call, nothing written past n.
void check_tails_and_alias(const Isa& isa) {
  const int64_t ns[] = {0, 1, 3, 7, 15, 16, 17, 31, 33};
  const int64_t N = 64, GUARD = 24;
  std::vector<float> x(N + GUARD + 1), g(N + GUARD + 1);
  for (auto& v : x) v = uniform(-12, 12);
  for (auto& v : g) v = uniform(-2, 2);
  const float sentinel = from_bits(0x7fc0dead);
  for (const auto& s : kUnary) {
    std::vector<float> full(N + 1);
    isa.unary(s.op, x.data() + 1, full.data(), N, s.param);
    for (int64_t n : ns) {
      std::vector<float> out(N + GUARD, sentinel);
      isa.unary(s.op, x.data() + 1, out.data() + 1, n, s.param);
      bool ok = same_bits(out.data() + 1, full.data(), n) && bits_of(out[0]) == bits_of(sentinel);
      for (int64_t i = n + 1; i < N + GUARD; ++i) ok = ok && bits_of(out[i]) == bits_of(sentinel);
      if (!ok) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "%s %s: tail n = %lld", isa.name, s.name.c_str(), static_cast<long long>(n));
        fail(msg);
      }
    }
    std::vector<float> a(x.begin() + 1, x.begin() + 1 + N);
    isa.unary(s.op, a.data(), a.data(), N - 3, s.param);
    if (!same_bits(a.data(), full.data(), N - 3)) {
      char msg[128];
      std::snprintf(msg, sizeof msg, "%s %s: out == x", isa.name, s.name.c_str());
      fail(msg);
    }
  }
  for (const auto& gs : kGrad) {
    const UnaryOp op = gs.op;
    std::vector<float> full(N);
    isa.grad(op, x.data() + 1, g.data() + 1, full.data(), N, 0.1f);
    for (int64_t n : ns) {
      std::vector<float> out(N + GUARD, sentinel);
      isa.grad(op, x.data() + 1, g.data() + 1, out.data(), n, 0.1f);
      bool ok = same_bits(out.data(), full.data(), n);
      for (int64_t i = n; i < N + GUARD; ++i) ok = ok && bits_of(out[i]) == bits_of(sentinel);
      std::vector<float> ax(x.begin() + 1, x.begin() + 1 + N), ag(g.begin() + 1, g.begin() + 1 + N);
      isa.grad(op, ax.data(), ag.data(), ax.data(), n, 0.1f);  // out == x
      ok = ok && same_bits(ax.data(), full.data(), n);
      ax.assign(x.begin() + 1, x.begin() + 1 + N);
      isa.grad(op, ax.data(), ag.data(), ag.data(), n, 0.1f);  // out == g
      ok = ok && same_bits(ag.data(), full.data(), n);
      if (!ok) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "%s grad %s: tail/alias n = %lld", isa.name, gs.name, static_cast<long long>(n));
        fail(msg);
      }
    }
  }
}

// A value's bits must not depend on its neighbours: the kernels run blocks of vectors on a fast
// path when every lane is in range and per vector otherwise. One special value is planted at
// several positions of an in-range array; every other lane keeps its bits and the planted lane
// equals a one-element call.
void check_mixed_blocks(const Isa& isa) {
  const int64_t N = 256;
  std::vector<float> base(N);
  for (auto& v : base) v = uniform(-12, 12);
  const float planted[] = {NAN, INFINITY, -INFINITY, 100.0f, -100.0f, 87.5f, -87.5f, 88.5f, -88.5f, 89.0f, -89.0f};
  const int64_t positions[] = {0, 5, 31, 40, 63, 64, 100, 255};
  for (const auto& s : kUnary) {
    std::vector<float> full(N);
    isa.unary(s.op, base.data(), full.data(), N, s.param);
    for (float v : planted)
      for (int64_t at : positions) {
        std::vector<float> x = base, y(N);
        x[at] = v;
        isa.unary(s.op, x.data(), y.data(), N, s.param);
        float one;
        isa.unary(s.op, &x[at], &one, 1, s.param);
        bool ok = std::isnan(one) ? std::isnan(y[at]) : bits_of(y[at]) == bits_of(one);
        for (int64_t i = 0; i < N; ++i)
          if (i != at && bits_of(y[i]) != bits_of(full[i])) ok = false;
        if (!ok) {
          char msg[160];
          std::snprintf(msg, sizeof msg, "%s %s: %g planted at %lld changes other lanes or differs from n = 1", isa.name,
                        s.name.c_str(), v, static_cast<long long>(at));
          fail(msg);
        }
      }
  }
}

// ---------------------------------------------------------------- gradients
void check_grad_formulas() {  // the float64 closed forms are the derivatives (central differences)
  const double p = 0.3;
  for (const auto& s : kGrad) {
    double worst = 0;
    for (double x = -8; x <= 8; x += 0.01) {
      const double h = 1e-6, f0 = truth(s.op, x, p);
      const double left = (f0 - truth(s.op, x - h, p)) / h, right = (truth(s.op, x + h, p) - f0) / h;
      if (std::fabs(left - right) > 1e-3 * std::fmax(1.0, std::fabs(left))) continue;  // a kink (relu at 0, hardswish at ±3)
      double fd = (truth(s.op, x + h, p) - truth(s.op, x - h, p)) / (2 * h);
      double saved = saved_is_output(s.op) ? truth(s.op, x, p) : x;
      double an = grad_truth(s.op, saved, 1.0, p);
      worst = std::fmax(worst, std::fabs(fd - an) / std::fmax(1.0, std::fabs(an)));
    }
    if (worst > 1e-7) {
      char msg[128];
      std::snprintf(msg, sizeof msg, "grad formula %s vs finite differences: %.3g", s.name, worst);
      fail(msg);
    }
  }
}

double check_grad(const Isa& isa, const GradSpec& s, double* worst_abs) {
  const float p = s.param;
  std::vector<float> x = special_values();
  for (int i = -30 * 256; i <= 30 * 256; ++i) x.push_back(i / 256.0f);
  for (int i = 0; i < 200000; ++i) {
    float f = from_bits(rnd());
    if (!std::isnan(f)) x.push_back(f);
  }
  if (saved_is_output(s.op)) {  // feed forward outputs y = f(x)
    std::vector<float> y(x.size());
    isa.unary(s.op, x.data(), y.data(), static_cast<int64_t>(x.size()), p);
    x = y;
  }
  std::vector<float> g(x.size()), out(x.size());
  for (auto& v : g) v = uniform(-2, 2);
  isa.grad(s.op, x.data(), g.data(), out.data(), static_cast<int64_t>(x.size()), p);
  double worst_rel = 0;
  *worst_abs = 0;
  size_t at = 0;
  bool bad = false;
  for (size_t i = 0; i < x.size(); ++i) {
    double ref = grad_truth(s.op, x[i], g[i], p);
    double rel = ulp_error(out[i], ref);
    double ab = std::isfinite(ref) && std::isfinite(out[i]) ? std::fabs(out[i] - ref) / (EPS * std::fabs(g[i]))
                                                           : (rel == 0 ? 0 : INF);
    if (g[i] == 0) ab = rel == 0 ? 0 : INF;
    if (rel > s.rel_ulp && ab > s.abs_eps && !bad) bad = true, at = i;
    if (ab > s.abs_eps) worst_rel = std::fmax(worst_rel, rel);  // the relative error that mattered
    *worst_abs = std::fmax(*worst_abs, std::fmin(ab, 1e9));
  }
  if (bad) {
    char msg[256];
    std::snprintf(msg, sizeof msg, "%s grad %s at x = %.9g, g = %.9g: got %.9g, want %.9g", isa.name, s.name, x[at],
                  g[at], out[at], grad_truth(s.op, x[at], g[at], p));
    fail(msg);
  }
  return worst_rel;
}

// Every gradient kernel at +inf, −inf and NaN (g = 1, the default parameter) gives PyTorch 1.13's
// values, e.g. `x = torch.tensor([inf, -inf, nan], requires_grad=True); F.gelu(x).sum().backward()`
// -> x.grad = [nan, nan, nan] (sigmoid and tanh are fed their outputs there, as their kernels are).
// n = 67 runs the vector loops and a tail. elu at NaN: 1, as PyTorch's scalar loop (tensors of
// fewer than 64 floats and tails; its vectorised blocks give NaN) and the JS backend.
void check_grad_specials(const Isa& isa) {
  struct Want { const char* name; float at[3]; };
  const Want wants[] = {{"relu", {1, 0, 1}},      {"sigmoid", {0, 0, NAN}},  {"tanh", {0, 0, NAN}},
                        {"gelu", {NAN, NAN, NAN}}, {"gelu_tanh", {NAN, NAN, NAN}}, {"silu", {NAN, NAN, NAN}},
                        {"softplus", {1, 0, NAN}}, {"leaky_relu", {1, 0.01f, 0.01f}}, {"elu", {1, 0, 1}},
                        {"hardswish", {1, 0, NAN}}};
  const float in[3] = {INFINITY, -INFINITY, NAN};
  const int64_t n = 67;
  for (const auto& s : kGrad) {
    const Want* want = nullptr;
    for (const auto& w : wants)
      if (std::string(w.name) == s.name) want = &w;
    if (!want) {
      std::string msg = std::string("grad ") + s.name + ": no PyTorch values at ±inf/NaN in check_grad_specials";
      fail(msg.c_str());
      continue;
    }
    std::vector<float> x(n), g(n, 1.0f), out(n);
    for (int64_t i = 0; i < n; ++i) x[i] = in[i % 3];
    if (saved_is_output(s.op)) isa.unary(s.op, x.data(), x.data(), n, s.param);
    isa.grad(s.op, x.data(), g.data(), out.data(), n, s.param);
    for (int64_t i = 0; i < n; ++i) {
      const float w = want->at[i % 3];
      if (std::isnan(w) ? std::isnan(out[i]) : out[i] == w) continue;
      char msg[160];
      std::snprintf(msg, sizeof msg, "%s grad %s at %g: got %g, want %g (PyTorch)", isa.name, s.name, in[i % 3], out[i], w);
      fail(msg);
      break;
    }
  }
}

// ---------------------------------------------------------------- softmax
// Returns the max error: softmax in ULP; log_softmax in eps·max(1, |ref|); grads in eps of their scale.
double check_softmax(const Isa& isa, bool log, bool grad) {
  const int64_t cols_list[] = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1000, 4099};
  double worst = 0;
  for (int64_t cols : cols_list) {
    for (float scale : {1.0f, 10.0f, 100.0f}) {
      const int64_t rows = 5;
      std::vector<float> x(rows * cols), y(rows * cols), g(rows * cols), out(rows * cols);
      for (auto& v : x) v = uniform(-scale, scale);
      for (auto& v : g) v = uniform(-1, 1);
      if (cols >= 3) x[cols] = x[cols + 1] = -INFINITY;  // row 1: some −inf entries
      // row 2: 1e16 next to −3e38, whose x − max rounds near −FLT_MAX with a rounding error of 1e16
      static const float huge_mix[4] = {1, -3e38f, 5, 1e16f};
      if (cols >= 4)
        for (int64_t j = 0; j < cols; ++j) x[2 * cols + j] = huge_mix[j % 4];
      if (!grad) {
        isa.softmax(x.data(), out.data(), rows, cols, log);
        std::vector<float> alias = x;
        isa.softmax(alias.data(), alias.data(), rows, cols, log);
        if (!same_bits(alias.data(), out.data(), rows * cols)) fail("softmax out == x differs");
      } else {
        reference::softmax(x.data(), y.data(), rows, cols, log);
        isa.softmax_grad(y.data(), g.data(), out.data(), rows, cols, log);
        std::vector<float> ay = y, ag = g;
        isa.softmax_grad(ay.data(), g.data(), ay.data(), rows, cols, log);
        isa.softmax_grad(y.data(), ag.data(), ag.data(), rows, cols, log);
        if (!same_bits(ay.data(), out.data(), rows * cols) || !same_bits(ag.data(), out.data(), rows * cols))
          fail("softmax_grad aliasing differs");
      }
      for (int64_t r = 0; r < rows; ++r) {
        const float* xr = &x[r * cols];
        double mx = -INF, sum = 0, dot = 0, abs_dot = 0;
        if (!grad) {
          for (int64_t j = 0; j < cols; ++j) mx = std::fmax(mx, xr[j]);
          for (int64_t j = 0; j < cols; ++j) sum += std::exp(xr[j] - mx);
        } else {
          for (int64_t j = 0; j < cols; ++j) {
            double t = log ? g[r * cols + j] : double(g[r * cols + j]) * y[r * cols + j];
            dot += t, abs_dot += std::fabs(t);
          }
        }
        for (int64_t j = 0; j < cols; ++j) {
          size_t k = r * cols + j;
          double ref, err;
          if (!grad && !log) {
            ref = std::exp(xr[j] - mx) / sum;
            err = ulp_error(out[k], ref);
          } else if (!grad) {
            ref = (xr[j] - mx) - std::log(sum);
            err = std::isinf(ref) ? (out[k] == ref ? 0 : INF) : std::fabs(out[k] - ref) / (EPS * std::fmax(1, std::fabs(ref)));
          } else if (!log) {
            ref = y[k] * (g[k] - dot);
            err = std::fabs(out[k] - ref) / (EPS * std::fabs(y[k]) * (std::fabs(g[k]) + abs_dot) + 0x1p-149);
          } else {
            ref = g[k] - std::exp(double(y[k])) * dot;
            err = std::fabs(out[k] - ref) / (EPS * (std::fabs(g[k]) + std::exp(double(y[k])) * abs_dot) + 0x1p-149);
          }
          if (std::isnan(err)) err = INF;
          if (err > worst && getenv("ACT_DEBUG"))
            std::printf("  [%s cols %lld scale %g row %lld j %lld: x %.9g y %.9g g %.9g out %.9g ref %.9g]\n", isa.name,
                        (long long)cols, scale, (long long)r, (long long)j, xr[j], y[k], g[k], out[k], ref);
          worst = std::fmax(worst, err);
        }
      }
    }
  }
  // Special rows as PyTorch: all −inf → NaN; a +inf entry → NaN; a NaN entry → NaN; cols = 0 writes nothing.
  if (!grad) {
    const float rowsv[3][4] = {{-INFINITY, -INFINITY, -INFINITY, -INFINITY}, {INFINITY, 1, 2, 3}, {NAN, 1, 2, 3}};
    float out[4];
    for (const auto& row : rowsv) {
      isa.softmax(row, out, 1, 4, log);
      for (float v : out)
        if (!std::isnan(v)) fail("softmax special row is not NaN");
    }
    const float one[5] = {-INFINITY, 0, 1, -INFINITY, 2};
    float o5[5];
    isa.softmax(one, o5, 1, 5, log);
    if (o5[0] != (log ? -INFINITY : 0.0f) || o5[3] != o5[0]) fail("softmax of a −inf entry");
    float untouched = 42;
    isa.softmax(one, &untouched, 1, 0, log);
    isa.softmax(one, &untouched, 0, 5, log);
    if (untouched != 42) fail("softmax with an empty shape wrote");
  }
  return worst;
}

#if defined(__x86_64__)
bool cpu_has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
}
#endif

int exhaustive(const Isa* isas, int n_isa, const char* op_name) {
  const UnarySpec* spec = nullptr;
  for (const auto& s : kUnary)
    if (s.name == op_name) spec = &s;
  if (!spec) return std::printf("unknown op %s\n", op_name), 2;
  const int64_t CH = 1 << 22;
  std::vector<float> x(CH);
  std::vector<double> ref(CH);
  double worst[8] = {0};
  for (int64_t base = 0; base < (int64_t(1) << 32); base += CH) {
    for (int64_t i = 0; i < CH; ++i) x[i] = from_bits(static_cast<uint32_t>(base + i));
    for (int64_t i = 0; i < CH; ++i) ref[i] = truth(spec->op, x[i], spec->param);
    for (int k = 1; k < n_isa; ++k)
      if (isas[k].supported) worst[k] = std::fmax(worst[k], check_unary(isas[k], *spec, x, ref, nullptr));
  }
  std::printf("exhaustive %s:", op_name);
  for (int k = 1; k < n_isa; ++k) std::printf(" %s %.3f", isas[k].name, worst[k]);
  std::printf("\n");
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Isa isas[] = {
      {"reference", true, reference::unary, reference::unary_grad, reference::softmax, reference::softmax_grad},
#if defined(__x86_64__)
      {"avx2", cpu_has_avx2(), avx2::unary, avx2::unary_grad, avx2::softmax, avx2::softmax_grad},
#if defined(KINDLING_ACTIVATION_EMULATE_AVX512)  // avx512 kernels on SIMDe (build_activation_test.sh)
      {"avx512", true, avx512::unary, avx512::unary_grad, avx512::softmax, avx512::softmax_grad},
#else
      {"avx512", cpu_has_avx512(), avx512::unary, avx512::unary_grad, avx512::softmax, avx512::softmax_grad},
#endif
#elif defined(__aarch64__)
      {"neon", true, neon::unary, neon::unary_grad, neon::softmax, neon::softmax_grad},  // baseline on arm64
#endif
  };
  const int n_isa = sizeof isas / sizeof isas[0];
  auto header = [&](const char* first, int bar_width) {
    std::printf("%-11s %*s |", first, bar_width, "bar");
    for (const auto& isa : isas) std::printf(" %-20s", isa.name);
    std::printf("\n");
  };
  if (argc == 3 && std::string(argv[1]) == "--exhaustive") return exhaustive(isas, n_isa, argv[2]);
  for (const auto& isa : isas)
    if (!isa.supported) std::printf("note: %s not supported by this CPU, skipped\n", isa.name);

  std::vector<float> x = unary_inputs();
  std::printf("unary ops: %zu inputs; max error in ULP vs float64 (GELU: score = min(abs/10eps, rel/5eps), max abs in eps)\n",
              x.size());
  header("op", 6);
  for (const auto& s : kUnary) {
    std::vector<double> ref(x.size());
    for (size_t i = 0; i < x.size(); ++i) ref[i] = truth(s.op, x[i], s.param);
    std::printf("%-11s %6.2f |", s.name.c_str(), s.bar);
    for (const auto& isa : isas) {
      if (!isa.supported) {
        std::printf(" %-20s", "-");
        continue;
      }
      double abs_eps = 0;
      double e = check_unary(isa, s, x, ref, &abs_eps);
      char cell[64];
      if (s.gelu_bar) std::snprintf(cell, sizeof cell, "%.3f (abs %.2f)", e, abs_eps);
      else std::snprintf(cell, sizeof cell, "%.3f", e);
      std::printf(" %-20s", cell);
    }
    std::printf("\n");
  }

  check_grad_formulas();
  std::printf("\ngradients: max ULP where the |g|-scaled absolute bar is exceeded (max abs err in eps·|g|)\n");
  header("grad", 9);
  for (const auto& s : kGrad) {
    std::printf("%-11s %4.1f/%4.1f |", s.name, s.rel_ulp, s.abs_eps);
    for (const auto& isa : isas) {
      if (!isa.supported) {
        std::printf(" %-20s", "-");
        continue;
      }
      double ab;
      double e = check_grad(isa, s, &ab);
      char cell[64];
      std::snprintf(cell, sizeof cell, "%.3f (abs %.2f)", e, ab);
      std::printf(" %-20s", cell);
    }
    std::printf("\n");
  }

  std::printf("\nsoftmax rows (cols 1..4099, scales 1/10/100): softmax ULP; log_softmax eps·max(1,|ref|); grads eps·scale\n");
  const struct { const char* name; bool log, grad; double bar; } sm[] = {
      {"softmax", false, false, 4}, {"log_softmax", true, false, 4}, {"softmax_grad", false, true, 8},
      {"log_sm_grad", true, true, 8}};
  for (const auto& c : sm) {
    std::printf("%-12s %5.1f |", c.name, c.bar);
    for (const auto& isa : isas) {
      if (!isa.supported) {
        std::printf(" %-20s", "-");
        continue;
      }
      double e = check_softmax(isa, c.log, c.grad);
      if (e > c.bar) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "%s %s: error %.3g over the bar", isa.name, c.name, e);
        fail(msg);
      }
      std::printf(" %-20.3f", e);
    }
    std::printf("\n");
  }

  for (const auto& isa : isas)
    if (isa.supported) check_tails_and_alias(isa), check_mixed_blocks(isa), check_grad_specials(isa);
  std::printf("\ntails (n = 0,1,3,7,15,16,17,31,33), aliasing, mixed blocks and gradients at ±inf/NaN checked\n%s (%d failures)\n", failures ? "FAILED" : "PASSED",
              failures);
  return failures ? 1 : 0;
}
