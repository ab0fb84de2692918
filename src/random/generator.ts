/**
 * torch.Generator for the CPU: PyTorch's CPUGeneratorImpl bit for bit. An MT19937 engine seeded from
 * the low 32 bits of a uint64 seed (at::mt19937), `random()` = one 32-bit draw, `random64()` = two
 * (the first is the high half), and the second Box–Muller normal of the scalar path cached until the
 * next normal draw or reseed. Its state serialises to PyTorch's 5056-byte layout, so states move
 * between PyTorch and kindling in both directions.
 */

import { Tensor } from '../tensor.js';
import { int64 } from '../dtype.js';
import { data } from '../ops/util.js';

const N = 624, M = 397;
const DEFAULT_SEED = 67280421310721n; // c10::detail::default_rng_seed_val
const U64 = (1n << 64n) - 1n;
/** sizeof(CPUGeneratorImplState) and of the legacy THGeneratorState PyTorch still accepts. */
export const STATE_SIZE = 5056, LEGACY_STATE_SIZE = 5048;

/** A seed as PyTorch reads it: any integer in [-2^63, 2^64), negatives taken modulo 2^64. */
export function toSeed(seed: unknown): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') s = seed;
  else if (typeof seed === 'number' && Number.isFinite(seed)) s = BigInt(Math.trunc(seed));
  else throw new TypeError(`manual_seed expected an int as seed, but got ${typeof seed === 'number' ? String(seed) : typeof seed}`);
  if (s > U64 || s < -(1n << 63n)) throw new RangeError('Overflow when unpacking long');
  return BigInt.asUintN(64, s);
}

/** A uint64 seed as a JS value: a number when exact, else a bigint. */
export const seedValue = (s: bigint): number | bigint => (s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s);

export class Generator {
  readonly device = 'cpu';
  private readonly mt = new Uint32Array(N);
  private left = 1;
  private next = 0;
  private seed_ = DEFAULT_SEED;
  /** Box–Muller's sin half from the last scalar normal draw (next_double_normal_sample). */
  nextDoubleNormal: number | null = null;
  /** PyTorch's float twin of the cache: no CPU kernel of 1.13 fills it, but states carry it. */
  nextFloatNormal: number | null = null;

  constructor(device: string | { device?: string } = 'cpu') {
    const d = typeof device === 'string' ? device : (device?.device ?? 'cpu');
    if (d !== 'cpu') throw new RangeError(`Device type ${d} is not supported by kindling's torch.Generator (only 'cpu')`);
    this.reseed(DEFAULT_SEED);
  }

