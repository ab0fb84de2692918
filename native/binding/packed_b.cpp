#include "packed_b.h"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "../alloc.h"
#include "args.h"

namespace kindling {
namespace binding {
namespace {

const napi_type_tag kPackedTag = {0x6b696e646c696e67ULL, 0x7061636b65642d42ULL};

// Every live PackedB of every environment. Only an environment's own thread touches its entries'
// data (packB, gemm and the finalizer all run there), so eviction never frees memory in use.
std::mutex registryMu;
std::vector<PackedB*> registry;
std::atomic<uint64_t> useClock{0};

// Bytes of packed operands each environment may hold (KINDLING_PACKED_BUDGET_MB, 512 by default).
int64_t budgetBytes() {
  static const int64_t bytes = [] {
    const char* e = std::getenv("KINDLING_PACKED_BUDGET_MB");
    const long long mb = e ? std::atoll(e) : 0;
    return (mb > 0 ? mb : 512) << 20;
  }();
  return bytes;
}

void releaseData(PackedB* p) {
  if (!p->data) return;
  std::free(p->data);
  p->data = nullptr;
  int64_t adjusted;
  napi_adjust_external_memory(p->env, -p->bytes, &adjusted);
}

void finalizePacked(napi_env, void* data, void*) {
  auto* p = static_cast<PackedB*>(data);
  {
    std::lock_guard<std::mutex> lk(registryMu);
    for (size_t i = 0; i < registry.size(); i++) {
      if (registry[i] == p) {
        registry[i] = registry.back();
        registry.pop_back();
        break;
      }
    }
  }
  releaseData(p);
  delete p;
}

// Frees the least recently used operands of `keep`'s environment until `bytes` more fit.
void evictFor(const PackedB* keep, int64_t bytes) {
  std::lock_guard<std::mutex> lk(registryMu);
  int64_t held = 0;
  for (PackedB* q : registry) {
    if (q->env == keep->env && q->data) held += q->bytes;
  }
  while (held + bytes > budgetBytes()) {
    PackedB* oldest = nullptr;
    for (PackedB* q : registry) {
      if (q->env == keep->env && q->data && q != keep && (!oldest || q->lastUse < oldest->lastUse)) oldest = q;
    }
    if (!oldest) return;
    held -= oldest->bytes;
    releaseData(oldest);
  }
}

}  // namespace

PackedB* unwrapPacked(napi_env env, napi_value v) {
  bool tagged = false;
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_object) return nullptr;
  if (napi_check_object_type_tag(env, v, &kPackedTag, &tagged) != napi_ok || !tagged) return nullptr;
  void* raw = nullptr;
  if (napi_unwrap(env, v, &raw) != napi_ok) return nullptr;
  return static_cast<PackedB*>(raw);
}

void allocatePacked(PackedB* p, int64_t bytes) {
  if (p->data && p->bytes == bytes) return;
  releaseData(p);
  evictFor(p, bytes);
  p->data = aligned_floats(bytes / 4);
  p->bytes = bytes;
  int64_t adjusted;
  napi_adjust_external_memory(p->env, bytes, &adjusted);
}

Napi::Object wrapPacked(Napi::Env env, PackedB* owned) {
  std::unique_ptr<PackedB> p(owned);
  auto fail = [&] {
    releaseData(p.get());
    return JsError(JsError::Error, "packB: could not attach the packed weights");
  };
  napi_value o;
  if (napi_create_object(env, &o) != napi_ok) throw fail();
  if (napi_wrap(env, o, p.get(), finalizePacked, nullptr, nullptr) != napi_ok) throw fail();
  PackedB* raw = p.release();  // the finalizer owns it now
  {
    std::lock_guard<std::mutex> lk(registryMu);
    registry.push_back(raw);
  }
  if (napi_type_tag_object(env, o, &kPackedTag) != napi_ok) throw JsError(JsError::Error, "packB: could not tag the packed weights");
  return Napi::Object(env, o);
}

void touchPacked(PackedB* p) { p->lastUse = useClock.fetch_add(1, std::memory_order_relaxed) + 1; }

}  // namespace binding
}  // namespace kindling
