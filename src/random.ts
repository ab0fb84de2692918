/**
 * The random number generator behind every random function (rand, randn, randint, dropout,
 * init, shuffling). Mersenne Twister MT19937, seeded like PyTorch's CPU generator; all random
 * draws go through this one module so the stream can be made bit-exact with PyTorch later.
 */

export class Generator {
  private mt = new Uint32Array(624);
  private mti = 625;
  private seed_ = 0;
  /** Box–Muller makes normals in pairs; the spare one is kept for the next draw. */
  private spareNormal: number | null = null;

  constructor(seed = 67280421310721) {
    this.manual_seed(seed);
  }

  manual_seed(seed: number | bigint): this {
    const s = typeof seed === 'bigint' ? Number(seed & 0xffffffffn) : Number(BigInt.asUintN(32, BigInt(Math.trunc(seed))));
    this.seed_ = typeof seed === 'bigint' ? Number(seed) : Math.trunc(seed);
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = 624;
    this.spareNormal = null;
    return this;
  }

  initial_seed(): number {
    return this.seed_;
  }

  /** The next 32 random bits. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 random bits: exactly representable in float32, never rounds up to 1. */
  random24(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u1 = 1 - this.random(); // (0, 1]: log never sees 0
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }
}

export const default_generator = new Generator();

/** `torch.manual_seed(s)`: makes every random function deterministic from here on. */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(seed);
}

export function initial_seed(): number {
  return default_generator.initial_seed();
}

/** `torch.seed()`: reseeds from a non-deterministic source and returns the seed. */
export function seed(): number {
  const s = Math.floor(Math.random() * 2 ** 32);
  default_generator.manual_seed(s);
  return s;
}
