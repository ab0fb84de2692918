/**
 * torch.nn.functional: stateless forms of the layers, activations and losses, each with its
 * Python signature (positional arguments, a trailing options object keyed by keyword, or both).
 */
import type { Tensor } from '../tensor.js';
import type { DTypeLike } from '../dtype.js';
import { pyfn } from '../python.js';
import * as A from '../ops/activation.js';
import * as L from '../ops/loss.js';
import * as U from '../ops/unary.js';
import { linear as linearOp } from '../ops/linalg.js';
import { scaled_dot_product_attention as sdpaOp } from '../ops/attention.js';
import { dropout as dropoutOp } from '../ops/dropout.js';
import { embedding as embeddingOp } from '../ops/embedding.js';
import { one_hot as oneHotOp } from '../ops/scatter.js';
import { layer_norm as layerNormOp, batch_norm as batchNormOp } from '../ops/normalization.js';
import * as Dst from '../ops/similarity.js';
import { convNd, conv_transpose2d as convTranspose2dOp, unfold as unfoldOp, fold as foldOp, type PaddingArg } from '../ops/conv.js';
import * as P from '../ops/pool.js';
import { pad as padOp } from '../ops/pad.js';
import { interpolate as interpolateOp } from '../ops/interpolate.js';

export type { Reduction, ReductionOptions, SmoothL1Options, HuberOptions, NLLOptions, CrossEntropyOptions, BCEOptions, BCEWithLogitsOptions, KLDivOptions } from '../ops/loss.js';
type Opt<T> = T | null | undefined;
/** Written in Python in PyTorch (all but linear, sigmoid and tanh): Python's own missing-argument message. */
const PY = { python: true };

export const linear = pyfn('linear(Tensor input, Tensor weight, Tensor? bias=None)', (x: Tensor, w: Tensor, b: Opt<Tensor>) => linearOp(x, w, b));
export const dropout = pyfn('dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False)', dropoutOp, PY);
export const embedding = pyfn('embedding(Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False)', embeddingOp, PY);
export const layer_norm = pyfn('layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)', layerNormOp, PY);
// PyTorch 2.x's function (2.1's scale keyword); the C++ op, not written in Python
export const scaled_dot_product_attention = pyfn('scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, *, float? scale=None)',
  (q: Tensor, k: Tensor, v: Tensor, mask: Opt<Tensor>, p: number, causal: boolean, scale: Opt<number>) => sdpaOp(q, k, v, mask ?? null, p, causal, scale ?? null));
export const one_hot = pyfn('one_hot(Tensor tensor, int num_classes=-1)', oneHotOp);
export const batch_norm = pyfn('batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05)', batchNormOp, PY);

// ---- normalizing and distances ------------------------------------------------------------------

export const normalize = pyfn('normalize(Tensor input, float p=2.0, int dim=1, float eps=1e-12, Tensor? out=None)',
  (x: Tensor, p: number, dim: number, eps: number, out: Opt<Tensor>) => Dst.normalize(x, p, dim, eps, out), PY);
export const cosine_similarity = pyfn('cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08)', Dst.cosine_similarity);
export const pairwise_distance = pyfn('pairwise_distance(Tensor x1, Tensor x2, float p=2, float eps=1e-06, bool keepdim=False)', Dst.pairwise_distance);

// ---- convolution, pooling, padding, resampling --------------------------------------------------

type Ints = number | readonly number[];
export const conv1d = pyfn('conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, Any padding=0, int[1] dilation=1, int groups=1)',
  (x: Tensor, w: Tensor, b: Opt<Tensor>, stride: Ints, padding: PaddingArg, dilation: Ints, groups: number) => convNd(1, x, w, b, stride, padding, dilation, groups));
export const conv2d = pyfn('conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, Any padding=0, int[1] dilation=1, int groups=1)',
  (x: Tensor, w: Tensor, b: Opt<Tensor>, stride: Ints, padding: PaddingArg, dilation: Ints, groups: number) => convNd(2, x, w, b, stride, padding, dilation, groups));
export const conv_transpose2d = pyfn('conv_transpose2d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0, int[1] output_padding=0, int groups=1, int[1] dilation=1)', convTranspose2dOp);
export const max_pool1d = pyfn('max_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[1] dilation=1, bool ceil_mode=False, bool return_indices=False)', P.max_pool1d, PY);
export const max_pool2d = pyfn('max_pool2d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, int[1] dilation=1, bool ceil_mode=False, bool return_indices=False)', P.max_pool2d, PY);
export const avg_pool1d = pyfn('avg_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True)', P.avg_pool1d);
export const avg_pool2d = pyfn('avg_pool2d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)', P.avg_pool2d);
export const adaptive_avg_pool2d = pyfn('adaptive_avg_pool2d(Tensor input, Any output_size)', P.adaptive_avg_pool2d, PY);
export const pad = pyfn("pad(Tensor input, int[] pad, str mode='constant', float? value=None)", padOp);
export const interpolate = pyfn("interpolate(Tensor input, Any size=None, Any scale_factor=None, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)", interpolateOp, PY);
export const unfold = pyfn('unfold(Tensor input, int[1] kernel_size, int[1] dilation=1, int[1] padding=0, int[1] stride=1)', unfoldOp, PY);
export const fold = pyfn('fold(Tensor input, int[1] output_size, int[1] kernel_size, int[1] dilation=1, int[1] padding=0, int[1] stride=1)', foldOp, PY);

