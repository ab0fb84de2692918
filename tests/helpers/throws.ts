/** Asserts that `fn` throws an error of class `cls` whose message is `msg` (exactly) or matches it. */
import { expect } from 'vitest';

export function throws(fn: () => unknown, cls: ErrorConstructor, msg: string | RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${cls.name}: ${msg}`).toBeInstanceOf(cls);
  if (typeof msg === 'string') expect((err as Error).message).toBe(msg);
  else expect((err as Error).message).toMatch(msg);
}
