// Binary arithmetic with broadcasting and clamp, portable C++ (baseline flags): binary_loops.inc in namespace
// kindling::reference.
#include <cstdint>
#include <cstring>

#define KINDLING_ISA_NS reference
#include "../isa_api.h"
#include "binary_loops.inc"
#undef KINDLING_ISA_NS