  private reseed(seed: bigint): void {
    this.seed_ = seed;
    const mt = this.mt;
    mt[0] = Number(seed & 0xffffffffn);
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = Math.imul(1812433253, prev) + i;
    }
    this.left = 1;
    this.next = 0;
    this.nextDoubleNormal = null;
    this.nextFloatNormal = null;
  }

  /** `g.manual_seed(seed)`: reseeds (and drops any cached normal); returns the generator. */
  manual_seed(seed: number | bigint): this {
    this.reseed(toSeed(seed));
    return this;
  }

  /** `g.seed()`: reseeds from a non-deterministic 64-bit source and returns that seed. */
  seed(): number | bigint {
    const w = new Uint32Array(2);
    globalThis.crypto.getRandomValues(w);
    const s = (BigInt(w[0]) << 32n) | BigInt(w[1]);
    this.reseed(s);
    return seedValue(s);
  }

  /** The seed the generator was last seeded with (a bigint above 2^53). */
  initial_seed(): number | bigint {
    return seedValue(this.seed_);
  }

  private twist(): void {
    const mt = this.mt;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (mt[k] & 0x80000000) | (mt[k + 1] & 0x7fffffff);
      mt[k] = mt[k + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    for (; k < N - 1; k++) {
      const y = (mt[k] & 0x80000000) | (mt[k + 1] & 0x7fffffff);
      mt[k] = mt[k + M - N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    this.left = N;
    this.next = 0;
  }

  /** `random()`: the next 32 random bits, as an unsigned number. */
  random(): number {
    if (--this.left === 0) this.twist();
    let y = this.mt[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random64()` as a bigint (hi draw first). */
  random64(): bigint {
    const hi = this.random();
    return (BigInt(hi) << 32n) | BigInt(this.random());
  }

  /** uniform_real_distribution<float>(0, 1): the low 24 bits of one draw, times 2^-24. */
  uniformFloat(): number {
    return (this.random() & 0xffffff) * 5.9604644775390625e-8;
  }

  /** uniform_real_distribution<double>(0, 1): the low 53 bits of random64(), times 2^-53. */
  uniformDouble(): number {
    const hi = this.random() & 0x1fffff;
    return (hi * 4294967296 + this.random()) * 1.1102230246251565e-16;
  }

  /** `g.get_state()`: PyTorch's 5056 state bytes as an int64 tensor (kindling has no uint8 dtype). */
  get_state(): Tensor {
    return new Tensor(Float64Array.from(this.getStateBytes()), [STATE_SIZE], int64);
  }

  /** `g.set_state(state)`: a state from get_state, or PyTorch's bytes (as such a tensor or a Uint8Array). */
  set_state(state: Tensor | Uint8Array): this {
    this.setStateBytes(stateBytes(state));
    return this;
  }

  /** PyTorch's state bytes: the engine's seed, left, seeded, next and 624 words, then the normal caches. */
  getStateBytes(): Uint8Array {
    const bytes = new Uint8Array(STATE_SIZE);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, this.seed_, true);
    v.setInt32(8, this.left, true);
    v.setInt32(12, 1, true); // seeded
    v.setBigUint64(16, BigInt(this.next), true);
    for (let i = 0; i < N; i++) v.setUint32(24 + 8 * i, this.mt[i], true); // uint64 slots, high halves 0
    if (this.nextDoubleNormal !== null) {
      v.setFloat64(5024, this.nextDoubleNormal, true); // normal_y; normal_x and normal_rho stay 0
      v.setInt32(5040, 1, true);
    }
    if (this.nextFloatNormal !== null) {
      v.setFloat32(5048, this.nextFloatNormal, true);
      bytes[5052] = 1;
    }
    return bytes;
  }

  /** `g.set_state(bytes)`: PyTorch's CPUGeneratorImpl::set_state, legacy 5048-byte states included. */
  setStateBytes(bytes: Uint8Array): void {
    if (bytes.length !== STATE_SIZE && bytes.length !== LEGACY_STATE_SIZE) {
      throw new RangeError(`Expected either a CPUGeneratorImplStateLegacy of size ${LEGACY_STATE_SIZE} or a CPUGeneratorImplState of size ${STATE_SIZE} but found the input RNG state size to be ${bytes.length}`);
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const left = v.getInt32(8, true), seeded = v.getInt32(12, true) !== 0, next = Number(v.getBigUint64(16, true) & 0xffffffffn);
    if (!(seeded && left > 0 && left <= N && next <= N)) throw new RangeError('Invalid mt19937 state');
    let double: number | null = null, float: number | null = null;
    if (v.getInt32(5040, true) !== 0) {
      // the legacy layout kept Box–Muller's inputs: the cached sample is rho·sin(2π·x)
      double = bytes.length === STATE_SIZE ? v.getFloat64(5024, true) : v.getFloat64(5032, true) * Math.sin(2 * Math.PI * v.getFloat64(5016, true));
    }
    if (bytes.length === STATE_SIZE && bytes[5052] !== 0) float = v.getFloat32(5048, true);
    this.seed_ = v.getBigUint64(0, true);
    for (let i = 0; i < N; i++) this.mt[i] = v.getUint32(24 + 8 * i, true);
    this.left = left;
    this.next = next;
    this.nextDoubleNormal = double;
    this.nextFloatNormal = float;
  }
}

/** A state tensor's bytes, refusing anything that is not bytes. */
function stateBytes(state: unknown): Uint8Array {
  if (state instanceof Uint8Array) return state;
  if (!(state instanceof Tensor) || state.dtype !== int64 || state.ndim !== 1) throw new TypeError('RNG state must be a torch.ByteTensor');
  const v = data(state) as Float64Array;
  const bytes = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0 && v[i] <= 255 && Number.isInteger(v[i]))) throw new RangeError(`RNG state must hold bytes (0..255), but element ${i} is ${v[i]}`);
    bytes[i] = v[i];
  }
  return bytes;
}

export const default_generator = new Generator();
