// The Freshchat pane's view logic: ConversationCalls (read back from the conversation's own
// notes by getConversationCalls) → what the pane shows. Pure.
import type { ConversationCalls, SyncedCall } from '../../../server/src/methods/contract';
import type { Tone } from './card-view';
import { count, shortId } from './text';

export const EMPTY_TEXT = 'No calls synced into this conversation yet';

/** A call as the pane shows it: the read-back fields, plus what the view decides. */
export interface CallItem extends Pick<SyncedCall, 'callId' | 'outcome' | 'time' | 'duration' | 'agent' | 'csat' | 'followUps'> {
  /** "Incoming call", "Outgoing call", "Call". */
  title: string;
  outcomeTone: Tone;
  /** Only an https link; anything else is left out. */
  recordingUrl: string | null;
  /** "2 follow-ups", or null when there are none. */
  followUpLabel: string | null;
}

export interface PaneModel {
  calls: CallItem[];
  /** The empty state, or null when there are calls. */
  empty: string | null;
  /** One line about calls whose note moved to another conversation, or null. */
  movedAway: string | null;
  /** Said when only the first pages of a long conversation were read. */
  truncated: string | null;
}

const TITLES: Record<SyncedCall['direction'], string> = { incoming: 'Incoming call', outgoing: 'Outgoing call', unknown: 'Call' };

/** The outcome's colour: answered green, missed-like red, the rest grey. */
export function outcomeTone(outcome: string): Tone {
  const o = outcome.toLowerCase();
  if (/^answered|completed/.test(o)) return 'green';
  if (/missed|abandoned|failed|blocked|busy|timeout|timed out/.test(o)) return 'red';
  if (/voicemail/.test(o)) return 'yellow';
  return 'grey';
}

/** A recording link the pane may open: https only (no javascript:, data: or plain http). */
export function safeLink(url: string | null): string | null {
  if (!url) return null;
  const trimmed = url.trim();
  return /^https:\/\/[^\s/]+/i.test(trimmed) ? trimmed : null;
}

function timeOf(call: SyncedCall): number {
  const ms = call.time ? Date.parse(call.time) : NaN;
  return isNaN(ms) ? -Infinity : ms;
}

export function callItem(call: SyncedCall): CallItem {
  const followUps = call.followUps.filter((f) => f.lines.length > 0);
  return {
    callId: call.callId,
    title: TITLES[call.direction] || 'Call',
    outcome: call.outcome,
    outcomeTone: outcomeTone(call.outcome),
    time: call.time,
    duration: call.duration,
    agent: call.agent,
    csat: call.csat,
    recordingUrl: safeLink(call.recordingUrl),
    followUps,
    followUpLabel: followUps.length > 0 ? count(followUps.length, 'follow-up', 'follow-ups') : null,
  };
}

export function movedAwayText(moved: ConversationCalls['movedAway']): string | null {
  if (moved.length === 0) return null;
  const first = moved[0];
  if (moved.length === 1 && first) {
    const to = first.toConversationId ? 'conversation ' + shortId(first.toConversationId) : 'another conversation';
    return `Call ${first.callId} was moved to ${to}.`;
  }
  return `${count(moved.length, 'call was', 'calls were')} moved to other conversations.`;
}

export function paneModel(answer: ConversationCalls): PaneModel {
  const calls = answer.calls
    .map((call, index) => ({ call, index }))
    .sort((a, b) => timeOf(b.call) - timeOf(a.call) || a.index - b.index)
    .map((x) => callItem(x.call));
  return {
    calls,
    empty: calls.length === 0 ? EMPTY_TEXT : null,
    movedAway: movedAwayText(answer.movedAway),
    truncated: answer.truncated ? 'This conversation is long: only its most recent notes were read.' : null,
  };
}
