// Fused optimizer updates, arm64 Advanced SIMD: optim_update.inc in namespace kindling::neon.
// FMA contraction off, before any header: each op of the update rounds on its own, as in the JS
// reference, whatever the ISA (GCC contracts a·b + c across statements and intrinsics otherwise).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <arm_neon.h>

#include <cstdint>

#define KINDLING_ISA_NS neon
#include "../isa_api.h"
#include "optim_update.inc"
#undef KINDLING_ISA_NS
