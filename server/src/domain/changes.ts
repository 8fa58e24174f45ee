// Normalises the `changes` of onCallUpdate (docs/architecture.md "Triage"). Seed 004 documents
// `{ attribute: ["New value", "Old value"] }`, flat; observed payloads also nest them under
// `model_changes` and send `[old, new]` (seeds README). The order is decided per attribute by
// comparing with the current call, falling back to the documented [new, old].
import type { Call } from '../events/call-event';
import { isRecord, sameValue } from './same-value';
import type { Change, ChangeSet } from './types';

export function normaliseChanges(
  call: Call | Record<string, unknown>,
  changes: Record<string, unknown> | null | undefined,
): ChangeSet {
  const current = call as Record<string, unknown>;
  const merged = mergeChanges(changes);
  const result: ChangeSet = {};
  Object.keys(merged).forEach((attribute) => {
    result[attribute] = orient(merged[attribute], current[attribute]);
  });
  return result;
}

/** Flat and nested may both appear: merge them, the nested value winning. */
function mergeChanges(changes: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!isRecord(changes)) return {};
  const flat: Record<string, unknown> = Object.assign({}, changes);
  delete flat.model_changes;
  const nested = isRecord(changes.model_changes) ? changes.model_changes : {};
  return Object.assign(flat, nested);
}

function orient(value: unknown, current: unknown): Change {
  if (!Array.isArray(value) || value.length !== 2) return { before: undefined, after: value };
  const first: unknown = value[0];
  const second: unknown = value[1];
  const oldFirst = sameValue(second, current) && !sameValue(first, current);
  return oldFirst ? { before: first, after: second } : { before: second, after: first };
}
