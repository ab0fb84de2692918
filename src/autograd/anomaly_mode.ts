/**
 * Anomaly detection (torch.autograd.set_detect_anomaly / detect_anomaly): while on, a backward
 * function that returns NaN stops the backward with an error naming it, and the in-place
 * modification error says where to look instead of suggesting this mode. A process-wide switch, as
 * in PyTorch.
 */

const state = { enabled: false, checkNan: true };

export function is_anomaly_enabled(): boolean {
  return state.enabled;
}

export function is_anomaly_check_nan_enabled(): boolean {
  return state.checkNan;
}

function set(mode: unknown, checkNan: unknown): void {
  if (typeof mode !== 'boolean') throw new TypeError(`set_detect_anomaly(): argument 'mode' must be bool, not ${typeof mode}`);
  if (typeof checkNan !== 'boolean') throw new TypeError(`set_detect_anomaly(): argument 'check_nan' must be bool, not ${typeof checkNan}`);
  state.enabled = mode;
  state.checkNan = checkNan;
}

/** `torch.autograd.set_detect_anomaly(mode, check_nan=True)`; with `fn`, only while fn runs. */
export function set_detect_anomaly(mode: boolean, check_nan?: boolean): void;
export function set_detect_anomaly<T>(mode: boolean, check_nan: boolean, fn: () => T): T;
export function set_detect_anomaly<T>(mode: boolean, check_nan = true, fn?: () => T): T | void {
  if (fn === undefined) return set(mode, check_nan);
  return scoped(mode, check_nan, fn);
}

/** `with torch.autograd.detect_anomaly():` as `detect_anomaly(() => ...)` (async functions too). */
export function detect_anomaly<T>(fn: () => T, check_nan = true): T {
  return scoped(true, check_nan, fn);
}

function scoped<T>(mode: boolean, checkNan: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('expected a function to run');
  const prev = { ...state };
  set(mode, checkNan);
  const restore = (): void => {
    state.enabled = prev.enabled;
    state.checkNan = prev.checkNan;
  };
  let result: T;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
