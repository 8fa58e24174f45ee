// What a run must do for a call, from its record and what the run knows (docs/architecture.md
// "Decide"). Pure. Reads come first (they can change what is owed); the writes are planned
// again from the record once the reads are applied. Each rule of the sync lives in exactly one
// function here, named in docs/architecture.md "Where each rule lives".
import { fingerprint } from '../domain/fingerprint';
import { followUpKey } from '../domain/render-note';
import type { FollowUpItem, Outcome, Settings } from '../domain/types';
import { notesOf, recordingUrlOf, timeOf, type CallInput } from './call-input';
import type { CallRecord } from './record';

export type ReadStep =
  | { kind: 'link'; mayCreate: boolean }
  | { kind: 'read_csat' }
  | { kind: 'verify_notes' }
  | { kind: 'verify_moved' }
  | { kind: 'conversation_status' };

export type WriteStep =
  | { kind: 'create_user' }
  | { kind: 'create_conversation' }
  | { kind: 'post_summary' }
  | { kind: 'post_follow_up'; items: FollowUpItem[] }
  | { kind: 'post_moved' }
  | { kind: 'resolve' }
  | { kind: 'reopen' }
  | { kind: 'post_csat' };

export type Step = ReadStep | WriteStep;

/** A run's view of the call: its record plus what this run read (never stored). */
export interface RunState {
  record: CallRecord;
  /** The linked conversation's status when this run read it; null when not read. */
  conversationStatus: string | null;
}

export interface Decision {
  input: CallInput;
  settings: Settings;
  now: number;
  /** The card opened on a live call: pick the conversation now, so the agent sees where the outcome will go. */
  linkNow?: boolean;
}

/** Outcomes after which a resolved conversation is reopened (product rule: the caller is waiting). */
const REOPENING: readonly Outcome[] = ['missed', 'busy', 'failed', 'queue_timeout', 'voicemail', 'abandoned'];
/** The caller was sent to the survey but has not answered: look once more this much later. */
export const CSAT_LOOK_DELAY_MS = 10 * 60000;
const CSAT_LOOKS = 2;

/** Every step the run may take, reads first. Empty: a repeat or a no-op; nothing to claim. */
export function decide(state: RunState, d: Decision): Step[] {
  const steps: Step[] = planReads(state, d);
  return steps.concat(planWrites(state, d));
}

export function planReads(state: RunState, d: Decision): ReadStep[] {
  const record = state.record;
  if (blocked(record)) return [];
  const reads: ReadStep[] = [];
  if (linkDue(state, d)) reads.push({ kind: 'link', mayCreate: mayCreate(record, d) });
  if (csatReadDue(record, d)) reads.push({ kind: 'read_csat' });
  if (notesCheckDue(record, d)) reads.push({ kind: 'verify_notes' });
  if (movedCheckDue(record)) reads.push({ kind: 'verify_moved' });
  if (statusReadDue(state, d)) reads.push({ kind: 'conversation_status' });
  return reads;
}

/** The writes owed now, in the order they must happen. */
export function planWrites(state: RunState, d: Decision): WriteStep[] {
  const record = state.record;
  if (blocked(record) || record.link.state === 'unlinked' || record.link.state === 'none') return [];
  const summary = summaryDue(record, d);
  const writes = summaryWrites(record, summary);
  // Follow-ups, the status and CSAT only ever follow the summary.
  if (!summary && record.summary !== 'written') return writes;
  return writes.concat(afterSummaryWrites(state, d, summary));
}

function summaryWrites(record: CallRecord, summary: boolean): WriteStep[] {
  if (!summary) return [];
  if (record.link.state !== 'to_create') return [{ kind: 'post_summary' }];
  return record.link.userId ? [{ kind: 'create_conversation' }] : [{ kind: 'create_user' }, { kind: 'create_conversation' }];
}

function afterSummaryWrites(state: RunState, d: Decision, summaryNow: boolean): WriteStep[] {
  const record = state.record;
  const items = summaryNow ? [] : followUpsOwed(record, d);
  const resolve = resolveDue(record, d);
  const writes: Array<WriteStep | null> = [
    items.length ? { kind: 'post_follow_up', items } : null,
    movedNoteDue(record) ? { kind: 'post_moved' } : null,
    resolve ? { kind: 'resolve' } : null,
    reopenDue(state) ? { kind: 'reopen' } : null,
    csatDue(record, d.settings, resolve) ? { kind: 'post_csat' } : null,
  ];
  return writes.filter((w): w is WriteStep => w !== null);
}

/** The moved note's answer was lost: the old conversation is read before it is written again. */
function movedCheckDue(record: CallRecord): boolean {
  return record.uncertain.indexOf('moved') >= 0 && record.movedFrom !== null;
}

/** Rule "a re-linked note leaves a trace": the old conversation gets a short moved note, after the summary is in the new one. */
function movedNoteDue(record: CallRecord): boolean {
  return record.movedFrom !== null && record.movedFrom !== record.link.conversationId && record.uncertain.indexOf('moved') < 0;
}

