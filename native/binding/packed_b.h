// Pre-packed B operands (a layer's weights packed for the ISA's GEMM tile), owned by native code
// and reachable from JS only through an opaque wrapped object. Their memory must come back
// without waiting for the garbage collector: N-API finalizers run only when the event loop
// turns, and a synchronous training loop never lets it. So a packed operand is repacked in place
// when its weights change (packB's `reuse`), and each JS environment keeps at most 512 MiB of
// them (KINDLING_PACKED_BUDGET_MB): packing more evicts the least recently used, whose object
// stays valid but empty (gemm then reports it unused, and the caller packs again).
#pragma once
#include <napi.h>

#include <cstdint>

#include "../dispatch.h"

namespace kindling {
namespace binding {

struct PackedB {
  napi_env env;
  float* data;  // null once released or evicted
  int64_t bytes;
  const KernelTable* table;  // packing is specific to the ISA's tile
  bool transB;
  int64_t K, N, ldb, bOff;
  uint64_t lastUse;
};

// The PackedB wrapped by `v`, or null when `v` is not an object returned by packB.
PackedB* unwrapPacked(napi_env env, napi_value v);

// Room for `bytes` of packed data in `p` (reusing its buffer when the size matches), evicting
// other operands of its environment beyond the budget. Throws AllocError.
void allocatePacked(PackedB* p, int64_t bytes);

// A new wrapped object owning `p` (registered for eviction, freed by its finalizer).
Napi::Object wrapPacked(Napi::Env env, PackedB* p);

// Marks `p` as just used, for the eviction order.
void touchPacked(PackedB* p);

}  // namespace binding
}  // namespace kindling
