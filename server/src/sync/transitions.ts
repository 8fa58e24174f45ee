// Every change to a call's record, as pure functions of the record and what happened
// (docs/architecture.md "The call record" has the states and this table of transitions). The
// pipeline calls these and nothing else changes a record.
import { mapCsat } from '../domain/csat';
import { fingerprint } from '../domain/fingerprint';
import { followUpKey, holdsNotes, lineKeysOf, NOTE_LABELS } from '../domain/render-note';
import type { FollowUpItem, Settings } from '../domain/types';
import type { Call } from '../events/call-event';
import { durationOf, notesOf, recordingUrlOf, timeOf, type CallInput } from './call-input';
import { CSAT_LOOK_DELAY_MS, csatForNote, csatLooksLeft, type RunState, type WriteStep } from './decide';
import type { ConversationChoice } from './choose-conversation';
import { MAX_WRITTEN, type CallRecord, type CallStatus, type CsatState, type RecordFailure, type TransferRecord, type UncertainWrite } from './record';

/** An uncertain follow-up entry that covers every owed item. */
export const ANY_FOLLOW_UP = 'any::';

export interface FailureInfo {
  code: string;
  reason: string;
  status: number;
  /** A later retry can fix it (429, 5xx, timeout, budget). */
  transient: boolean;
}

export interface Author {
  actorId: string;
  agentName: string | null;
}

function copy(record: CallRecord): CallRecord {
  return JSON.parse(JSON.stringify(record)) as CallRecord;
}

/** What the call itself says: the root's outcome and newest snapshot, a leg to fold in later. */
export function absorbCall(record: CallRecord, input: CallInput, now: number): CallRecord {
  const call = input.call;
  if (!call) return record;
  const next = copy(record);
  if (next.created === null) next.created = timeOf(call.created_time) || now;
  return input.isLeg ? absorbLeg(next, input, call) : absorbRoot(next, input, call);
}

/** Only a leg that an agent answered was a transfer worth a line. */
function absorbLeg(next: CallRecord, input: CallInput, call: Call): CallRecord {
  if (input.outcome === 'answered' && !next.transfers.some((t) => t.leg === call.id)) {
    next.transfers.push({ leg: call.id, agentName: call.assigned_agent_name || null, durationSeconds: durationOf(call), written: false });
  }
  return next;
}

/** An older snapshot arriving late changes nothing. */
function absorbRoot(next: CallRecord, input: CallInput, call: Call): CallRecord {
  const time = timeOf(call.updated_time);
  const seen = timeOf(next.seen);
  if (time !== null && seen !== null && time < seen) return next;
  next.outcome = input.outcome;
  if (call.updated_time) next.seen = call.updated_time;
  return next;
}

export function applyLink(record: CallRecord, choice: ConversationChoice): RunState {
  const next = copy(record);
  const userId = choice.kind === 'none' ? null : choice.userId;
  next.link = { state: 'unlinked', conversationId: null, userId, reason: choice.reason, ambiguous: false, sharedBy: 0, by: null };
  // A user the last attempt may have created is now found by phone, or is not there.
  next.uncertain = next.uncertain.filter((w) => w !== 'user');
  if (choice.kind === 'existing') {
    next.link = { state: 'linked', conversationId: choice.conversation.id, userId, reason: choice.reason, ambiguous: choice.ambiguous, sharedBy: choice.sharedBy, by: 'app' };
    return { record: next, conversationStatus: choice.conversation.status };
  }
  if (choice.kind === 'remembered') {
    next.link = { state: 'linked', conversationId: choice.conversationId, userId, reason: choice.reason, ambiguous: false, sharedBy: 1, by: 'app' };
    return { record: next, conversationStatus: null };
  }
  if (choice.kind === 'create') next.link.state = 'to_create';
  // A live call (the card's preview) that finds no one is not settled as unlinked: once it ends,
  // an answered call or a voicemail may still create its conversation.
  if (choice.kind === 'none' && record.outcome === null) next.link.state = 'none';
  // A conversation the last attempt may have created would have been found as existing.
  next.uncertain = next.uncertain.filter((w) => w !== 'conversation');
  return { record: next, conversationStatus: null };
}

