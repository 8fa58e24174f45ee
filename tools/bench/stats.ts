// Small statistics for the bench: exact counts need none; times are reported as medians and
// percentiles because the machine is shared and single samples are noise.

export function sum(values: number[]): number {
  return values.reduce((n, v) => n + v, 0);
}

export function mean(values: number[]): number {
  return values.length ? sum(values) / values.length : 0;
}

/** Nearest-rank percentile (p in 0..100) of the values; 0 for none. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Rounded to `digits` decimals (a number, for JSON). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A ratio, or null when the denominator is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}
