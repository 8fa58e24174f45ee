// The outcome of one run as data (docs/architecture.md "Outcomes"): a stable code, the steps
// done, the failure. Log lines are rendered from it; tests assert the code, never the prose.

export const RUN_CODES = [
  /** Something was written to Freshchat (and saved). */
  'synced',
  /** Facts were saved (a leg to fold in, a read), nothing written. */
  'recorded',
  /** A repeat or a no-op: nothing to do, nothing claimed. */
  'nothing',
  /** Never synced: still in progress, never logged, or not ticked in log_call_types. */
  'skipped',
  /** No conversation could be found: waits for an agent to link it. */
  'unlinked',
  /** A failure a retry can fix: saved, and queued for the deferred-work drain. */
  'deferred',
  /** Another run holds the call (or the caller's number): queued, nothing lost. */
  'busy',
  /** A permanent failure (401, 403, 404, 422, or the retry horizon): recorded for the sidebar. */
  'failed',
  /** The payload was not a call event this app can read: recorded, replayed from Freshcaller. */
  'rejected',
  /** The store refused (the minute's 50 operations are spent): left to the fallback schedule. */
  'storage_deferred',
  /** note_timing complete: the note waits for the call's late facts; a one-time schedule writes it. */
  'scheduled',
] as const;

export type RunCode = (typeof RUN_CODES)[number];

export interface RunFailure {
  code: string;
  reason: string;
  status: number;
  permanent: boolean;
}

export interface RunOutcome {
  code: RunCode;
  /** The root call whose record the run used; null when no call could be read. */
  callId: string | null;
  /** Steps done, in order (reads and writes). */
  steps: string[];
  failure: RunFailure | null;
  /** Why, in plain words where the code alone does not say (a triage reason, a link reason). */
  detail: string | null;
  /** When the deferred work will run the call again (clock ms). */
  retryAt: number | null;
}

export function outcome(code: RunCode, callId: string | null, fields: Partial<RunOutcome> = {}): RunOutcome {
  return Object.assign({ code, callId, steps: [], failure: null, detail: null, retryAt: null }, fields);
}

/**
 * One log line: `<source> <code> call <id>: <what was done> ...`. The code is the second word,
 * so a reader (or a test) finds it without parsing the prose. Never a phone number, a note or
 * a key: details are built from ids, codes and masked numbers only.
 */
export function renderOutcome(source: string, result: RunOutcome, context?: string): string {
  const parts = [context || null, result.steps.length ? 'steps ' + result.steps.join(', ') : null, result.detail, failureText(result.failure)];
  if (result.retryAt !== null) parts.push('retry at ' + new Date(result.retryAt).toISOString());
  const text = parts.filter((part): part is string => !!part);
  return source + ' ' + result.code + ' call ' + (result.callId || 'unknown') + (text.length ? ': ' + text.join(' \u00b7 ') : '');
}

function failureText(failure: RunFailure | null): string | null {
  if (!failure) return null;
  return 'failed: ' + failure.reason + ' (' + failure.code + (failure.status ? ' ' + failure.status : '') + ')';
}

export function isError(result: RunOutcome): boolean {
  return result.code === 'failed' || result.code === 'rejected' || result.code === 'deferred' || result.code === 'storage_deferred';
}