/** The survey: a rating, still open (look once more later), or none. */
export function applyCsatRead(record: CallRecord, csat: { transferMade: boolean; outcome: number | null } | null, settings: Settings, now: number): CallRecord {
  const next = copy(record);
  const mapped = csat ? mapCsat(csat.outcome, settings.csatScale) : null;
  const looks = next.csat.looks + 1;
  const none = { rating: null, key: null, looks, lookAt: null, conversationId: null };
  if (mapped) next.csat = Object.assign(none, { state: 'known' as const, rating: mapped.rating, key: mapped.key });
  else if (surveyOpen(csat)) next.csat = Object.assign(none, csatLooksLeft(record) ? { state: 'waiting' as const, lookAt: now + CSAT_LOOK_DELAY_MS } : { state: 'gave_up' as const });
  else next.csat = Object.assign(none, { state: 'none' as const });
  return next;
}

/** The caller was sent to the survey and has not pressed a key yet. */
function surveyOpen(csat: { transferMade: boolean; outcome: number | null } | null): boolean {
  return !!csat && csat.transferMade && csat.outcome === null;
}

/**
 * The conversation's latest notes of this call, read because an earlier write may have
 * happened. A summary found stands (what it does not say yet is owed as a follow-up); an owed
 * follow-up whose block is found counts as written; anything not found is written again.
 */
export function applyVerification(record: CallRecord, input: CallInput, notes: Array<{ kind: string; text: string }>, owed: FollowUpItem[], settings: Settings): CallRecord {
  let next = copy(record);
  const summary = notes.find((n) => n.kind === 'summary');
  if (summary && next.summary === 'none') next = adoptSummary(next, input, summary.text, settings);
  next.uncertain = next.uncertain.filter((w) => w !== 'summary' && w !== 'conversation');
  const followUps = notes.filter((n) => n.kind === 'follow-up').map((n) => n.text);
  for (const item of owed) {
    if (followUpFound(followUps, item)) next = markItemWritten(next, item.kind, itemFact(item));
  }
  next.uncertainFollowUps = [];
  next.uncertainAt = null;
  return next;
}

/** Call notes are compared whole (they may grow); every other item by the line it adds. */
function followUpFound(followUps: string[], item: FollowUpItem): boolean {
  if (item.kind === 'notes') return followUps.some((text) => holdsNotes(text, item.text));
  const key = followUpKey(item);
  return followUps.some((text) => lineKeysOf(text).indexOf(key) >= 0);
}

function adoptSummary(record: CallRecord, input: CallInput, text: string, settings: Settings): CallRecord {
  const next = markSummaryWritten(record, input, null, settings);
  // The summary found may have been written before the rating was known.
  next.csat.inSummary = holdsRating(next, text);
  // Legs the found summary does not name are still owed as "Transferred to" follow-ups.
  next.transfers.forEach((t, i) => (t.written = (record.transfers[i] as TransferRecord).written || text.indexOf(t.agentName || 'another agent') >= 0));
  const call = input.call;
  // Facts the found summary does not hold yet are owed as follow-ups, not taken as written.
  const notes = call ? notesOf(call) : '';
  const url = call ? recordingUrlOf(call) : '';
  if (notes && text.indexOf(notes) < 0) next.notesFp = null;
  if (url && text.indexOf(url) < 0) next.recordingFp = null;
  return next;
}

/** Whether a summary's text carries the call's rating (its CSAT line). */
function holdsRating(record: CallRecord, text: string): boolean {
  return record.csat.rating !== null && text.indexOf('\n' + NOTE_LABELS.csat + ': ') >= 0;
}

export function applyStatusRead(state: RunState, status: string | null): RunState {
  const next = copy(state.record);
  const resolved = status === 'resolved';
  settleUncertainStatus(next, resolved);
  // A missed call finds the conversation open: nothing to reopen, and that is settled.
  if (reopenSettledOpen(next, resolved)) next.resolution = 'kept_open';
  // Another call reopened the conversation before the rating came: Freshchat would refuse it, so it goes into a note.
  if (status !== null && !resolved && next.csat.state === 'known' && next.resolution === 'resolved') next.csat.state = refusedState(next);
  return { record: next, conversationStatus: status };
}

function settleUncertainStatus(next: CallRecord, resolved: boolean): void {
  if (next.uncertain.indexOf('resolve') >= 0 && resolved) next.resolution = 'resolved';
  if (next.uncertain.indexOf('reopen') >= 0 && !resolved) next.resolution = 'reopened';
  next.uncertain = next.uncertain.filter((w) => w !== 'resolve' && w !== 'reopen');
}

function reopenSettledOpen(record: CallRecord, resolved: boolean): boolean {
  return record.resolution === 'none' && !resolved && record.outcome !== 'answered';
}

export interface WriteResult {
  author: Author | null;
  userId?: string;
  conversationId?: string;
}