// ---- activations --------------------------------------------------------------------------------

export const relu = pyfn('relu(Tensor input, bool inplace=False)', A.relu, PY);
export const relu_ = pyfn('relu_(Tensor input)', A.relu_, PY);
export const relu6 = pyfn('relu6(Tensor input, bool inplace=False)', A.relu6, PY);
export const hardtanh = pyfn('hardtanh(Tensor input, Scalar min_val=-1.0, Scalar max_val=1.0, bool inplace=False)', A.hardtanh, PY);
export const hardtanh_ = pyfn('hardtanh_(Tensor input, Scalar min_val=-1.0, Scalar max_val=1.0)', A.hardtanh_, PY);
export const leaky_relu = pyfn('leaky_relu(Tensor input, Scalar negative_slope=0.01, bool inplace=False)', A.leaky_relu, PY);
export const leaky_relu_ = pyfn('leaky_relu_(Tensor input, Scalar negative_slope=0.01)', A.leaky_relu_, PY);
export const prelu = pyfn('prelu(Tensor input, Tensor weight)', A.prelu, PY);
export const elu = pyfn('elu(Tensor input, Scalar alpha=1.0, bool inplace=False)', A.elu, PY);
export const elu_ = pyfn('elu_(Tensor input, Scalar alpha=1.0)', A.elu_, PY);
export const selu = pyfn('selu(Tensor input, bool inplace=False)', A.selu, PY);
export const selu_ = pyfn('selu_(Tensor input)', A.selu_, PY);
export const celu = pyfn('celu(Tensor input, Scalar alpha=1.0, bool inplace=False)', A.celu, PY);
export const celu_ = pyfn('celu_(Tensor input, Scalar alpha=1.0)', A.celu_, PY);
export const gelu = pyfn('gelu(Tensor input, str approximate=\'none\')', A.gelu, PY);
export const silu = pyfn('silu(Tensor input, bool inplace=False)', A.silu, PY);
export const mish = pyfn('mish(Tensor input, bool inplace=False)', A.mish, PY);
export const softplus = pyfn('softplus(Tensor input, Scalar beta=1, Scalar threshold=20)', A.softplus, PY);
export const softsign = pyfn('softsign(Tensor input)', A.softsign, PY);
export const hardsigmoid = pyfn('hardsigmoid(Tensor input, bool inplace=False)', A.hardsigmoid, PY);
export const hardswish = pyfn('hardswish(Tensor input, bool inplace=False)', A.hardswish, PY);
export const logsigmoid = pyfn('logsigmoid(Tensor input)', A.logsigmoid, PY);
export const sigmoid = pyfn('sigmoid(Tensor input)', U.sigmoid);
export const tanh = pyfn('tanh(Tensor input)', U.tanh);
type SoftmaxFn = (input: Tensor, dim?: number | null, _stacklevel?: number, dtype?: DTypeLike | null) => Tensor;
export const softmax = pyfn('softmax(Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None)', A.softmax as SoftmaxFn, PY);
export const log_softmax = pyfn('log_softmax(Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None)', A.log_softmax as SoftmaxFn, PY);
export const softmin = pyfn('softmin(Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None)', A.softmin as SoftmaxFn, PY);
export const threshold = pyfn('threshold(Tensor input, Scalar threshold, Scalar value, bool inplace=False)', A.threshold, PY);
export const threshold_ = pyfn('threshold_(Tensor input, Scalar threshold, Scalar value)', A.threshold_, PY);
export const tanhshrink = pyfn('tanhshrink(Tensor input)', A.tanhshrink, PY);
export const hardshrink = pyfn('hardshrink(Tensor input, Scalar lambd=0.5)', A.hardshrink, PY);
export const softshrink = pyfn('softshrink(Tensor input, Scalar lambd=0.5)', A.softshrink, PY);
export const glu = pyfn('glu(Tensor input, int dim=-1)', A.glu, PY);

// ---- losses -------------------------------------------------------------------------------------
// `reduction` is checked by the loss (PyTorch's ValueError wording), so it is typed Any here.

const RED = "bool? size_average=None, bool? reduce=None, Any reduction='mean'";
export const mse_loss = pyfn(`mse_loss(Tensor input, Tensor target, ${RED})`, L.mse_loss, PY);
export const l1_loss = pyfn(`l1_loss(Tensor input, Tensor target, ${RED})`, L.l1_loss, PY);
export const smooth_l1_loss = pyfn(`smooth_l1_loss(Tensor input, Tensor target, ${RED}, float beta=1.0)`, L.smooth_l1_loss, PY);
export const huber_loss = pyfn("huber_loss(Tensor input, Tensor target, Any reduction='mean', float delta=1.0)", L.huber_loss, PY);
export const nll_loss = pyfn("nll_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, Any reduction='mean')", L.nll_loss, PY);
export const cross_entropy = pyfn("cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, Any reduction='mean', float label_smoothing=0.0)", L.cross_entropy, PY);
export const binary_cross_entropy = pyfn(`binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, ${RED})`, L.binary_cross_entropy, PY);
export const binary_cross_entropy_with_logits = pyfn(`binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, ${RED}, Tensor? pos_weight=None)`, L.binary_cross_entropy_with_logits, PY);
export const kl_div = pyfn(`kl_div(Tensor input, Tensor target, ${RED}, bool log_target=False)`, L.kl_div, PY);
