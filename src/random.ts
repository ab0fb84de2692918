/**
 * torch's random state: the default CPU Generator behind every random function (rand, randn, randint,
 * randperm, bernoulli, dropout, nn.init, shuffling) and the torch-level seeding functions. Streams
 * are PyTorch 1.13's bit for bit (docs/random.md); the generator and the sampling loops live in
 * src/random/.
 */
import type { Tensor } from './tensor.js';
import { default_generator, Generator } from './random/generator.js';

export { default_generator, Generator };

/** `torch.manual_seed(s)`: seeds the default generator (s in [-2^63, 2^64); negatives wrap); returns it. */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(seed);
}

/** `torch.initial_seed()`: the default generator's seed (a bigint when above 2^53). */
export function initial_seed(): number | bigint {
  return default_generator.initial_seed();
}

/** `torch.seed()`: reseeds the default generator from a non-deterministic source; returns the seed. */
export function seed(): number | bigint {
  return default_generator.seed();
}

/** `torch.get_rng_state()`: the default generator's state, PyTorch's 5056 bytes as an int64 tensor. */
export function get_rng_state(): Tensor {
  return default_generator.get_state();
}

/** `torch.set_rng_state(state)`: restores a state from get_rng_state (or one saved by PyTorch). */
export function set_rng_state(state: Tensor | Uint8Array): void {
  default_generator.set_state(state);
}
