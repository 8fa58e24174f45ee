// A call's record as the Freshcaller card shows it (server/src/methods/contract.ts CallSyncView).
// Pure: what was written with times, what is still owed and when, the failure in plain words.
import { UNCERTAIN_SETTLE_MS, csatPostable, resolveDue } from '../sync/decide';
import type { CallRecord } from '../sync/record';
import { relinkRefusal } from '../sync/transitions';
import type { Settings } from '../domain/types';
import type { CallSyncStatus, CallSyncView, PendingItem, WrittenKind } from './contract';

export interface ViewFacts {
  rootId: string;
  now: number;
  settings: Settings;
  /** Read from Freshcaller in this call of the method; null when not read. */
  direction: CallSyncView['direction'];
  /** The call has ended, as far as this method knows (no record and Freshcaller says it ended). */
  ended: boolean;
}

/**
 * No record: Freshcaller does not know the call (`unknown`), it is live, or its events have not
 * run yet. `noteAt`: with note_timing complete, when the call's complete note is scheduled.
 */
export function viewOfNothing(facts: ViewFacts, known: boolean, noteAt: number | null = null): CallSyncView {
  const status: CallSyncStatus = !known ? 'unknown' : facts.ended ? 'pending' : 'live';
  return {
    callId: facts.rootId,
    status,
    direction: facts.direction,
    outcome: null,
    link: { state: 'none', conversationId: null, reason: null, ambiguous: false, sharedBy: 0, by: null },
    written: [],
    pending: status === 'pending' ? [{ what: 'summary', at: noteAt }] : [],
    csat: { state: 'unknown', rating: null, conversationId: null },
    failure: null,
    canRetry: status === 'pending',
    canRelink: false,
    at: facts.now,
  };
}

export function viewOfRecord(record: CallRecord, facts: ViewFacts): CallSyncView {
  const link = record.link;
  return {
    callId: facts.rootId,
    status: statusOfView(record),
    direction: facts.direction,
    outcome: record.outcome,
    link: { state: link.state, conversationId: link.conversationId, reason: link.reason, ambiguous: link.ambiguous, sharedBy: link.sharedBy, by: link.by },
    written: record.written.map((entry) => ({ what: entry.w as WrittenKind, at: entry.at, conversationId: entry.c, detail: entry.d })),
    pending: pendingOf(record, facts.settings),
    csat: { state: record.csat.state, rating: record.csat.rating, conversationId: csatLeftBehind(record) },
    failure: record.failure ? { code: record.failure.code, reason: record.failure.reason, permanent: record.failure.permanent, at: record.failure.at, nextAt: record.failure.nextAt } : null,
    canRetry: record.failure !== null || record.status === 'pending' || record.status === 'unlinked',
    canRelink: relinkRefusal(record) === null,
    at: facts.now,
  };
}

/** A record without an outcome belongs to a call the card saw while it was live. */
function statusOfView(record: CallRecord): CallSyncStatus {
  return record.outcome === null && record.status === 'skipped' ? 'live' : record.status;
}

/** The conversation a posted rating stayed in after the call was linked elsewhere. */
function csatLeftBehind(record: CallRecord): string | null {
  const posted = record.csat.conversationId;
  return posted && posted !== record.link.conversationId ? posted : null;
}

type PendingRule = (record: CallRecord, settings: Settings) => PendingItem | null;

/** Each thing the sync still owes, and when it will be tried (decide.ts holds the rules). */
const PENDING: PendingRule[] = [
  (r) => (r.failure && !r.failure.permanent ? { what: 'retry', at: r.failure.nextAt } : null),
  (r) => (r.uncertain.length || r.uncertainFollowUps.length ? { what: 'check', at: r.uncertainAt === null ? null : r.uncertainAt + UNCERTAIN_SETTLE_MS } : null),
  (r) => (r.outcome !== null && r.summary === 'none' && linkable(r) ? { what: 'summary', at: null } : null),
  (r) => (r.movedFrom !== null ? { what: 'moved_note', at: null } : null),
  (r, s) => (r.summary === 'written' && resolveDue(r, { input: NO_INPUT, settings: s, now: 0 }) ? { what: 'resolve', at: null } : null),
  (r) => (r.csat.state === 'waiting' ? { what: 'csat_look', at: r.csat.lookAt } : null),
  (r, s) => (csatPostable(r, s) || (r.csat.state === 'known' && r.resolution === 'none' && s.resolvePolicy === 'answered') ? { what: 'csat_post', at: null } : null),
];

const NO_INPUT = { rootId: '', call: null, isLeg: false, outcome: null, logType: null };

function linkable(record: CallRecord): boolean {
  return record.link.state !== 'unlinked';
}

function pendingOf(record: CallRecord, settings: Settings): PendingItem[] {
  if (record.failure && record.failure.permanent) return [];
  return PENDING.map((rule) => rule(record, settings)).filter((item): item is PendingItem => item !== null);
}