/** After the resolve, in the same run or a later one. */
function csatDue(record: CallRecord, settings: Settings, resolvingNow: boolean): boolean {
  return csatPostable(record, settings) || (resolvingNow && csatPostableOnceResolved(record, settings));
}

/** Only a run with the root call's own facts can tell what a found note holds and what it lacks. */
function notesCheckDue(record: CallRecord, d: Decision): boolean {
  return notesUncertain(record) && record.link.state === 'linked' && !!d.input.call && !d.input.isLeg;
}

/** A write whose answer was lost less than this ago may still land: it is checked only after. */
export const UNCERTAIN_SETTLE_MS = 60000;

/** An earlier write may still be landing: checking now could miss it and write it twice. */
export function waitsForEarlierWrite(record: CallRecord, now: number): boolean {
  const unsure = notesUncertain(record) || record.uncertain.length > 0;
  return unsure && record.uncertainAt !== null && now - record.uncertainAt < UNCERTAIN_SETTLE_MS;
}

/**
 * Work on the call's notes that only a run with the call itself can do (a look at the CSAT
 * rating has the record alone): a note not yet written, or one to check before it is redone.
 */
export function notesWorkLeft(record: CallRecord): boolean {
  const unsettled = record.status === 'pending' || record.status === 'retrying';
  return unsettled && (record.summary === 'none' || record.uncertain.length > 0 || record.uncertainFollowUps.length > 0);
}

export function notesUncertain(record: CallRecord): boolean {
  return record.uncertain.indexOf('summary') >= 0 || record.uncertain.indexOf('conversation') >= 0 || record.uncertainFollowUps.length > 0;
}

/** A permanent failure (401, 403, 404, 422, or the horizon) waits for an agent's Retry. */
function blocked(record: CallRecord): boolean {
  return record.failure !== null && record.failure.permanent;
}

/** A link is looked for only when something would be written to it. */
function linkDue(state: RunState, d: Decision): boolean {
  const link = state.record.link.state;
  if (link !== 'none' && link !== 'to_create') return false;
  return (d.linkNow === true && link === 'none') || deadWritesToFind(state.record, d) || planWrites(asLinked(state), d).length > 0;
}

/** Writes a dead run may have made are checked in the conversation they went to: find it first. */
function deadWritesToFind(record: CallRecord, d: Decision): boolean {
  return record.uncertain.length > 0 && !!d.input.call && !d.input.isLeg;
}

/** product rule: a new conversation only for an answered call or a voicemail, when a channel is set. */
function mayCreate(record: CallRecord, d: Decision): boolean {
  return !!d.settings.channelId && !d.input.isLeg && (record.outcome === 'answered' || record.outcome === 'voicemail');
}

/**
 * Rule "never a second summary": one summary per root call, written from the root call's own
 * facts (a leg folds into it, never a summary per leg), and never while an earlier write of it
 * may have happened and is not checked yet.
 */
export function summaryDue(record: CallRecord, d: Decision): boolean {
  if (record.summary !== 'none' || !d.input.call || d.input.isLeg || !record.outcome) return false;
  return record.uncertain.indexOf('summary') < 0 && record.uncertain.indexOf('conversation') < 0;
}

/** Later facts, only from a root call's snapshot that is not older than what was applied. */
export function followUpsOwed(record: CallRecord, d: Decision, includeUnchecked = false): FollowUpItem[] {
  const items = callFacts(record, d);
  for (const t of legsToFold(record)) items.push({ kind: 'transfer', agentName: t.agentName, durationSeconds: t.durationSeconds });
  const csat = csatForNote(record, d.settings);
  if (csat) items.push({ kind: 'csat', csat });
  // An item whose earlier write may have happened waits for the check (verify_notes).
  return includeUnchecked ? items : items.filter((item) => !isUncertain(record, item));
}

/** New call notes and a new recording, from the root call's own snapshot. */
function callFacts(record: CallRecord, d: Decision): FollowUpItem[] {
  const call = d.input.call;
  if (!call || d.input.isLeg || isStale(record, call.updated_time)) return [];
  const notes = notesOf(call);
  const url = recordingUrlOf(call);
  const items: FollowUpItem[] = [];
  if (isNew(notes, record.notesFp)) items.push({ kind: 'notes', text: notes });
  if (isNew(url, record.recordingFp)) items.push({ kind: 'recording', url });
  return items;
}

function isNew(value: string, writtenFp: string | null): boolean {
  return value !== '' && fingerprint(value) !== writtenFp;
}

/** Rule "legs fold into the root": a leg is a "Transferred to" line on the root call's note. */
export function legsToFold(record: CallRecord): CallRecord['transfers'] {
  return record.transfers.filter((t) => !t.written);
}

export function isUncertain(record: CallRecord, item: FollowUpItem): boolean {
  const key = followUpKey(item);
  return record.uncertainFollowUps.some((entry) => entry === 'any::' || entry.split(':')[1] === key);
}

