// Binary arithmetic with broadcasting and clamp, AVX-512 (compiled with -march=x86-64-v4): binary_loops.inc in namespace
// kindling::avx512.
#include <cstdint>
#include <cstring>

#define KINDLING_ISA_NS avx512
#include "../isa_api.h"
#include "binary_loops.inc"
#undef KINDLING_ISA_NS