/** A write that succeeded: its effect on the record, and an entry in what was written. */
export function applyWrite(state: RunState, step: WriteStep, result: WriteResult, input: CallInput, settings: Settings, now: number): RunState {
  const where = step.kind === 'post_moved' ? state.record.movedFrom : state.record.link.conversationId;
  const next = WRITTEN[step.kind](state, step, result, { input, settings });
  return { record: withWritten(next.record, step, result.conversationId || where, now), conversationStatus: next.conversationStatus };
}

type Applied = (state: RunState, step: WriteStep, result: WriteResult, context: { input: CallInput; settings: Settings }) => RunState;

const WRITTEN: Record<WriteStep['kind'], Applied> = {
  create_user: (state, _step, result) => changing(state, (next) => (next.link.userId = result.userId || null)),
  create_conversation: (state, _step, result, c) => {
    const next = copy(state.record);
    next.link = Object.assign(next.link, { state: 'linked', conversationId: result.conversationId || null, by: 'app' });
    return { record: markSummaryWritten(next, c.input, result.author, c.settings), conversationStatus: 'new' };
  },
  post_summary: (state, _step, result, c) => ({ record: markSummaryWritten(state.record, c.input, result.author, c.settings), conversationStatus: state.conversationStatus }),
  post_follow_up: (state, step) => {
    const items = step.kind === 'post_follow_up' ? step.items : [];
    return { record: items.reduce((r, item) => markItemWritten(r, item.kind, itemFact(item)), state.record), conversationStatus: state.conversationStatus };
  },
  post_moved: (state) => changing(state, (next) => (next.movedFrom = null)),
  resolve: (state) => ({ record: changing(state, (next) => (next.resolution = 'resolved')).record, conversationStatus: 'resolved' }),
  reopen: (state) => ({ record: changing(state, (next) => (next.resolution = 'reopened')).record, conversationStatus: 'reopened' }),
  post_csat: (state) => changing(state, (next) => Object.assign(next.csat, { state: 'posted', conversationId: next.link.conversationId })),
};

/** What each write is called in the sidebar's list (server/src/methods/contract.ts WrittenKind); a new user is not listed. */
const WRITTEN_KIND: Record<WriteStep['kind'], string | null> = {
  create_user: null,
  create_conversation: 'conversation',
  post_summary: 'summary',
  post_follow_up: 'follow_up',
  post_moved: 'moved',
  resolve: 'resolved',
  reopen: 'reopened',
  post_csat: 'csat',
};

function withWritten(record: CallRecord, step: WriteStep, conversationId: string | null, now: number): CallRecord {
  const kind = WRITTEN_KIND[step.kind];
  if (!kind) return record;
  const next = copy(record);
  next.written.push({ w: kind, at: now, c: conversationId, d: writtenDetail(step, record) });
  next.written = next.written.slice(-MAX_WRITTEN);
  return next;
}

const FOLLOW_UP_LABEL: Record<FollowUpItem['kind'], string> = { notes: 'call notes', recording: 'recording', csat: 'CSAT', transfer: 'transfer' };

function writtenDetail(step: WriteStep, record: CallRecord): string | null {
  if (step.kind === 'post_follow_up') return step.items.map((item) => FOLLOW_UP_LABEL[item.kind]).join(', ');
  return step.kind === 'post_csat' ? 'rating ' + record.csat.rating + ' of 5' : null;
}

function changing(state: RunState, change: (next: CallRecord) => unknown): RunState {
  const next = copy(state.record);
  change(next);
  return { record: next, conversationStatus: state.conversationStatus };
}

function markSummaryWritten(record: CallRecord, input: CallInput, author: Author | null, settings: Settings): CallRecord {
  const next = copy(record);
  next.summary = 'written';
  if (author) Object.assign(next, { actorId: author.actorId, agentName: author.agentName });
  if (input.call) markCallFactsWritten(next, input.call);
  for (const t of next.transfers) t.written = true;
  // The summary carried the rating: with resolve_policy never that is where it stays.
  if (csatForNote(next, settings)) next.csat.state = 'noted';
  // A rating the summary carried is in a note already, should posting it be refused later.
  next.csat.inSummary = next.csat.rating !== null;
  return next;
}

function markCallFactsWritten(next: CallRecord, call: Call): void {
  const notes = notesOf(call);
  const url = recordingUrlOf(call);
  if (notes) next.notesFp = fingerprint(notes);
  if (url) next.recordingFp = fingerprint(url);
}