/** The rating goes into a note when it will not be posted: resolve_policy never, or Freshchat refused it. */
export function csatForNote(record: CallRecord, settings: Settings): { key: number; rating: number } | null {
  const csat = record.csat;
  if (csat.rating === null || csat.key === null) return null;
  const noted = (csat.state === 'known' && settings.resolvePolicy === 'never') || csat.state === 'refused';
  return noted ? { key: csat.key, rating: csat.rating } : null;
}

/** resolve_policy answered: an answered call resolves its conversation, once. */
export function resolveDue(record: CallRecord, d: Decision): boolean {
  return d.settings.resolvePolicy === 'answered' && record.outcome === 'answered' && record.resolution === 'none' && record.uncertain.indexOf('resolve') < 0;
}

/**
 * Whether what the call writes can depend on its conversation's status: a missed, voicemail or
 * abandoned call reopens a resolved one, and a live call's outcome is not known yet; an answered
 * call resolves the conversation whatever its status was.
 */
export function statusMatters(record: CallRecord): boolean {
  return record.outcome !== 'answered';
}

/** Missed, voicemail and abandoned calls reopen a resolved conversation, once. */
function reopenDue(state: RunState): boolean {
  const record = state.record;
  return reopens(record) && state.conversationStatus === 'resolved';
}

function reopens(record: CallRecord): boolean {
  return record.outcome !== null && REOPENING.indexOf(record.outcome) >= 0 && record.resolution === 'none' && record.uncertain.indexOf('reopen') < 0;
}

function statusReadDue(state: RunState, d: Decision): boolean {
  const record = state.record;
  if (state.conversationStatus !== null || (record.link.state !== 'linked' && !linkDue(state, d))) return false;
  return statusUncertain(record) || reopenWanted(record, d) || csatMayPostLater(record, d);
}

/**
 * A rating may be posted in this run to a conversation resolved earlier: its status is read
 * (after the metrics) first, since another call may have reopened it and Freshchat would refuse.
 */
function csatMayPostLater(record: CallRecord, d: Decision): boolean {
  const rating = record.csat.state === 'known' || csatReadDue(record, d);
  return rating && record.resolution === 'resolved' && d.settings.resolvePolicy === 'answered' && record.link.state === 'linked';
}

/** A reopen would follow the summary (written, or about to be). */
function reopenWanted(record: CallRecord, d: Decision): boolean {
  return reopens(record) && (record.summary === 'written' || summaryDue(record, d));
}

function statusUncertain(record: CallRecord): boolean {
  return record.uncertain.indexOf('resolve') >= 0 || record.uncertain.indexOf('reopen') >= 0;
}

/** Rule "CSAT only after the resolve": a known rating is posted once its conversation is resolved by this call. */
export function csatPostable(record: CallRecord, settings: Settings): boolean {
  return record.resolution === 'resolved' && csatPostableOnceResolved(record, settings);
}

function csatPostableOnceResolved(record: CallRecord, settings: Settings): boolean {
  // A conversation created in this run (to_create) is linked by the time the rating is posted.
  const linked = record.link.state === 'linked' || record.link.state === 'to_create';
  return settings.resolvePolicy === 'answered' && record.csat.state === 'known' && record.csat.rating !== null && linked;
}

/** The call metrics are read after an answered call, and again once while the survey is open. */
function csatReadDue(record: CallRecord, d: Decision): boolean {
  if (record.outcome !== 'answered' || record.link.state === 'unlinked') return false;
  if (record.csat.state === 'unknown') return !!d.input.call && !d.input.isLeg;
  return record.csat.state === 'waiting' && record.csat.lookAt !== null && record.csat.lookAt <= d.now;
}

export function csatLooksLeft(record: CallRecord): boolean {
  return record.csat.looks + 1 < CSAT_LOOKS;
}

function isStale(record: CallRecord, updated: string | null | undefined): boolean {
  const time = timeOf(updated);
  const seen = timeOf(record.seen);
  return time !== null && seen !== null && time < seen;
}

/**
 * Kinds of the writes a run may make, for its claim: a run that dies leaves them to be checked.
 * A call still to be linked names the writes it would make once linked.
 */
export function writeKinds(steps: Step[], state: RunState, d: Decision): string[] {
  const writes = steps.filter((step) => isWrite(step)).map((step) => step.kind);
  if (!linkDue(state, d)) return writes;
  return writes.concat(planWrites(asLinked(state), d).map((w) => w.kind), ['create_conversation']);
}

function asLinked(state: RunState): RunState {
  return { record: Object.assign({}, state.record, { link: Object.assign({}, state.record.link, { state: 'linked' }) }), conversationStatus: 'resolved' };
}

export function isWrite(step: Step): step is WriteStep {
  return ['link', 'read_csat', 'verify_notes', 'verify_moved', 'conversation_status'].indexOf(step.kind) < 0;
}
