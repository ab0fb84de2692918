// im2col, col2im and max pooling through N-API, checked against the geometry.
#include "../kernels/portable/portable_kernels.h"
#include "args.h"
#include "register.h"

namespace kindling {
namespace binding {
namespace {

// dims: [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, rows (1) or batch (0) layout]
struct Columns {
  kindling::ConvGeom g;
  int64_t N;
  bool rows;
  double imageLength, colsLength;
};

Columns geometry(const Napi::CallbackInfo& info, size_t at) {
  Napi::Env env = info.Env();
  F64 dims = f64(info, at, "dims");
  if (dims.length != 15) THROW_RANGE(env, "argument 'dims' must have 15 entries");
  int64_t v[15];
  const char* names[15] = {"N", "C", "H", "W", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "oh", "ow", "layout"};
  for (int k = 0; k < 15; k++) {
    // kernel sizes, strides and dilations from 1; counts, padding and output sizes from 0
    const bool positive = (k >= 4 && k <= 7) || k == 10 || k == 11;
    v[k] = integerAt(env, dims, k, (std::string("dims.") + names[k]).c_str(), positive ? 1 : 0, k == 14 ? 1 : kMaxDim);
  }
  Columns c{{v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]}, v[0], v[14] == 1, 0, 0};
  c.imageLength = double(c.N) * double(c.g.C) * double(c.g.H) * double(c.g.W);
  c.colsLength = double(c.N) * double(c.g.C) * double(c.g.kh) * double(c.g.kw) * double(c.g.oh) * double(c.g.ow);
  return c;
}

// im2col(x, cols, dims): x [N, C, H, W] contiguous, cols as dims' layout; every entry of cols is written
Napi::Value Im2col(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32(info, 0, "x"), cols = f32(info, 1, "cols");
  const Columns c = geometry(info, 2);
  if (double(x.length) != c.imageLength) THROW_RANGE(env, "argument 'x' must have N * C * H * W elements");
  if (double(cols.length) != c.colsLength) THROW_RANGE(env, "argument 'cols' must have N * C * kh * kw * oh * ow elements");
  if (overlaps(x, x.length, cols, cols.length)) THROW_RANGE(env, "argument 'cols' must not share memory with 'x'");
  if (cols.length > 0) kindling::im2col(x.data, cols.data, c.g, c.N, c.rows);
  return env.Undefined();
}

// col2im(cols, img, dims): img += the columns folded back (img is not cleared)
Napi::Value Col2im(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 cols = f32(info, 0, "cols"), img = f32(info, 1, "img");
  const Columns c = geometry(info, 2);
  if (double(img.length) != c.imageLength) THROW_RANGE(env, "argument 'img' must have N * C * H * W elements");
  if (double(cols.length) != c.colsLength) THROW_RANGE(env, "argument 'cols' must have N * C * kh * kw * oh * ow elements");
  if (overlaps(img, img.length, cols, cols.length)) THROW_RANGE(env, "argument 'img' must not share memory with 'cols'");
  if (cols.length > 0 && img.length > 0) kindling::col2im(cols.data, img.data, c.g, c.N, c.rows);
  return env.Undefined();
}

// maxPool2d(x, out, ind, dims): dims [P, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow]; x [P, H, W],
// out [P, oh, ow], ind empty (no indices) or out's length
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32(info, 0, "x"), out = f32(info, 1, "out");
  F64 ind = f64(info, 2, "ind"), dims = f64(info, 3, "dims");
  if (dims.length != 13) THROW_RANGE(env, "argument 'dims' must have 13 entries");
  int64_t v[13];
  const char* names[13] = {"P", "H", "W", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "oh", "ow"};
  for (int k = 0; k < 13; k++) {
    const bool positive = (k >= 3 && k <= 6) || k == 9 || k == 10;
    v[k] = integerAt(env, dims, k, (std::string("dims.") + names[k]).c_str(), positive ? 1 : 0, kMaxDim);
  }
  const kindling::PoolGeom g{v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]};
  if (double(x.length) != double(v[0]) * double(v[1]) * double(v[2])) THROW_RANGE(env, "argument 'x' must have P * H * W elements");
  if (double(out.length) != double(v[0]) * double(g.oh) * double(g.ow)) THROW_RANGE(env, "argument 'out' must have P * oh * ow elements");
  if (ind.length != 0 && ind.length != out.length) THROW_RANGE(env, "argument 'ind' must be empty or have P * oh * ow elements");
  if (overlaps(x, x.length, out, out.length) || overlaps(x, ind) || overlaps(out, ind)) THROW_RANGE(env, "arguments 'x', 'out' and 'ind' must not share memory");
  if (out.length > 0) kindling::max_pool2d(x.data, out.data, ind.length ? ind.data : nullptr, v[0], v[1], v[2], g);
  return env.Undefined();
}

}  // namespace

void register_conv(Napi::Env env, Napi::Object exports) {
  exportFunction<Im2col>(env, exports, "im2col");
  exportFunction<Col2im>(env, exports, "col2im");
  exportFunction<MaxPool2d>(env, exports, "maxPool2d");
}

}  // namespace binding
}  // namespace kindling
