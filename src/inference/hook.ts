/**
 * Where torch.jit.trace listens while it records one forward. Kept free of imports: the modules
 * that report to it (python.ts for every declared function and method, nn/module.ts for module
 * calls, tensor.ts for tensor creation) sit below everything else. `active` is null except while a
 * trace runs, so the cost for everyone else is one load and compare per call.
 */
export interface TraceHook {
  /** A declared function (pyfn) called with its bound positional arguments: runs and records it. */
  call(fn: { readonly name: string; readonly names: readonly string[] }, impl: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown;
  /** A module called: `run()` calls it (hooks and forward); records it or descends into it. */
  module(m: object, args: unknown[], run: () => unknown): unknown;
  /** A tensor was created (by anything, recorded or not). */
  created(t: object): void;
}

export const traceHook: { active: TraceHook | null } = { active: null };
