/**
 * What a session runs, for tests and diagnostics, kept out of the drop-in's public surface: the
 * traced module (its `graph` lists the native plan) or why the session runs eagerly.
 */
import type { TracedModule } from '../inference/jit.js';

export interface Plan {
  traced: TracedModule | null;
  /** why the session runs eagerly, when it does */
  eagerReason: string;
}

export const planOf = new WeakMap<object, Plan>();
