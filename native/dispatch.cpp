// Chooses the kernel table once. Compiled with baseline flags: it only reads cpuid and calls
// through pointers into the per-ISA translation units.
#include "dispatch.h"

#include <cstdlib>
#include <cstring>

#include "kernels/isa_all.h"
#if defined(__x86_64__) || defined(_M_X64)
#define KINDLING_X86 1
#include <cpuid.h>
#elif defined(__aarch64__)
#define KINDLING_ARM64 1
#endif

namespace kindling {
namespace {

#define KINDLING_TABLE(NAME, NS) \
  KernelTable { NAME, NS::gemm_block, NS::gemm_workspace_floats, NS::gemm_pack_b, NS::gemm_pack_b_cols, NS::gemm_packed_b_floats, NS::gemm_packs_b, NS::gemm_split_rows, NS::gemm_shared_a_floats, NS::gemm_pack_a_shared, NS::unary, NS::unary_grad, NS::softmax, NS::softmax_grad, NS::binary_broadcast, NS::clamp, NS::sgd_step, NS::adam_step }

// NEON shares AVX2's rank: each is the one SIMD level of its architecture that sits above scalar
// (the names never meet: an x86 build knows no neon, an arm64 build no avx2/avx512).
enum Level { SCALAR = 0, AVX2 = 1, AVX512 = 2, NEON = 1 };

#ifdef KINDLING_X86
uint64_t xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t(edx) << 32) | eax;
}

// The best level the CPU has and the OS has enabled (xgetbv: the OS saves ymm / zmm state).
Level cpu_level() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return SCALAR;
  const bool osxsave = c & (1u << 27), fma = c & (1u << 12), avx = c & (1u << 28);
  if (!osxsave || !avx) return SCALAR;
  const uint64_t xcr0 = xgetbv0();
  const bool ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xe6) == 0xe6;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return SCALAR;
  const bool avx2 = b & (1u << 5), bmi2 = b & (1u << 8);
  const bool avx512f = b & (1u << 16), avx512dq = b & (1u << 17), avx512bw = b & (1u << 30), avx512vl = b & (1u << 31), avx512cd = b & (1u << 28);
  if (!(ymm && avx2 && fma && bmi2)) return SCALAR;
  if (zmm && avx512f && avx512dq && avx512bw && avx512vl && avx512cd) return AVX512;
  return AVX2;
}
#elif defined(KINDLING_ARM64)
// Advanced SIMD (NEON) is part of the AArch64 base architecture: every arm64 CPU has it.
Level cpu_level() { return NEON; }
#else
Level cpu_level() { return SCALAR; }
#endif

struct Selection {
  KernelTable table;
  const char* error;
};

Selection select() {
  const Level best = cpu_level();
  Level want = best;
  const char* error = nullptr;
  const char* env = std::getenv("KINDLING_ISA");
  if (env && *env) {
#if defined(KINDLING_ARM64)
    if (!std::strcmp(env, "scalar")) want = SCALAR;
    else if (!std::strcmp(env, "neon")) want = NEON;
    else error = "KINDLING_ISA must be one of neon, scalar";
#else
    if (!std::strcmp(env, "scalar")) want = SCALAR;
    else if (!std::strcmp(env, "avx2")) want = AVX2;
    else if (!std::strcmp(env, "avx512")) want = AVX512;
    else error = "KINDLING_ISA must be one of avx512, avx2, scalar";
#endif
    if (!error && want > best) {
      error = "KINDLING_ISA asks for an instruction set this CPU (or OS) does not support";
      want = best;
    }
  }
#ifdef KINDLING_X86
  // The AVX-512 kernels (GEMM and activations) pass their full tests under SIMDe emulation
  // (npm run test:native); no AVX-512 CPU has run them yet.
  if (want == AVX512) return {KINDLING_TABLE("avx512", avx512), error};
  if (want == AVX2) return {KINDLING_TABLE("avx2", avx2), error};
#elif defined(KINDLING_ARM64)
  if (want == NEON) return {KINDLING_TABLE("neon", neon), error};
#endif
  return {KINDLING_TABLE("scalar", reference), error};
}

const Selection& selection() {
  static const Selection s = select();  // function-local: initialised once, thread-safe
  return s;
}

}  // namespace

const KernelTable& kernels() { return selection().table; }
const char* isa_selection_error() { return selection().error; }

const char* isa_available() {
#if defined(KINDLING_ARM64)
  return cpu_level() == NEON ? "neon,scalar" : "scalar";
#else
  switch (cpu_level()) {
    case AVX512: return "avx512,avx2,scalar";
    case AVX2: return "avx2,scalar";
    default: return "scalar";
  }
#endif
}

}  // namespace kindling
