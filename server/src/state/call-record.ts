// The one small $db record kept per root call (product.md "State, idempotency, budgets"):
// where the call is synced, why, and fingerprints of what was written, so a duplicate or
// reordered event finds nothing left to do. No phone numbers, no notes: fingerprints only.
import { array, boolean, looseObject, number, string, enum as oneOf, type infer as Infer } from 'zod';
import { OUTCOMES } from '../domain/types';

// The store returns empty strings (and NaN) as null: every optional attribute accepts null.
const transfer = looseObject({
  leg: string(),
  agentName: string().nullable(),
  durationSeconds: number().nullable(),
  posted: boolean(),
});

export const callRecordSchema = looseObject({
  v: number().int().nonnegative(),
  conversationId: string().nullable(),
  reason: string().nullable(),
  ambiguous: boolean(),
  linkedBy: oneOf(['app', 'agent']).nullable(),
  /** No conversation could be found: left for an agent to link in the sidebar. */
  unlinked: boolean(),
  outcome: oneOf(OUTCOMES).nullable(),
  summary: boolean(),
  /** Saved just before the summary is sent: a later attempt finding it checks the conversation first. */
  pendingSummary: boolean(),
  /** Who authored the summary, so follow-ups need no agent lookup. */
  actorId: string().nullable(),
  agentName: string().nullable(),
  notesFp: string().nullable(),
  recordingFp: string().nullable(),
  resolved: boolean(),
  reopened: boolean(),
  /**
   * null: not looked at yet; waiting: the caller is still in the survey; to_post: rating known,
   * posted once the conversation is resolved; noted: written into the note (resolve_policy never).
   */
  csat: oneOf(['none', 'waiting', 'to_post', 'posted', 'noted', 'gave_up']).nullable(),
  csatRating: number().nullable(),
  csatKey: number().nullable(),
  transfers: array(transfer),
  /** The newest call updated_time applied: an older snapshot arriving late changes nothing. */
  seen: string().nullable(),
  error: looseObject({ code: string(), reason: string(), at: number() }).nullable(),
});

export type CallRecord = Infer<typeof callRecordSchema>;
export type TransferRecord = Infer<typeof transfer>;

export function emptyCallRecord(): CallRecord {
  return {
    v: 0,
    conversationId: null,
    reason: null,
    ambiguous: false,
    linkedBy: null,
    unlinked: false,
    outcome: null,
    summary: false,
    pendingSummary: false,
    actorId: null,
    agentName: null,
    notesFp: null,
    recordingFp: null,
    resolved: false,
    reopened: false,
    csat: null,
    csatRating: null,
    csatKey: null,
    transfers: [],
    seen: null,
    error: null,
  };
}

/** Reads a stored record; a record this version cannot read is treated as new, not as a crash. */
export function readCallRecordValue(value: unknown): CallRecord | null {
  const parsed = callRecordSchema.safeParse(fillNulls(value));
  return parsed.success ? parsed.data : null;
}

/** The store turns [] into nothing and '' into null; restore the defaults before validating. */
function fillNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const defaults = emptyCallRecord() as unknown as Record<string, unknown>;
  const result: Record<string, unknown> = Object.assign({}, value as Record<string, unknown>);
  for (const key of Object.keys(defaults)) {
    if (result[key] === undefined || (result[key] === null && defaults[key] !== null)) result[key] = defaults[key];
  }
  return result;
}
