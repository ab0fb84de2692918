// The MNIST CNN's convolutions two ways: a direct JS loop (each output a 9·C_in dot product, the
// weight hoisted per tap) against F.conv2d (im2col + GEMM), interleaved, medians; docs/conv.md.
//
//   npm run build && node benchmarks/conv_direct.mjs              (native backend)
//   npm run build && KINDLING_BACKEND=js node benchmarks/conv_direct.mjs
import * as torch from '../dist/index.js';
const F = torch.nn.functional;
// direct convolution, 3×3 stride 1 no padding
function direct(x, w, b, N, C, H, W, Co) {
  const oh = H - 2, ow = W - 2, out = new Float32Array(N * Co * oh * ow);
  for (let n = 0; n < N; n++) for (let o = 0; o < Co; o++) {
    const ob = (n * Co + o) * oh * ow;
    out.fill(b[o], ob, ob + oh * ow);
    for (let c = 0; c < C; c++) {
      const xb = (n * C + c) * H * W, wb = (o * C + c) * 9;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        const wv = w[wb + i * 3 + j];
        for (let y = 0; y < oh; y++) {
          const src = xb + (y + i) * W + j, dst = ob + y * ow;
          for (let xx = 0; xx < ow; xx++) out[dst + xx] += wv * x[src + xx];
        }
      }
    }
  }
  return out;
}
const cases = [['conv1', 1, 32, 28], ['conv2', 32, 64, 26]];
for (const B of [1, 64]) for (const [name, C, Co, H] of cases) {
  const x = torch.randn([B, C, H, H]), w = torch.randn([Co, C, 3, 3]), b = torch.randn([Co]);
  const xd = x.toTypedArray(), wd = w.toTypedArray(), bd = b.toTypedArray();
  const fns = { direct: () => direct(xd, wd, bd, B, C, H, H, Co), im2col_gemm: () => torch.no_grad(() => F.conv2d(x, w, b)) };
  const t = { direct: [], im2col_gemm: [] };
  const reps = B === 64 && name === 'conv2' ? 5 : 9;
  for (let r = 0; r < reps; r++) for (const [k, f] of Object.entries(fns)) { const s = performance.now(); f(); t[k].push(performance.now() - s); }
  const med = (a) => a.sort((p, q) => p - q)[a.length >> 1].toFixed(2);
  console.log(`${name} B=${B}: direct (JS loop) ${med(t.direct)} ms, im2col+GEMM ${med(t.im2col_gemm)} ms`);
}
