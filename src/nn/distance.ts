/** nn.CosineSimilarity and nn.PairwiseDistance: the functional forms with their arguments kept. */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { cosine_similarity, pairwise_distance } from '../ops/similarity.js';
import { bindUntyped } from '../python.js';

/** Cosine similarity of x1 and x2 along dim (PyTorch's repr shows no arguments). */
export class CosineSimilarity extends Module {
  declare dim: number;
  declare eps: number;

  constructor(dim?: number | { dim?: number; eps?: number }, eps?: number | { eps?: number }) {
    super();
    const [d, e] = bindUntyped('CosineSimilarity.__init__', [dim, eps], ['dim', 'eps']) as (number | undefined)[];
    this.dim = d ?? 1;
    this.eps = e ?? 1e-8;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return cosine_similarity(x1, x2, this.dim, this.eps);
  }
}

/** ‖x1 − x2 + eps‖_p over the last dim; `norm` holds p, as in PyTorch. */
export class PairwiseDistance extends Module {
  declare norm: number;
  declare eps: number;
  declare keepdim: boolean;

  constructor(p?: number | { p?: number; eps?: number; keepdim?: boolean }, eps?: number | { eps?: number; keepdim?: boolean }, keepdim?: boolean | { keepdim?: boolean }) {
    super();
    const [n, e, k] = bindUntyped('PairwiseDistance.__init__', [p, eps, keepdim], ['p', 'eps', 'keepdim']) as (number | boolean | undefined)[];
    this.norm = (n as number | undefined) ?? 2;
    this.eps = (e as number | undefined) ?? 1e-6;
    this.keepdim = (k as boolean | undefined) ?? false;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwise_distance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