/** What a follow-up item says, as stored: fingerprints, a leg id or a rating, never the text. */
function itemFact(item: FollowUpItem): string {
  if (item.kind === 'notes') return fingerprint(item.text);
  if (item.kind === 'recording') return fingerprint(item.url);
  if (item.kind === 'csat') return String(item.csat.rating);
  return item.agentName || '';
}

function markItemWritten(record: CallRecord, kind: string, fact: string): CallRecord {
  const next = copy(record);
  const mark = ITEM_WRITTEN[kind];
  if (mark) mark(next, fact);
  return next;
}

const ITEM_WRITTEN: Record<string, (next: CallRecord, fact: string) => void> = {
  notes: (next, fact) => (next.notesFp = fact),
  recording: (next, fact) => (next.recordingFp = fact),
  csat: (next) => (next.csat.state = 'noted'),
  transfer: (next, fact) => {
    const leg = next.transfers.find((t) => !t.written && (t.agentName || '') === fact);
    if (leg) leg.written = true;
  },
};

/**
 * Failures after which Freshchat may have done the write although the app saw an error; an
 * unreadable answer (bad_response) came with a success status, so the write happened.
 */
const MAY_HAVE_ACTED = ['timeout', 'unreachable', 'server', 'bad_response'];
/** A CSAT post cannot be checked afterwards; only a lost answer (no status at all) counts as maybe done. */
const CSAT_MAY_HAVE_ACTED = ['timeout', 'unreachable', 'bad_response'];

const UNCERTAIN_OF: Partial<Record<WriteStep['kind'], UncertainWrite>> = {
  create_user: 'user',
  create_conversation: 'conversation',
  post_summary: 'summary',
  resolve: 'resolve',
  reopen: 'reopen',
  post_moved: 'moved',
};

/** A write failed: what it may have done is marked to be checked before it is redone. */
export function applyWriteFailure(record: CallRecord, step: WriteStep, failure: FailureInfo, now: number): CallRecord {
  const next = copy(record);
  if (step.kind === 'post_csat') return csatFailed(next, failure);
  if (step.kind === 'post_moved') return movedNoteFailed(next, failure, now);
  if (failure.code === 'not_found' && next.link.by === 'app') return relinkAfterGone(next);
  return MAY_HAVE_ACTED.indexOf(failure.code) < 0 ? next : markUncertain(next, step, now);
}

function markUncertain(next: CallRecord, step: WriteStep, now: number): CallRecord {
  next.uncertainAt = now;
  const uncertain = UNCERTAIN_OF[step.kind];
  if (uncertain && next.uncertain.indexOf(uncertain) < 0) next.uncertain.push(uncertain);
  return step.kind === 'post_follow_up' ? withUncertainItems(next, step.items) : next;
}

/** The old conversation is gone: nothing to tell. A lost answer is checked before the note is redone. */
function movedNoteFailed(record: CallRecord, failure: FailureInfo, now: number): CallRecord {
  if (failure.code === 'not_found') record.movedFrom = null;
  return MAY_HAVE_ACTED.indexOf(failure.code) < 0 ? record : markUncertain(record, { kind: 'post_moved' }, now);
}

/** The old conversation's latest notes, read because the moved note's answer was lost. */
export function applyMovedCheck(record: CallRecord, found: boolean): CallRecord {
  const next = copy(record);
  next.uncertain = next.uncertain.filter((w) => w !== 'moved');
  if (next.uncertain.length === 0 && next.uncertainFollowUps.length === 0) next.uncertainAt = null;
  if (found) next.movedFrom = null;
  return next;
}

/** A rating Freshchat will not take goes into a note, unless the summary carries it already. */
function refusedState(record: CallRecord): CsatState {
  return record.csat.inSummary === true ? 'noted' : 'refused';
}

function csatFailed(record: CallRecord, failure: FailureInfo): CallRecord {
  // Freshchat refuses a rating for a conversation that is not resolved (a later call reopened it):
  // the rating then goes into a note instead of being lost.
  if (failure.code === 'invalid') record.csat.state = refusedState(record);
  else if (CSAT_MAY_HAVE_ACTED.indexOf(failure.code) >= 0) record.csat.state = 'unconfirmed';
  return record;
}

/**
 * The caller's remembered conversation, linked without reading it, refused the run's first write
 * (gone, or not a conversation Freshchat will write to): nothing was written, and the run looks
 * the caller up afresh.
 */
export function applyRememberedGone(record: CallRecord): CallRecord {
  const next = copy(record);
  next.link = { state: 'none', conversationId: null, userId: null, reason: 'the conversation remembered for the caller is not there; looking them up again', ambiguous: false, sharedBy: 0, by: null };
  return next;
}

