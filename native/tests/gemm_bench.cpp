// Single-thread fp32 GEMM throughput per ISA (GFLOP/s, median of 7 timed samples after warm-up).
// Build: native/tests/build_gemm_test.sh; run:
//   build/gemm-test/gemm_bench [--tr NN|NT|TN|TT] [--isa name] [--reps N] [--epi CODE] (a U_ code of kernels.h, -1 none) [--clock wall|cpu]
//                              [--packed 1]   (B pre-packed once, as a layer's cached weights)
//                              [--shapes MxKxN,...]
//                              [--threads N]  (through parallel_gemm.cpp's split on the thread pool;
//                                              with --clock cpu the rate is over process CPU time / N)
// Shapes are M×K×N, C = A·B (+ transposes as asked), alpha 1, beta 0, no epilogue.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <time.h>
#include <vector>

#include "../dispatch.h"
#include "../kernels/kernels.h"
#include "../parallel_gemm.h"
#include "../threadpool.h"
#include "gemm_isas.h"

namespace kindling {
void bench_select_isa(const KernelTable& t);  // gemm_bench_dispatch.cpp
}  // namespace kindling

using namespace kindling;
using Isa = GemmIsa;

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Thread CPU time: on a shared 2-vCPU machine this excludes time the thread was descheduled.
static double cpu_now() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double process_cpu_now() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char** argv) {
  std::string tr = "NN", only, pick;  // pick: "--shapes 64x64x64,512x512x512" runs only those
  int reps = 7, threads = 0;  // threads 0: the ISA's gemm_block directly on this thread
  bool cpu = false, packed = false;  // --clock cpu: rates over thread CPU time instead of wall time
  UnaryOp epi = U_NONE;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--tr")) tr = argv[i + 1];
    else if (!std::strcmp(argv[i], "--isa")) only = argv[i + 1];
    else if (!std::strcmp(argv[i], "--reps")) reps = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--epi")) epi = UnaryOp(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--clock")) cpu = !std::strcmp(argv[i + 1], "cpu");
    else if (!std::strcmp(argv[i], "--packed")) packed = !std::strcmp(argv[i + 1], "1");
    else if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--shapes")) pick = "," + std::string(argv[i + 1]) + ",";
  }
  const bool tA = tr[0] == 'T', tB = tr[1] == 'T';
  std::vector<Isa> isas = gemm_isas();
  std::vector<std::array<int64_t, 3>> shapes = {{64, 64, 64},     {128, 128, 128}, {256, 256, 256},   {512, 512, 512},
                                                {1024, 1024, 1024}, {2048, 2048, 2048}, {1, 784, 512}, {64, 784, 512},
                                                {256, 512, 512}};  // M, K, N
  if (!pick.empty()) {  // --shapes may name any M×K×N
    shapes.clear();
    for (size_t at = 1; at < pick.size();) {
      const size_t end = pick.find(',', at);
      long long m, k, n;
      if (std::sscanf(pick.c_str() + at, "%lldx%lldx%lld", &m, &k, &n) == 3 && m > 0 && k > 0 && n > 0) shapes.push_back({m, k, n});
      at = end + 1;
    }
  }
  if (threads > 0) set_num_threads(threads);
  std::printf("fp32 GEMM, %d thread(s)%s, GFLOP/s (median of %d, %s time), op %s, epilogue %d%s\n",
              threads > 0 ? threads : 1, threads > 0 ? " via parallel_gemm" : "", reps,
              cpu ? (threads > 0 ? "process CPU / threads" : "thread CPU") : "wall", tr.c_str(), (int)epi, packed ? ", B pre-packed" : "");
  std::printf("%-14s", "M×K×N");
  for (auto& isa : isas)
    if (isa.available && (only.empty() || only == isa.name)) std::printf(" %10s", isa.name);
  std::printf("\n");
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> U(-1, 1);
  for (const auto& s : shapes) {
    const int64_t M = s[0], K = s[1], N = s[2];
    const std::string key = std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N);
    std::vector<float> A(M * K), B(K * N), C(M * N), bias(N);
    for (auto& x : A) x = U(rng);
    for (auto& x : B) x = U(rng);
    for (auto& x : bias) x = U(rng);
    GemmArgs g{tA, tB, M, N, K, 1.0f, 0.0f, A.data(), tA ? M : K, B.data(), tB ? K : N, C.data(), N,
               epi != U_NONE ? bias.data() : nullptr, epi, nullptr};
    std::printf("%-14s", (std::to_string(M) + "×" + std::to_string(K) + "×" + std::to_string(N)).c_str());
    const double flops = 2.0 * M * N * K;
    for (auto& isa : isas) {
      if (!isa.available || !(only.empty() || only == isa.name)) continue;
      if (!std::strcmp(isa.name, "reference") && flops > 3e9) { std::printf(" %10s", "-"); continue; }
      const int64_t wsn = isa.workspace();
      float* ws = static_cast<float*>(std::aligned_alloc(64, (wsn * 4 + 63) / 64 * 64));
      float* Bp = packed ? static_cast<float*>(std::aligned_alloc(64, (isa.packed_floats(K, N) * 4 + 63) / 64 * 64)) : nullptr;
      if (Bp) isa.pack_b(g, Bp);
      g.Bp = Bp;
      if (threads > 0)
        bench_select_isa(KernelTable{isa.name, isa.gemm, isa.workspace, isa.pack_b, isa.pack_b_cols, isa.packed_floats, isa.packs_b, isa.split_rows, isa.shared_a_floats, isa.pack_a_shared,
                                     nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr});
      auto run = [&] {
        if (threads > 0) gemm(g);
        else isa.gemm(g, 0, M, 0, N, ws);
      };
      auto clock = [&] { return !cpu ? now() : threads > 0 ? process_cpu_now() / threads : cpu_now(); };
      // Iterations per sample: about 30 ms of work.
      double t0 = now();
      int64_t calls = 0;
      while (now() - t0 < 0.05 || calls < 2) { run(); ++calls; }  // warm-up
      const int64_t iters = std::max<int64_t>(1, (int64_t)(calls * 0.03 / (now() - t0)));
      std::vector<double> rates;
      for (int r = 0; r < reps; ++r) {
        t0 = clock();
        for (int64_t i = 0; i < iters; ++i) run();
        rates.push_back(flops * iters / (clock() - t0) * 1e-9);
      }
      std::sort(rates.begin(), rates.end());
      std::printf(" %10.1f", rates[rates.size() / 2]);
      std::fflush(stdout);
      std::free(ws);
      std::free(Bp);
    }
    std::printf("\n");
  }
  return 0;
}
