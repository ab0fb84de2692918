/**
 * Devices. kindling computes on the CPU only, but the first lines of nearly every PyTorch script
 * pick a device (`torch.device('cuda' if torch.cuda.is_available() else 'cpu')`) and move models
 * and tensors to it: those lines run unchanged, and asking for another device fails with PyTorch's
 * message for a CPU-only build.
 */

import { isDTypeName } from './dtype.js';

const DEVICE_TYPES = ['cpu', 'cuda', 'ipu', 'xpu', 'mkldnn', 'opengl', 'opencl', 'ideep', 'hip', 've', 'fpga', 'ort', 'xla', 'lazy', 'vulkan', 'mps', 'meta', 'hpu', 'privateuseone'];

/** `torch.device`: a type and an optional index; equal devices are the same object. */
export class Device {
  /** @internal use torch.device() */
  constructor(readonly type: string, readonly index: number | null) {}

  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  /** Python's repr, as `console.log` shows it. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
}

const interned = new Map<string, Device>();

function make(type: string, index: number | null): Device {
  const key = `${type}:${index}`;
  let d = interned.get(key);
  if (!d) interned.set(key, (d = new Device(type, index)));
  return d;
}

/**
 * Whether `v` is given as a device (a Device, a CUDA ordinal, or a string that is not a dtype's
 * name): how overloads tell `to('cpu')` from `to('float64')`; device() then checks the string.
 */
export function isDeviceLike(v: unknown): boolean {
  if (v instanceof Device) return true;
  if (typeof v === 'number') return Number.isInteger(v);
  return typeof v === 'string' && !isDTypeName(v);
}

/** `torch.device('cuda:1')`, `torch.device('cuda', 1)`, `torch.device(0)` (a CUDA ordinal). */
export function device(spec: string | number | Device, index?: number): Device {
  if (spec instanceof Device) return spec;
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0) throw new RangeError(`Device index must not be negative`);
    return make('cuda', spec);
  }
  if (typeof spec !== 'string') throw new TypeError(`device(): argument 'type' must be str, not ${spec === null ? 'None' : typeof spec}`);
  const m = /^([a-z_]+)(?::(\d+))?$/.exec(spec);
  const type = m?.[1] ?? /^[a-z_]*/.exec(spec)![0];
  if (!DEVICE_TYPES.includes(type)) {
    throw new Error(`Expected one of ${DEVICE_TYPES.join(', ')} device type at start of device string: ${spec}`);
  }
  if (!m) throw new Error(`Invalid device string: '${spec}'`);
  if (m[2] !== undefined && index !== undefined) throw new Error(`type (string) must not include an index because index was passed explicitly: ${spec}`);
  const idx = m[2] !== undefined ? Number(m[2]) : index ?? null;
  if (idx !== null && (!Number.isInteger(idx) || idx < 0)) throw new RangeError(`Device index must not be negative`);
  return make(type, idx);
}

export const cpu = make('cpu', null);

export type DeviceLike = string | number | Device;

/** The device tensors and modules may be moved to: the CPU; anything else is PyTorch's error for a CPU-only build. */
export function checkDevice(spec: DeviceLike): Device {
  const d = device(spec);
  if (d.type === 'cpu') return d;
  if (d.type === 'cuda') throw new Error('Torch not compiled with CUDA enabled');
  throw new Error(`PyTorch is not linked with support for ${d.type} devices`);
}

function noCuda(): never {
  throw new Error('Torch not compiled with CUDA enabled');
}

/** `torch.cuda`: there is none; seeding it is a no-op, as in PyTorch without a GPU. */
export const cuda = {
  is_available: (): boolean => false,
  is_initialized: (): boolean => false,
  device_count: (): number => 0,
  current_device: noCuda,
  synchronize: noCuda,
  set_device: noCuda,
  manual_seed: (seed: number | bigint): void => void seed,
  manual_seed_all: (seed: number | bigint): void => void seed,
  empty_cache: (): void => {},
};

/** `torch.backends`: flags scripts set for determinism, and the accelerators kindling lacks. */
export const backends = {
  cudnn: { enabled: true, deterministic: false, benchmark: false, is_available: (): boolean => false },
  mps: { is_available: (): boolean => false, is_built: (): boolean => false },
  mkldnn: { is_available: (): boolean => false },
};
