// Fused optimizer updates, the portable reference (baseline flags: SSE2 on x86-64, Advanced SIMD
// on arm64, else scalar): optim_update.inc in namespace kindling::reference.
// FMA contraction off, before any header: each op of the update rounds on its own, as in the JS
// reference, whatever the ISA (GCC contracts a·b + c across statements and intrinsics otherwise).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#include <cstdint>

#define KINDLING_ISA_NS reference
#include "../isa_api.h"
#include "optim_update.inc"
#undef KINDLING_ISA_NS
