/** nn.Embedding: a lookup table of num_embeddings vectors of size embedding_dim. */
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Tensor } from '../tensor.js';
import { embedding, normPaddingIdx } from '../ops/embedding.js';
import { empty } from '../ops/creation.js';
import { Signature } from '../python.js';
import { no_grad } from '../autograd/grad_mode.js';
import { get_default_dtype, toDType, type DTypeLike } from '../dtype.js';
import { pyRepr } from '../python.js';
import * as init from './init.js';

export interface EmbeddingArgs {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
  dtype?: DTypeLike;
  device?: string;
}

const INIT = new Signature('Embedding.__init__(Any num_embeddings, Any embedding_dim, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False, Tensor? _weight=None, *, ScalarType? dtype=None, str? device=None)');

const FROM_PRETRAINED = new Signature('from_pretrained(Tensor embeddings, bool freeze=True, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False)');

/**
 * Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
 * scale_grad_by_freq=False, sparse=False, _weight=None): weights ~ N(0, 1) with the padding row
 * zeroed. sparse only shows in the repr: gradients are always dense here.
 */
export class Embedding extends Module {
  declare num_embeddings: number;
  declare embedding_dim: number;
  declare padding_idx: number | null;
  declare max_norm: number | null;
  declare norm_type: number;
  declare scale_grad_by_freq: boolean;
  declare weight: Parameter;
  declare sparse: boolean;

  constructor(
    num_embeddings: number,
    embedding_dim: number,
    padding_idx?: number | null | EmbeddingArgs,
    max_norm?: number | null,
    norm_type?: number,
    scale_grad_by_freq?: boolean,
    sparse?: boolean,
    _weight?: Tensor | null,
  ) {
    super();
    const [, , pad, maxNorm, normType, byFreq, sp, w, dtypeArg, device] = INIT.parse([num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight]) as
      [number, number, number | null, number | null, number, boolean, boolean, Tensor | null, DTypeLike | null, string | null];
    for (const [name, v] of [['num_embeddings', num_embeddings], ['embedding_dim', embedding_dim]] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TypeError(`${name} must be a non-negative integer, but got ${String(v)}`);
    }
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    this.padding_idx = normPaddingIdx(pad, num_embeddings);
    this.max_norm = maxNorm;
    this.norm_type = normType;
    this.scale_grad_by_freq = byFreq;
    if (w === null) {
      const dtype = toDType(dtypeArg ?? undefined, get_default_dtype());
      this.weight = new Parameter(empty([num_embeddings, embedding_dim], { dtype, device: device ?? undefined }));
      this.reset_parameters();
    } else {
      if (w.ndim !== 2 || w.shape[0] !== num_embeddings || w.shape[1] !== embedding_dim) {
        throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
      }
      this.weight = new Parameter(w);
    }
    this.sparse = sp;
  }

  /** Builds an Embedding around an existing [rows, cols] matrix (shared, not copied); frozen by default. */
  static from_pretrained(
    embeddings: Tensor,
    freeze: boolean | ({ freeze?: boolean } & Omit<EmbeddingArgs, '_weight' | 'dtype' | 'device'>) = true,
    padding_idx?: number | null,
    max_norm?: number | null,
    norm_type?: number,
    scale_grad_by_freq?: boolean,
    sparse?: boolean,
  ): Embedding {
    const [, frozen, pad, maxNorm, normType, byFreq, sp] = FROM_PRETRAINED.parse([embeddings, freeze, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse]) as
      [Tensor, boolean, number | null, number | null, number, boolean, boolean];
    if (embeddings.ndim !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    const e = new Embedding(rows, cols, pad, maxNorm, normType, byFreq, sp, embeddings);
    e.weight.requires_grad = !frozen;
    return e;
  }

  reset_parameters(): void {
    init.normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }

  _fill_padding_idx_with_zero(): void {
    const pad = this.padding_idx;
    if (pad !== null) no_grad(() => this.weight.select(0, pad).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.padding_idx, this.max_norm, this.norm_type, this.scale_grad_by_freq, this.sparse);
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${pyRepr(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyRepr(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
