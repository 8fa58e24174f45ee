// What is left to do for a call, from the call as it is now and what was already done
// (product.md "Plan"). Pure: a repeat of an event already handled plans nothing.
import { fingerprint } from '../domain/fingerprint';
import { redactCardNumbers } from '../domain/redact';
import type { FollowUpItem, LogType, Outcome, Settings } from '../domain/types';
import type { Call } from '../events/call-event';
import type { CallRecord } from '../state/call-record';

export interface SyncPlan {
  /** No conversation is stored for this call yet: find (or create) one. */
  link: boolean;
  /** A conversation may be created for an unknown caller (product.md "Which conversation" 4). */
  mayCreate: boolean;
  /** Read the call metrics for the caller's CSAT before writing. */
  fetchCsat: boolean;
  /** A known rating still to be posted (the conversation was not resolved yet). */
  postCsat: boolean;
  summary: boolean;
  followUps: FollowUpItem[];
  resolve: boolean;
  reopenIfResolved: boolean;
  /** A transferred leg to record on the root call. */
  transfer: { leg: string; agentName: string | null; durationSeconds: number | null } | null;
  /** Legs recorded after the summary whose "Transferred to" follow-up is not written yet (it failed). */
  pendingTransfers: boolean;
  notesFp: string | null;
  recordingFp: string | null;
  seen: string | null;
}

export interface PlanInput {
  call: Call;
  isLeg: boolean;
  outcome: Outcome;
  logType: LogType;
  settings: Settings;
  record: CallRecord;
}

const REOPENING: LogType[] = ['missed', 'voicemail', 'abandoned'];

interface Content {
  notes: string;
  recordingUrl: string;
  notesFp: string | null;
  recordingFp: string | null;
  stale: boolean;
}

export function planSync(input: PlanInput): SyncPlan {
  // A transferred leg is folded into its root call as a "Transferred to" line: its own notes,
  // recording and timestamps never stand in for the root call's (they share one record).
  const content = input.isLeg ? unchangedContent(input.record) : contentOf(input.call, input.record);
  // An unlinked call waits for an agent to link it in the sidebar: no Freshchat writes until then.
  const root = !input.isLeg && !input.record.unlinked;
  const summary = root && !input.record.summary;
  const followUps = summary ? [] : followUpsOf(input.record, content);
  return Object.assign(
    {
      link: needsLink(input.record, summary || followUps.length > 0),
      summary,
      followUps,
      transfer: transferOf(input),
      pendingTransfers: hasPendingTransfers(input.record),
      notesFp: content.notesFp,
      recordingFp: content.recordingFp,
      seen: seenAfter(input, content.stale),
    },
    root ? rootSteps(input) : NO_ROOT_STEPS,
  );
}

type RootSteps = Pick<SyncPlan, 'mayCreate' | 'fetchCsat' | 'postCsat' | 'resolve' | 'reopenIfResolved'>;

const NO_ROOT_STEPS: RootSteps = { mayCreate: false, fetchCsat: false, postCsat: false, resolve: false, reopenIfResolved: false };

/** Steps that belong to the root call only: a transferred leg never resolves, rates or creates. */
function rootSteps(input: PlanInput): RootSteps {
  const answered = input.outcome === 'answered';
  const record = input.record;
  return {
    mayCreate: !!input.settings.channelId && (answered || input.outcome === 'voicemail'),
    fetchCsat: answered && record.csat === null,
    postCsat: record.csat === 'to_post',
    resolve: answered && input.settings.resolvePolicy === 'answered' && !record.resolved,
    reopenIfResolved: REOPENING.indexOf(input.logType) >= 0 && !record.reopened,
  };
}

/** The newest snapshot applied so far; an older one arriving late leaves it alone. */
function seenAfter(input: PlanInput, stale: boolean): string | null {
  if (stale || !input.call.updated_time) return input.record.seen;
  return input.call.updated_time;
}

function hasPendingTransfers(record: CallRecord): boolean {
  return record.summary && record.transfers.some((t) => !t.posted);
}

function needsLink(record: CallRecord, writes: boolean): boolean {
  return writes && !record.conversationId && !record.unlinked;
}

export function isEmptyPlan(plan: SyncPlan): boolean {
  return !writesToConversation(plan) && !plan.fetchCsat && !plan.postCsat && !plan.transfer;
}

/** Kept apart from isEmptyPlan to stay within the platform lint's complexity limit (7). */
function writesToConversation(plan: SyncPlan): boolean {
  return plan.summary || plan.followUps.length > 0 || plan.resolve || plan.reopenIfResolved || plan.pendingTransfers;
}

function unchangedContent(record: CallRecord): Content {
  return { notes: '', recordingUrl: '', notesFp: record.notesFp, recordingFp: record.recordingFp, stale: true };
}

/** Notes are redacted before they are fingerprinted or stored anywhere. */
function contentOf(call: Call, record: CallRecord): Content {
  const notes = call.call_notes ? redactCardNumbers(call.call_notes.trim()) : '';
  const recordingUrl = call.recording && call.recording.url ? call.recording.url : '';
  return {
    notes,
    recordingUrl,
    notesFp: notes ? fingerprint(notes) : record.notesFp,
    recordingFp: recordingUrl ? fingerprint(recordingUrl) : record.recordingFp,
    stale: isOlder(call.updated_time, record.seen),
  };
}

/** Later facts arrive as follow-ups, only once the summary exists, never from an older snapshot. */
function followUpsOf(record: CallRecord, content: Content): FollowUpItem[] {
  if (!record.summary || content.stale || record.unlinked) return [];
  const items: FollowUpItem[] = [];
  if (isNew(content.notes, content.notesFp, record.notesFp)) items.push({ kind: 'notes', text: content.notes });
  if (isNew(content.recordingUrl, content.recordingFp, record.recordingFp)) items.push({ kind: 'recording', url: content.recordingUrl });
  return items;
}

function isNew(value: string, valueFp: string | null, writtenFp: string | null): boolean {
  return value !== '' && valueFp !== writtenFp;
}

function transferOf(input: PlanInput): SyncPlan['transfer'] {
  if (!input.isLeg || input.outcome !== 'answered') return null;
  const leg = input.call.id;
  if (input.record.transfers.some((t) => t.leg === leg)) return null;
  return { leg, agentName: input.call.assigned_agent_name || null, durationSeconds: durationOf(input.call) };
}

export function durationOf(call: Call): number | null {
  if (typeof call.bill_duration === 'number') return call.bill_duration;
  const customer = call.participants.find((p) => p.participant_type.toLowerCase() === 'customer');
  return customer && typeof customer.duration === 'number' ? customer.duration : null;
}

function isOlder(time: string | null | undefined, seen: string | null): boolean {
  if (!time || !seen) return false;
  const a = Date.parse(time);
  const b = Date.parse(seen);
  return !isNaN(a) && !isNaN(b) && a < b;
}
