// Seeded randomness for the tools that generate many calls (tools/stress, tools/bench), so a run
// can be repeated exactly.

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One item, drawn with the given weights (they need not add up to anything). */
export function pick<T>(rand: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((n, [, w]) => n + w, 0);
  let r = rand() * total;
  for (const [item, w] of weighted) {
    r -= w;
    if (r < 0) return item;
  }
  return (weighted[weighted.length - 1] as [T, number])[0];
}
