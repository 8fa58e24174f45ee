// Structural equality for comparing `changes` values with the parsed call. The parsed call
// carries ids as strings (events/call-event.ts) while `changes` keeps the raw numbers, and an
// absent field, undefined and null all mean "no value".

export function sameValue(a: unknown, b: unknown): boolean {
  if (isAbsent(a) || isAbsent(b)) return isAbsent(a) === isAbsent(b);
  if (Array.isArray(a) || Array.isArray(b)) return sameArray(a, b);
  return isRecord(a) || isRecord(b) ? sameRecord(a, b) : sameScalar(a, b);
}

export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameArray(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((item, index) => sameValue(item, b[index]));
}

function sameRecord(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a).concat(Object.keys(b));
  return keys.every((key) => sameValue(a[key], b[key]));
}

/** A number equals its digit-string form: 25847696 and '25847696'. */
function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  return false;
}
