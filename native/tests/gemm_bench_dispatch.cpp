// Benchmark-only stand-in for dispatch.cpp: the kernel table parallel_gemm.cpp reads, holding just
// the GEMM entries of the ISA gemm_bench is measuring (set by bench_select_isa).
#include "../dispatch.h"

namespace kindling {
namespace {
KernelTable table{};
}
void bench_select_isa(const KernelTable& t) { table = t; }
const KernelTable& kernels() { return table; }
const char* isa_selection_error() { return nullptr; }
const char* isa_available() { return table.isa; }
}  // namespace kindling
