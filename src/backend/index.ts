/**
 * Backend selection. The JS backend is always complete; a native backend, when one loads,
 * overrides the kernels it implements and the rest stay JS, kernel by kernel.
 * `KINDLING_BACKEND=js|native` selects; `backendInfo()` says which backend runs and why.
 */
import type { Backend } from './contract.js';
import { jsBackend } from './js/index.js';

export interface BackendInfo {
  /** The backend whose kernels run: 'js' or 'native'. */
  backend: 'js' | 'native';
  /** Why this backend was chosen, in one line. */
  reason: string;
}

function choose(): { kernels: Backend; info: BackendInfo } {
  const wanted = process.env.KINDLING_BACKEND;
  if (wanted !== undefined && wanted !== '' && wanted !== 'js' && wanted !== 'native') {
    throw new Error(`KINDLING_BACKEND must be 'js' or 'native', but got '${wanted}'`);
  }
  if (wanted === 'native') {
    throw new Error(
      "KINDLING_BACKEND=native, but this build of kindling has no native backend: unset KINDLING_BACKEND (or set it to 'js') to run on the pure-JS backend",
    );
  }
  const reason = wanted === 'js' ? 'selected by KINDLING_BACKEND=js' : 'pure-JS backend (this build has no native kernels)';
  return { kernels: jsBackend, info: { backend: 'js', reason } };
}

const chosen = choose();

/** The kernels in use. Ops call through this object; kernels never see Tensors. */
export const K: Backend = { ...chosen.kernels };

/** Every backend that loads in this process, by name (the tests run each op on each). */
export function availableBackends(): Record<string, Backend> {
  return { js: jsBackend };
}

/** Switches the kernels in use (tests only: the op-check helper compares backends). */
export function useBackend(b: Backend): void {
  Object.assign(K, b);
}

export function backendInfo(): BackendInfo {
  return { ...chosen.info };
}
