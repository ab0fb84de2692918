/* fp32 FMA throughput probe: the peak GEMM percentages are taken against this, measured in the
 * same run. Each thread runs 12 independent FMA chains (more than latency x ports, 4 x 2 on
 * current x86 cores) over registers only, so nothing but the FMA units limits it.
 * Prints JSON: {"isa": ..., "threads": [{"n": 1, "gflops": ...}, ...]}.
 * Built by `npm run bench:setup` with the system C compiler; no compiler means "missing". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define CHAINS 12
#define ITERS 20000000L

#define BODY(V, FMA, SET1, ADD, LANES)                                          \
  V acc[CHAINS];                                                                \
  for (int c = 0; c < CHAINS; c++) acc[c] = SET1(1.0f + c * 1e-3f);             \
  V m = SET1(0.999999f), a = SET1(1e-7f);                                       \
  for (long i = 0; i < iters; i++) {                                            \
    acc[0] = FMA(acc[0], m, a); acc[1] = FMA(acc[1], m, a);                     \
    acc[2] = FMA(acc[2], m, a); acc[3] = FMA(acc[3], m, a);                     \
    acc[4] = FMA(acc[4], m, a); acc[5] = FMA(acc[5], m, a);                     \
    acc[6] = FMA(acc[6], m, a); acc[7] = FMA(acc[7], m, a);                     \
    acc[8] = FMA(acc[8], m, a); acc[9] = FMA(acc[9], m, a);                     \
    acc[10] = FMA(acc[10], m, a); acc[11] = FMA(acc[11], m, a);                 \
  }                                                                             \
  V s = acc[0];                                                                 \
  for (int c = 1; c < CHAINS; c++) s = ADD(s, acc[c]);                          \
  float out[LANES];                                                             \
  memcpy(out, &s, sizeof out);                                                  \
  return out[0];

#include <string.h>
__attribute__((target("avx2,fma"))) static float run_avx2(long iters) {
  BODY(__m256, _mm256_fmadd_ps, _mm256_set1_ps, _mm256_add_ps, 8)
}
__attribute__((target("avx512f"))) static float run_avx512(long iters) {
  BODY(__m512, _mm512_fmadd_ps, _mm512_set1_ps, _mm512_add_ps, 16)
}

static int lanes;
static volatile float sink;
static void *worker(void *arg) {
  long iters = *(long *)arg;
  sink = lanes == 16 ? run_avx512(iters) : run_avx2(iters);
  return NULL;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Best of 9 runs: the peak is what the core can do, not what a noisy moment gives. */
static double measure(int n) {
  pthread_t th[256];
  long iters = ITERS;
  double best = 0;
  for (int r = 0; r < 9; r++) {
    double t = now();
    for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, worker, &iters);
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
    double g = (double)n * iters * CHAINS * lanes * 2 / (now() - t) / 1e9;
    if (g > best) best = g;
  }
  return best;
}

int main(int argc, char **argv) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) lanes = 16;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) lanes = 8;
  else { printf("{\"missing\": \"no AVX2+FMA on this CPU\"}\n"); return 0; }
  printf("{\"isa\": \"%s\", \"threads\": [", lanes == 16 ? "avx512f" : "avx2+fma");
  for (int i = 1; i < argc; i++) {
    int n = atoi(argv[i]);
    if (n < 1 || n > 256) continue;
    printf("%s{\"n\": %d, \"gflops\": %.2f}", i > 1 ? ", " : "", n, measure(n));
  }
  printf("]}\n");
  return 0;
}
#else
int main(void) {
  printf("{\"missing\": \"the FMA probe is written for x86-64\"}\n");
  return 0;
}
#endif
