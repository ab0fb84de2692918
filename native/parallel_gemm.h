// GEMM over the thread pool: C is split into blocks of whole register tiles along the dimension
// with more of them; each thread runs the ISA's gemm_block on its blocks with its own workspace.
#pragma once
#include "kernels/kernels.h"

namespace kindling {
void gemm(const GemmArgs& a);
}