/** The conversation the app linked is gone: the call is linked again on the next run. */
function relinkAfterGone(record: CallRecord): CallRecord {
  record.link = { state: 'none', conversationId: null, userId: record.link.userId, reason: 'the linked conversation no longer exists; linking again', ambiguous: false, sharedBy: 0, by: null };
  // What was written went with the conversation: the new one gets the summary, facts and all.
  forgetWrittenNotes(record);
  return record;
}

function withUncertainItems(record: CallRecord, items: FollowUpItem[]): CallRecord {
  for (const item of items) {
    const entry = item.kind + ':' + followUpKey(item) + ':' + itemFact(item);
    if (record.uncertainFollowUps.indexOf(entry) < 0) record.uncertainFollowUps.push(entry);
  }
  return record;
}

/** A run that died with writes under way (its claim names them): each is checked before it is redone. */
export function applyDeadRun(record: CallRecord, writes: string[], now: number): CallRecord {
  const next = copy(record);
  if (writes.length) next.uncertainAt = now;
  for (const kind of writes) markDeadWrite(next, kind);
  // Follow-ups of a dead run are not named one by one: every owed one is checked.
  if (writes.indexOf('post_follow_up') >= 0) next.uncertainFollowUps.push(ANY_FOLLOW_UP);
  return next;
}

function markDeadWrite(next: CallRecord, kind: string): void {
  const uncertain = UNCERTAIN_OF[kind as WriteStep['kind']];
  if (uncertain && next.uncertain.indexOf(uncertain) < 0) next.uncertain.push(uncertain);
  if (kind === 'post_csat' && next.csat.state === 'known') next.csat.state = 'unconfirmed';
}

/**
 * An agent's Retry: a permanent failure no longer blocks the call, and an unlinked call looks for
 * its conversation again (the caller may have a Freshchat user by now).
 */
export function applyRetry(record: CallRecord): CallRecord {
  const next = copy(record);
  next.failure = null;
  if (next.link.state === 'unlinked') next.link.state = 'none';
  return next;
}

/** Why an agent cannot re-link the call right now; null when they can. */
export function relinkRefusal(record: CallRecord): string | null {
  if (record.uncertain.length > 0 || record.uncertainFollowUps.length > 0) return 'The last sync is still being checked; try again in a minute';
  return record.movedFrom !== null ? 'The last move is still being finished; try again in a minute' : null;
}

/**
 * An agent links the call to another conversation (docs/architecture.md "Re-link"). A summary
 * already written moves: the new conversation gets the summary with every fact folded in, the
 * old one a short moved note; resolution follows the policy for the new conversation; a rating
 * already posted stays where it was, any other is written again with the new summary or posted
 * once the new conversation is resolved.
 */
export function applyRelink(record: CallRecord, target: { conversationId: string; userId: string | null }): CallRecord {
  const next = copy(record);
  const from = record.summary === 'written' ? record.link.conversationId : null;
  next.link = { state: 'linked', conversationId: target.conversationId, userId: target.userId, reason: 'linked by an agent', ambiguous: false, sharedBy: 0, by: 'agent' };
  next.failure = null;
  if (!from || from === target.conversationId) return next;
  next.movedFrom = from;
  forgetWrittenNotes(next);
  if (['noted', 'refused'].indexOf(next.csat.state) >= 0) next.csat.state = 'known';
  return next;
}

/** What was written went to a conversation the call no longer belongs to: the new one gets it all. */
function forgetWrittenNotes(record: CallRecord): void {
  record.resolution = 'none';
  record.summary = 'none';
  record.csat.inSummary = false;
  record.notesFp = null;
  record.recordingFp = null;
  for (const t of record.transfers) t.written = false;
}

/** Ends a run: the failure (or none), the derived status, the next version. */
export function finishRun(record: CallRecord, failure: RecordFailure | null): CallRecord {
  const next = copy(record);
  next.v = record.v + 1;
  next.failure = failure;
  next.status = statusOf(next);
  return next;
}

export function statusOf(record: CallRecord): CallStatus {
  if (record.failure) return record.failure.permanent ? 'failed' : 'retrying';
  if (record.link.state === 'unlinked') return 'unlinked';
  if (record.summary === 'written') return 'synced';
  return record.outcome === null ? 'skipped' : 'pending';
}

/** A settled call needs nothing more unless a new event brings something: reconciliation skips it. */
export function isSettled(record: CallRecord): boolean {
  return record.status === 'synced' || record.status === 'unlinked' || record.status === 'failed';
}
