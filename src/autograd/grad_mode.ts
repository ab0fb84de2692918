/**
 * Grad mode. It lives in an AsyncLocalStorage store so that `no_grad(async () => { await ... })`
 * keeps grad mode off across its awaits without switching it off for other requests that run
 * concurrently on the same event loop. Outside any scope, a process-wide flag applies.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface GradState {
  enabled: boolean;
}

const store = new AsyncLocalStorage<GradState>();
const globalState: GradState = { enabled: true };

export function is_grad_enabled(): boolean {
  return (store.getStore() ?? globalState).enabled;
}

/** Runs fn with grad mode set to `enabled`; async functions keep that mode across their awaits. */
function runWith<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('expected a function to run');
  return store.run({ enabled }, fn);
}

/** `torch.no_grad(() => ...)`: runs fn without recording the graph and returns its result. */
export function no_grad<T>(fn: () => T): T {
  return runWith(false, fn);
}

/** `torch.enable_grad(() => ...)`: runs fn with graph recording on, even inside no_grad. */
export function enable_grad<T>(fn: () => T): T {
  return runWith(true, fn);
}

/**
 * `torch.set_grad_enabled(flag)` switches grad mode for the current scope (the innermost
 * no_grad/enable_grad callback, or the whole process outside any); with `fn`, runs fn in that mode.
 */
export function set_grad_enabled(enabled: boolean): void;
export function set_grad_enabled<T>(enabled: boolean, fn: () => T): T;
export function set_grad_enabled<T>(enabled: boolean, fn?: () => T): T | void {
  if (typeof enabled !== 'boolean') throw new TypeError(`set_grad_enabled(): argument 'mode' must be bool, not ${typeof enabled}`);
  if (fn !== undefined) return runWith(enabled, fn);
  (store.getStore() ?? globalState).enabled = enabled;
}

/** `torch.inference_mode(fn)`: here the same as no_grad. */
export const inference_mode = no_grad;
