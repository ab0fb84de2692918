/**
 * Backend selection. The JS backend is always complete; when the native addon loads, its kernels
 * replace the JS ones they cover and the rest stay JS, kernel by kernel.
 * `KINDLING_BACKEND=js|native` selects; `backendInfo()` says which backend runs and why.
 */
import type { Backend } from './contract.js';
import { jsBackend } from './js/index.js';
import { countCalls, loadBinding, type NativeBinding } from './native/binding.js';
import { nativeBackend } from './native/index.js';

export interface BackendInfo {
  /** The backend whose kernels run: 'js' or 'native'. */
  backend: 'js' | 'native';
  /** Why this backend was chosen, in one line. */
  reason: string;
  /** The instruction set the native kernels use ('avx512', 'avx2' or 'scalar' on x86-64; 'neon' or 'scalar' on arm64), when native. */
  isa?: string;
  /** Threads the native kernels may use. */
  num_threads?: number;
}

interface Chosen {
  kernels: Backend;
  info: BackendInfo;
  binding: NativeBinding | null;
}

function choose(): Chosen {
  const wanted = process.env.KINDLING_BACKEND;
  if (wanted !== undefined && wanted !== '' && wanted !== 'js' && wanted !== 'native') {
    throw new Error(`KINDLING_BACKEND must be 'js' or 'native', but got '${wanted}'`);
  }
  if (wanted === 'js') return { kernels: jsBackend, info: { backend: 'js', reason: 'selected by KINDLING_BACKEND=js' }, binding: null };
  const loaded = loadBinding();
  if (!loaded.binding) {
    if (wanted === 'native') {
      throw new Error(
        `KINDLING_BACKEND=native, but the native backend is unavailable: ${loaded.reason}. ` +
          'Fix: run `npm run build:native` in the kindling package (needs a C++ compiler and cmake), or unset KINDLING_BACKEND to run on the pure-JS backend.',
      );
    }
    return { kernels: jsBackend, info: { backend: 'js', reason: loaded.reason }, binding: null };
  }
  const info = loaded.binding.info();
  if (info.isaError && process.env.KINDLING_ISA) {
    throw new Error(`${info.isaError} (KINDLING_ISA=${process.env.KINDLING_ISA}; this CPU has ${info.available})`);
  }
  return {
    kernels: nativeBackend(loaded.binding),
    info: { backend: 'native', reason: `native kernels from ${loaded.path}`, isa: info.isa },
    binding: loaded.binding,
  };
}

const chosen = choose();

/** The kernels in use. Ops call through this object; kernels never see Tensors. */
export const K: Backend = { ...chosen.kernels };

/** Every backend that loads in this process, by name (the tests run each op on each). */
export function availableBackends(): Record<string, Backend> {
  return chosen.binding ? { js: jsBackend, native: chosen.kernels } : { js: jsBackend };
}

let current: Backend = chosen.kernels;

/**
 * Switches the kernels in use (tests only: the op-check helper compares backends) and returns
 * the backend it replaces, so that a test can put that one back.
 */
export function useBackend(b: Backend): Backend {
  const previous = current;
  Object.assign(K, b);
  current = b;
  return previous;
}

/** The backend whose kernels are in use (one of availableBackends()' values unless a test passed another). */
export function currentBackend(): Backend {
  return current;
}

/**
 * The native binary when its kernels are the ones in use (inference plans then run as one native
 * call), else null.
 */
export function activeBinding(): NativeBinding | null {
  return chosen.binding !== null && current === chosen.kernels ? chosen.binding : null;
}

/**
 * Calls into the native binary per binding function, counted from the first call of this
 * function on (tests use it to prove that native runs reached the native kernels); null when no
 * native binary is loaded.
 */
export function nativeCallCounts(): Readonly<Record<string, number>> | null {
  return chosen.binding ? countCalls(chosen.binding) : null;
}

export function backendInfo(): BackendInfo {
  return { ...chosen.info, ...(chosen.binding ? { num_threads: chosen.binding.getNumThreads() } : {}) };
}

let jsThreads = 1;

/** torch.set_num_threads: threads for the native kernels (the JS backend always runs on one). */
export function set_num_threads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`set_num_threads expects a positive integer, but got ${n}`);
  if (chosen.binding) {
    const got = chosen.binding.setNumThreads(n);
    // a process or address-space limit: carry on with the threads there are rather than fail
    if (got < n) process.emitWarning(`set_num_threads(${n}): the system refused to start more threads; using ${got}`, 'UserWarning');
  } else jsThreads = n;
}

export function get_num_threads(): number {
  return chosen.binding ? chosen.binding.getNumThreads() : jsThreads;
}
