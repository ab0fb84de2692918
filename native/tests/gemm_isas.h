// The GEMM kernels of every ISA built for this architecture, for the standalone test and
// benchmark: reference, avx2 and avx512 on x86-64 (avx512 counted available under SIMDe
// emulation, -DKINDLING_GEMM_EMULATE_AVX512); reference and neon on arm64.
#pragma once
#include <cstdint>
#include <vector>

#include "../kernels/kernels.h"

#include "../kernels/isa_all.h"

struct GemmIsa {
  const char* name;
  kindling::SgemmTileFn gemm;
  int64_t (*workspace)();
  void (*pack_b)(const kindling::GemmArgs&, float*);
  void (*pack_b_cols)(const kindling::GemmArgs&, float*, int64_t, int64_t);
  int64_t (*packed_floats)(int64_t, int64_t);
  bool (*packs_b)(const kindling::GemmArgs&);
  int64_t (*split_rows)();
  int64_t (*shared_a_floats)(const kindling::GemmArgs&);
  void (*pack_a_shared)(const kindling::GemmArgs&, float*, int64_t, int64_t);
  kindling::UnaryFn unary;  // the same ISA's activation kernels (the epilogues must match them)
  bool available;
};

#define KINDLING_GEMM_ISA(NS, AVAILABLE) \
  GemmIsa { #NS, kindling::NS::gemm_block, kindling::NS::gemm_workspace_floats, kindling::NS::gemm_pack_b, kindling::NS::gemm_pack_b_cols, kindling::NS::gemm_packed_b_floats, kindling::NS::gemm_packs_b, kindling::NS::gemm_split_rows, kindling::NS::gemm_shared_a_floats, kindling::NS::gemm_pack_a_shared, kindling::NS::unary, AVAILABLE }

inline std::vector<GemmIsa> gemm_isas() {
#if defined(__aarch64__)  // NEON is baseline on arm64
  return {KINDLING_GEMM_ISA(reference, true), KINDLING_GEMM_ISA(neon, true)};
#elif !defined(__x86_64__)
  return {KINDLING_GEMM_ISA(reference, true)};
#else
  __builtin_cpu_init();
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#if defined(KINDLING_GEMM_EMULATE_AVX512)
  const bool v4 = true;  // SIMDe-emulated build
#else
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
  return {KINDLING_GEMM_ISA(reference, true), KINDLING_GEMM_ISA(avx2, v3), KINDLING_GEMM_ISA(avx512, v4)};
#endif
}
