// Binary arithmetic with broadcasting and clamp, AVX2 (compiled with -march=x86-64-v3): binary_loops.inc in namespace
// kindling::avx2.
#include <cstdint>
#include <cstring>

#define KINDLING_ISA_NS avx2
#include "../isa_api.h"
#include "binary_loops.inc"
#undef KINDLING_ISA_NS
