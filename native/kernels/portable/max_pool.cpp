// Max pooling over the last two dims of P planes, with the argmax of each window. Memory-bound, so
// one portable loop serves every ISA, with ATen's rule: a value wins when it is greater or NaN, so
// ties keep the first and a NaN propagates.
#include <algorithm>
#include <limits>

#include "portable_kernels.h"

namespace kindling {

void max_pool2d(const float* x, float* out, double* ind, int64_t P, int64_t H, int64_t W, const PoolGeom& g) {
  for (int64_t p = 0; p < P; p++) {
    const float* plane = x + p * H * W;
    float* o = out + p * g.oh * g.ow;
    double* oi = ind ? ind + p * g.oh * g.ow : nullptr;
    for (int64_t i = 0; i < g.oh; i++) {
      int64_t h0 = i * g.sh - g.ph;
      const int64_t h1 = std::min(h0 + (g.kh - 1) * g.dh + 1, H);
      while (h0 < 0) h0 += g.dh;
      for (int64_t j = 0; j < g.ow; j++) {
        int64_t w0 = j * g.sw - g.pw;
        const int64_t w1 = std::min(w0 + (g.kw - 1) * g.dw + 1, W);
        while (w0 < 0) w0 += g.dw;
        float best = -std::numeric_limits<float>::infinity();
        int64_t at = h0 * W + w0;
        for (int64_t y = h0; y < h1; y += g.dh) {
          const float* row = plane + y * W;
          for (int64_t xx = w0; xx < w1; xx += g.dw) {
            const float v = row[xx];
            if (v > best || v != v) {
              best = v;
              at = y * W + xx;
            }
          }
        }
        o[i * g.ow + j] = best;
        if (oi) oi[i * g.ow + j] = static_cast<double>(at);
      }
    }
  }
}

}  // namespace kindling
