// Medians and quantiles, and the cross-engine output check.

export function quantile(xs, q) {
  const s = Float64Array.from(xs).sort();
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}
export const median = (xs) => quantile(xs, 0.5);

/** max |a − b| over max |b|: scale-free, so one tolerance fits GEMM sums and sigmoid outputs. */
export function relError(a, b) {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    if (d > diff) diff = d;
    if (Math.abs(b[i]) > scale) scale = Math.abs(b[i]);
  }
  return diff / Math.max(scale, 1e-30);
}

// fp32 engines differ by summation order and by their exp/erf approximations, far below this;
// a wrong answer (wrong weights, layout, activation) is far above it.
export const TOLERANCE = 1e-3;

/**
 * outputs: engine → Float32Array. The reference is the engine that agrees with the most others
 * (ties go to the earlier in `priority`), so one wrong engine cannot make the rest look wrong.
 * Returns engine → { ok, err, ref }.
 */
export function crossCheck(outputs, priority) {
  const names = Object.keys(outputs).sort((a, b) => priority.indexOf(a) - priority.indexOf(b));
  if (names.length < 2) return Object.fromEntries(names.map((n) => [n, { ok: true, err: 0, ref: null, alone: true }]));
  let ref = names[0], best = -1;
  for (const a of names) {
    const agree = names.filter((b) => b !== a && relError(outputs[b], outputs[a]) <= TOLERANCE).length;
    if (agree > best) { best = agree; ref = a; }
  }
  return Object.fromEntries(names.map((n) => {
    const err = n === ref ? 0 : relError(outputs[n], outputs[ref]);
    return [n, { ok: err <= TOLERANCE && (best > 0 || n === ref), err, ref }];
  }));
}
