/** Backend selection: a missing or stale binary falls back to JS and says why; forcing native explains the fix. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const saved = { ...process.env };

async function freshTorch(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  vi.resetModules();
  return import('../src/index.js');
}

afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

describe('backend selection', () => {
  it('KINDLING_BACKEND=js selects the JS backend', async () => {
    const torch = await freshTorch({ KINDLING_BACKEND: 'js' });
    expect(torch.backendInfo()).toEqual({ backend: 'js', reason: 'selected by KINDLING_BACKEND=js' });
    expect(torch.ones(3).add(1).tolist()).toEqual([2, 2, 2]);
  });

  it('a missing binary falls back to JS and says why', async () => {
    const torch = await freshTorch({ KINDLING_BACKEND: undefined, KINDLING_NATIVE_PATH: join(tmpdir(), 'no-such-dir', 'kindling.node') });
    const info = torch.backendInfo();
    expect(info.backend).toBe('js');
    expect(info.reason).toMatch(/failed to load/);
    expect(torch.tensor([[1, 2]]).matmul(torch.tensor([[3], [4]])).item()).toBe(11);
  });

  it('a stale binary (another ABI) is refused, with the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-'));
    const fake = join(dir, 'stale.cjs');
    writeFileSync(fake, 'module.exports = { abiVersion: -1 };');
    const torch = await freshTorch({ KINDLING_BACKEND: undefined, KINDLING_NATIVE_PATH: fake });
    expect(torch.backendInfo().backend).toBe('js');
    expect(torch.backendInfo().reason).toMatch(/is stale \(ABI -1, this kindling needs \d+\); rebuild it with npm run build:native/);
  });

  it('KINDLING_BACKEND=native without a binary is an error that explains the fix', async () => {
    await expect(freshTorch({ KINDLING_BACKEND: 'native', KINDLING_NATIVE_PATH: join(tmpdir(), 'missing.node') })).rejects.toThrow(
      /KINDLING_BACKEND=native, but the native backend is unavailable: .*Fix: run `npm run build:native`/,
    );
  });

  it('an unknown KINDLING_BACKEND is an error listing the valid ones', async () => {
    await expect(freshTorch({ KINDLING_BACKEND: 'gpu' })).rejects.toThrow("KINDLING_BACKEND must be 'js' or 'native', but got 'gpu'");
  });

  it('set_num_threads / get_num_threads', async () => {
    const torch = await freshTorch({});
    const before = torch.get_num_threads();
    torch.set_num_threads(1);
    expect(torch.get_num_threads()).toBe(1);
    torch.set_num_threads(before);
    expect(() => torch.set_num_threads(0)).toThrow(RangeError);
  });

  it('set_num_threads warns when the system gives fewer threads than asked', async () => {
    const torch = await freshTorch({ KINDLING_BACKEND: 'native' });
    const { loadBinding } = await import('../src/backend/native/binding.js');
    const binding = loadBinding().binding!;  // the same module object the backend holds (require's cache)
    const before = torch.get_num_threads();
    const set = vi.spyOn(binding, 'setNumThreads').mockImplementation(() => 3);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      torch.set_num_threads(8);
      expect(set).toHaveBeenCalledWith(8);
      expect(warn).toHaveBeenCalledWith('set_num_threads(8): the system refused to start more threads; using 3', 'UserWarning');
      warn.mockClear();
      torch.set_num_threads(3);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      set.mockRestore();
      warn.mockRestore();
    }
    expect(torch.get_num_threads()).toBe(before);
  });
});
