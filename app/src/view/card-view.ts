// The Freshcaller card's view logic: a CallSyncView (server/src/methods/contract.ts) → what the
// card shows. Pure: no DOM, no client; the DOM layer (dom/card.ts) only draws this model.
import type { CallSyncStatus, CallSyncView, PendingKind, WrittenKind } from '../../../server/src/methods/contract';
import { sentence, shortId } from './text';

export type Tone = 'blue' | 'green' | 'yellow' | 'red' | 'grey';
export type MessageType = 'info' | 'success' | 'warning' | 'error';

export interface StatusLine {
  label: string;
  tone: Tone;
  /** One sentence under the status. */
  text: string;
}

export interface TargetLine {
  /** "Will be written to", "Written to", ... */
  heading: string;
  /** The conversation id in full (for a tooltip), or null when there is none yet. */
  conversationId: string | null;
  /** What stands in the panel: a shortened id, or words when there is no conversation. */
  label: string;
  /** Why this conversation (the stored reason), or who chose it. */
  reason: string | null;
}

export interface TimedLine {
  label: string;
  /** Clock ms; null: no time (pending: on the call's next event). */
  at: number | null;
  detail: string | null;
}

export interface FailureLine {
  type: MessageType;
  title: string;
  reason: string;
  /** Whether the app tries again by itself, and when. */
  next: string;
  nextAt: number | null;
}

export interface CardModel {
  callId: string;
  status: StatusLine;
  target: TargetLine;
  /** e.g. "2 users share this number": the link may be the wrong person's. */
  ambiguity: string | null;
  written: TimedLine[];
  pending: TimedLine[];
  failure: FailureLine | null;
  /** "CSAT stays in conversation …": the rating was posted before a re-link. */
  csatNote: string | null;
  canRetry: boolean;
  canRelink: boolean;
  checkedAt: number;
}

const STATUS: Record<CallSyncStatus, StatusLine> = {
  live: { label: 'Live call', tone: 'blue', text: 'The outcome is written when the call ends.' },
  pending: { label: 'Pending', tone: 'yellow', text: 'The call ended; its outcome is being written.' },
  synced: { label: 'Synced', tone: 'green', text: 'The outcome is in Freshchat.' },
  unlinked: { label: 'Not linked', tone: 'grey', text: 'No Freshchat conversation was found for this caller. Link one below.' },
  retrying: { label: 'Retrying', tone: 'yellow', text: 'Writing to Freshchat failed for now; the app tries again by itself.' },
  failed: { label: 'Failed', tone: 'red', text: 'The app could not write to Freshchat and will not try again by itself.' },
  skipped: { label: 'Not synced', tone: 'grey', text: 'This call is not one the app syncs (see the installation settings).' },
  unknown: { label: 'Unknown call', tone: 'grey', text: 'The app has nothing for this call yet.' },
};

const WRITTEN: Record<WrittenKind, string> = {
  conversation: 'Conversation created',
  summary: 'Call summary note',
  follow_up: 'Follow-up note',
  resolved: 'Conversation resolved',
  reopened: 'Conversation reopened',
  csat: 'CSAT posted',
  moved: '"Moved" note left',
};

const PENDING: Record<PendingKind, string> = {
  summary: 'Call summary note',
  follow_up: 'Follow-up note',
  resolve: 'Resolve the conversation',
  reopen: 'Reopen the conversation',
  csat_look: 'Read the CSAT rating',
  csat_post: 'Post the CSAT rating',
  moved_note: '"Moved" note in the old conversation',
  check: 'Check what was written',
  retry: 'Retry the sync',
};

/** Heading over the conversation: before the outcome it says where it will go. */
function targetHeading(status: CallSyncStatus): string {
  if (status === 'live' || status === 'pending') return 'Will be written to';
  if (status === 'synced') return 'Written to';
  return 'Conversation';
}

function linkLabel(view: CallSyncView): string {
  const link = view.link;
  if (link.conversationId) return 'Conversation ' + shortId(link.conversationId);
  if (link.state === 'to_create') return 'A new conversation (created with the outcome)';
  if (link.state === 'unlinked') return 'No conversation found';
  return link.reason ? 'No conversation yet' : 'Not chosen yet';
}

/** A stored reason that only repeats who linked the call ("linked by an agent") adds nothing. */
const AGENT_REASON = /^linked by an agent\.?$/i;

function linkReason(view: CallSyncView): string | null {
  const reason = view.link.reason;
  if (view.link.by !== 'agent') return reason;
  return reason && !AGENT_REASON.test(reason.trim()) ? 'Linked by an agent: ' + reason : 'Linked by an agent';
}

export function targetLine(view: CallSyncView): TargetLine {
  return {
    heading: targetHeading(view.status),
    conversationId: view.link.conversationId,
    label: linkLabel(view),
    reason: linkReason(view),
  };
}

/** "2 users share this number" when the caller's number matched several Freshchat users. */
export function ambiguityText(link: CallSyncView['link']): string | null {
  if (!link.ambiguous) return null;
  if (link.sharedBy > 1) return `${link.sharedBy} users share this number: check that this is the right person.`;
  return 'Several users share this number: check that this is the right person.';
}

export function failureLine(view: CallSyncView): FailureLine | null {
  const f = view.failure;
  if (!f) return null;
  if (f.permanent) {
    return { type: 'error', title: 'Sync failed', reason: sentence(f.reason), next: 'Nothing retries this by itself: fix the cause, then press Retry.', nextAt: null };
  }
  return {
    type: 'warning',
    title: 'Sync delayed',
    reason: sentence(f.reason),
    next: f.nextAt === null ? 'The app tries again with the next call event.' : 'The app tries again by itself at',
    nextAt: f.nextAt,
  };
}

/** Set when the rating was posted to a conversation the call no longer links to. */
export function csatNote(view: CallSyncView): string | null {
  const where = view.csat.conversationId;
  if (!where || where === view.link.conversationId) return null;
  return `CSAT stays in conversation ${shortId(where)}, where it was posted.`;
}

/** A write that went elsewhere than the call's conversation now (a moved note, or before a re-link) says where. */
function writtenLine(item: CallSyncView['written'][number], current: string | null): TimedLine {
  const elsewhere = item.conversationId !== null && (item.what === 'moved' || item.conversationId !== current);
  const where = elsewhere ? 'in conversation ' + shortId(item.conversationId as string) : null;
  const detail = [item.detail, where].filter((part) => !!part).join(' · ');
  return { label: WRITTEN[item.what] || item.what, at: item.at, detail: detail || null };
}

function pendingLine(item: CallSyncView['pending'][number]): TimedLine {
  return { label: PENDING[item.what] || item.what, at: item.at, detail: item.at === null ? "with the call's next event" : null };
}

export function cardModel(view: CallSyncView): CardModel {
  return {
    callId: view.callId,
    status: STATUS[view.status] || STATUS.unknown,
    target: targetLine(view),
    ambiguity: ambiguityText(view.link),
    written: view.written.map((item) => writtenLine(item, view.link.conversationId)),
    pending: view.pending.map(pendingLine),
    failure: failureLine(view),
    csatNote: csatNote(view),
    canRetry: view.canRetry,
    canRelink: view.canRelink,
    checkedAt: view.at,
  };
}
