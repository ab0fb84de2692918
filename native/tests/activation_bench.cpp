// Throughput of the fp32 activation kernels, one thread, G elements/s at 64K and 4M floats.
// Build and run: native/tests/build_activation_test.sh --bench
// Each cell is the median of 7 timed repetitions (each ~25 ms of thread CPU time) after a
// warm-up; a plain memcpy of the same size is the reference line. PyTorch 1.13 (1 thread, same
// machine class, shared/ANCHORS.md) is quoted at 64K / 4M for comparison. Out-of-place: x → out.
#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../kernels/kernels.h"

#include "../kernels/isa_all.h"

using namespace kindling;

namespace {

// Thread CPU time: other processes on a shared machine do not inflate it (preemption does not count).
double now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// Median G elements/s of `f` over n elements.
double measure(int64_t n, const std::function<void()>& f) {
  for (int i = 0; i < 3; ++i) f();
  double t0 = now();
  int calls = 0;
  while (now() - t0 < 0.01) f(), ++calls;
  int iters = std::max(1, static_cast<int>(calls * 2.5));
  std::vector<double> rates;
  for (int rep = 0; rep < 7; ++rep) {
    double t = now();
    for (int i = 0; i < iters; ++i) f();
    rates.push_back(double(n) * iters / (now() - t) * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[3];
}

struct Isa {
  const char* name;
  bool supported;
  UnaryFn unary;
  GradFn grad;
  void (*softmax)(const float*, float*, int64_t, int64_t, bool);
};

}  // namespace

int main(int argc, char** argv) {
  bool with_reference = argc > 1 && std::string(argv[1]) == "--reference";
  const Isa isas[] = {
      {"reference", with_reference, reference::unary, reference::unary_grad, reference::softmax},
      {"avx2", __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), avx2::unary, avx2::unary_grad, avx2::softmax},
      {"avx512", __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl"),
       avx512::unary, avx512::unary_grad, avx512::softmax},
  };
  struct Op {
    const char* name;
    int kind;  // 0 unary, 1 grad, 2 softmax (rows of 1024)
    int code;
    const char* pytorch;  // ANCHORS.md, G/s at 64K / 4M
  };
  const Op ops[] = {
      {"relu", 0, U_RELU, "10.6 / 5.4"},   {"sigmoid", 0, U_SIGMOID, "1.47 / 1.44"}, {"tanh", 0, U_TANH, "0.46 / 0.46"},
      {"exp", 0, U_EXP, "1.65 / 1.76"},    {"log", 0, U_LOG, ""},                 {"gelu", 0, U_GELU, "1.36 / 1.55"},
      {"gelu_tanh", 0, U_GELU_TANH, ""},   {"silu", 0, U_SILU, ""},               {"softplus", 0, U_SOFTPLUS, ""},
      {"neg", 0, U_NEG, ""},               {"sqrt", 0, U_SQRT, ""},               {"relu'", 1, U_RELU, ""},
      {"sigmoid'", 1, U_SIGMOID, ""},      {"gelu'", 1, U_GELU, ""},              {"silu'", 1, U_SILU, ""},
      {"softmax", 2, 0, ""},               {"log_softmax", 2, 1, ""},
  };
  const int64_t sizes[] = {1 << 16, 1 << 22};
  std::vector<float> x(sizes[1]), g(sizes[1]), out(sizes[1]);
  srand(1);
  for (auto& v : x) v = (rand() / float(RAND_MAX)) * 20 - 10;  // [−10, 10]: every branch of every op
  for (auto& v : g) v = (rand() / float(RAND_MAX)) * 2 - 1;

  std::printf("G elements/s, 1 thread, median of 7 (64K / 4M floats)\n%-12s", "op");
  for (const auto& isa : isas)
    if (isa.supported) std::printf(" %-17s", isa.name);
  std::printf(" %-13s\n", "PyTorch 1.13");
  std::printf("%-12s", "copy");
  for (const auto& isa : isas) {
    if (!isa.supported) continue;
    double r[2];
    for (int s = 0; s < 2; ++s) {
      int64_t n = sizes[s];
      r[s] = measure(n, [&] { std::memcpy(out.data(), x.data(), n * sizeof(float)); });
    }
    std::printf(" %6.2f / %-8.2f", r[0], r[1]);
  }
  std::printf(" 11.4 / 6.2\n");
  for (const auto& op : ops) {
    std::printf("%-12s", op.name);
    for (const auto& isa : isas) {
      if (!isa.supported) continue;
      double r[2];
      for (int s = 0; s < 2; ++s) {
        int64_t n = sizes[s];
        if (op.kind == 0) r[s] = measure(n, [&] { isa.unary(UnaryOp(op.code), x.data(), out.data(), n, 0.0f); });
        else if (op.kind == 1) r[s] = measure(n, [&] { isa.grad(UnaryOp(op.code), x.data(), g.data(), out.data(), n, 0.1f); });
        else r[s] = measure(n, [&] { isa.softmax(x.data(), out.data(), n / 1024, 1024, op.code == 1); });
      }
      std::printf(" %6.2f / %-8.2f", r[0], r[1]);
    }
    std::printf(" %s\n", op.pytorch);
    std::fflush(stdout);
  }
  return 0;
}
