// Native allocations that can fail (packed weights, workspaces) throw AllocError, which names the
// bytes requested: the binding turns it into PyTorch's "DefaultCPUAllocator: can't allocate
// memory: you tried to allocate N bytes." instead of letting std::bad_alloc abort the process.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace kindling {

struct AllocError : std::bad_alloc {
  size_t bytes;
  explicit AllocError(size_t b) : bytes(b) {}
  const char* what() const noexcept override { return "kindling: can't allocate memory"; }
};

// 64-byte aligned room for `floats` floats (rounded up to whole cache lines); free with std::free.
inline float* aligned_floats(int64_t floats) {
  const size_t bytes = ((static_cast<size_t>(floats) * sizeof(float) + 63) / 64) * 64;
  void* p = std::aligned_alloc(64, bytes);
  if (!p) throw AllocError(bytes);
  return static_cast<float*>(p);
}

}  // namespace kindling
