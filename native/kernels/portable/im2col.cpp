// im2col and col2im of a 2-D convolution (1-d ones are 2-d over a height of 1). Memory-bound, so
// one portable loop serves every ISA: a window row that lies inside the image is one memcpy (stride
// 1) or a branch-free strided loop, and the columns that read padding are zero fills.
#include <algorithm>
#include <cstring>

#include "portable_kernels.h"

namespace kindling {
namespace {

// The output columns [lo, hi) whose input column x0 + xx*sw lies in [0, W).
inline void inside(int64_t x0, int64_t sw, int64_t W, int64_t ow, int64_t& lo, int64_t& hi) {
  lo = x0 >= 0 ? 0 : std::min((-x0 + sw - 1) / sw, ow);
  hi = W - 1 - x0 < 0 ? 0 : std::min(ow, (W - 1 - x0) / sw + 1);
  hi = std::max(hi, lo);
}

}  // namespace

void im2col(const float* x, float* cols, const ConvGeom& g, int64_t N, bool rows) {
  const int64_t L = g.oh * g.ow, R = g.C * g.kh * g.kw;
  const int64_t sR = rows ? N * L : L, sN = rows ? L : R * L;
  for (int64_t n = 0; n < N; n++) {
    for (int64_t c = 0; c < g.C; c++) {
      const float* plane = x + (n * g.C + c) * g.H * g.W;
      for (int64_t i = 0; i < g.kh; i++) {
        for (int64_t j = 0; j < g.kw; j++) {
          float* base = cols + ((c * g.kh + i) * g.kw + j) * sR + n * sN;
          const int64_t x0 = j * g.dw - g.pw;
          int64_t lo, hi;
          inside(x0, g.sw, g.W, g.ow, lo, hi);
          for (int64_t y = 0; y < g.oh; y++) {
            const int64_t iy = y * g.sh - g.ph + i * g.dh;
            float* o = base + y * g.ow;
            if (iy < 0 || iy >= g.H) {
              std::fill(o, o + g.ow, 0.0f);
              continue;
            }
            const float* src = plane + iy * g.W + x0;
            std::fill(o, o + lo, 0.0f);
            if (g.sw == 1) {
              if (hi > lo) std::memcpy(o + lo, src + lo, (hi - lo) * sizeof(float));
            } else {
              for (int64_t xx = lo; xx < hi; xx++) o[xx] = src[xx * g.sw];
            }
            std::fill(o + hi, o + g.ow, 0.0f);
          }
        }
      }
    }
  }
}

void col2im(const float* cols, float* img, const ConvGeom& g, int64_t N, bool rows) {
  const int64_t L = g.oh * g.ow, R = g.C * g.kh * g.kw;
  const int64_t sR = rows ? N * L : L, sN = rows ? L : R * L;
  for (int64_t n = 0; n < N; n++) {
    for (int64_t c = 0; c < g.C; c++) {
      float* plane = img + (n * g.C + c) * g.H * g.W;
      for (int64_t i = 0; i < g.kh; i++) {
        for (int64_t j = 0; j < g.kw; j++) {
          const float* base = cols + ((c * g.kh + i) * g.kw + j) * sR + n * sN;
          const int64_t x0 = j * g.dw - g.pw;
          int64_t lo, hi;
          inside(x0, g.sw, g.W, g.ow, lo, hi);
          for (int64_t y = 0; y < g.oh; y++) {
            const int64_t iy = y * g.sh - g.ph + i * g.dh;
            if (iy < 0 || iy >= g.H) continue;
            const float* o = base + y * g.ow;
            float* dst = plane + iy * g.W + x0;
            if (g.sw == 1) {
              for (int64_t xx = lo; xx < hi; xx++) dst[xx] += o[xx];
            } else {
              for (int64_t xx = lo; xx < hi; xx++) dst[xx * g.sw] += o[xx];
            }
          }
        }
      }
    }
  }
}

}  // namespace kindling
