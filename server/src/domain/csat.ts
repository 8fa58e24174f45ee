// Maps the key the caller pressed (call metrics `csat.outcome`, seed 001) to Freshchat's 1-5
// rating by `csat_scale` (README.md "Installation parameters").
import type { CsatResult, CsatScale } from './types';

const RATING_BY_SCALE: Record<CsatScale, (key: number) => number | null> = {
  '1-5': (key) => (key >= 1 && key <= 5 ? key : null),
  // 1 + (key − 1) × 4 / 8, rounded half up: the result is a whole or half number, so floor(x + 0.5) is exact.
  '1-9': (key) => (key >= 1 && key <= 9 ? Math.floor(1 + ((key - 1) * 4) / 8 + 0.5) : null),
  // 1 = satisfied, 2 = not satisfied.
  '1-2': (key) => (key === 1 ? 5 : key === 2 ? 1 : null),
};

export function mapCsat(key: number | null | undefined, scale: CsatScale): CsatResult | null {
  if (typeof key !== 'number' || !Number.isInteger(key)) return null;
  const rate = RATING_BY_SCALE[scale];
  const rating = rate ? rate(key) : null;
  return rating === null ? null : { key, rating };
}
