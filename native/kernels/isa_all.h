// Declares the kernels of every ISA built for this architecture (isa_api.h once per ISA
// namespace): reference everywhere; avx2 and avx512 on x86-64; neon on arm64. For dispatch.cpp
// and the standalone kernel tests; never compiled under ISA flags.
#pragma once

#define KINDLING_ISA_NS reference
#include "isa_api.h"
#undef KINDLING_ISA_NS
#if defined(__x86_64__) || defined(_M_X64)
#define KINDLING_ISA_NS avx2
#include "isa_api.h"
#undef KINDLING_ISA_NS
#define KINDLING_ISA_NS avx512
#include "isa_api.h"
#undef KINDLING_ISA_NS
#elif defined(__aarch64__)
#define KINDLING_ISA_NS neon
#include "isa_api.h"
#undef KINDLING_ISA_NS
#endif
