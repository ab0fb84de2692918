// Seeded inputs and weights, generated once in JS and written as raw little-endian float32 (int32
// for labels) files, so every engine, Node or Python, reads exactly the same numbers.
import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: small, fast, and the same sequence everywhere for a given seed. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(n, seed) {
  const r = rng(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(r(), 1e-12), v = r(), m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function uniform(n, lo, hi, seed) {
  const r = rng(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

export function labels(n, classes, seed) {
  const r = rng(seed), out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * classes);
  return out;
}

/** Writes each named array of `make()` under dir/key.name.bin once; returns name → path. */
export function materialize(dir, key, make) {
  const files = {};
  const marker = path.join(dir, `${key}.done`);
  if (fs.existsSync(marker)) return JSON.parse(fs.readFileSync(marker, 'utf8'));
  for (const [name, arr] of Object.entries(make())) {
    const p = path.join(dir, `${key}.${name}.bin`);
    fs.writeFileSync(p, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
    files[name] = p;
  }
  fs.writeFileSync(marker, JSON.stringify(files));
  return files;
}

export function readF32(p) {
  const b = fs.readFileSync(p);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

export function readI32(p) {
  const b = fs.readFileSync(p);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
