// Binary arithmetic with broadcasting and clamp, NEON (AArch64 baseline): binary_loops.inc in namespace
// kindling::neon.
#include <cstdint>
#include <cstring>

#define KINDLING_ISA_NS neon
#include "../isa_api.h"
#include "binary_loops.inc"
#undef KINDLING_ISA_NS
