// The private notes agents read in Freshchat (README.md "Which conversation, and what is written"): plain text,
// short lines, no absent values, and always one stable identifying line last, which the
// Freshchat sidebar looks for.
import { formatPhone, maskedNumber } from './phone';
import { fingerprint } from './fingerprint';
import { redactCardNumbers } from './redact';
import type { CsatResult, Direction, FollowUpItem, NoteKind, Outcome, SummaryNoteInput } from './types';

/** Cap on a note's length; notes are cut first so the identifying line always survives. */
export const MAX_NOTE_LENGTH = 4000;
const ELLIPSIS = '\u2026';
/** Between the parts of one line, e.g. "Incoming call · answered". */
export const SEPARATOR = ' \u00b7 ';
const IDENTIFYING_LINE = /^Call Sync \u00b7 call (\d+) \u00b7 (summary|follow-up|moved)$/;

/** How each outcome is worded on a summary's first line (read back by read-notes.ts). */
export const OUTCOME_WORDING: Record<Outcome, string> = {
  answered: 'answered',
  missed: 'missed',
  voicemail: 'voicemail',
  abandoned: 'abandoned by the caller',
  busy: 'no answer (busy)',
  failed: 'failed',
  blocked: 'blocked',
  queue_timeout: 'queue timed out',
  in_progress: 'in progress',
};
/** How each direction is worded: the first line's call, the customer's label. */
export const DIRECTION_WORDING: Record<Direction, { call: string; customer: string }> = {
  incoming: { call: 'Incoming call', customer: 'Caller' },
  outgoing: { call: 'Outgoing call', customer: 'Called' },
  unknown: { call: 'Call', customer: 'Customer' },
};

/**
 * The labels of the lines the Freshchat pane reads back (read-notes.ts): one table, so the
 * wording written and the wording read cannot drift apart.
 */
export const NOTE_LABELS = {
  agent: 'Agent',
  duration: 'Duration',
  callNotes: 'Call notes',
  recording: 'Recording',
  csat: 'CSAT',
  notesUpdated: 'Call notes updated',
  recordingReady: 'Recording ready',
  transferredTo: 'Transferred to',
  /** The summary's last line before the identifying line: "Freshcaller call <id>". */
  callLine: 'Freshcaller call ',
  /** A moved note: "The note for Freshcaller call <id> moved to conversation <id>." */
  movedPrefix: 'The note for Freshcaller call ',
  movedTo: ' moved to conversation ',
} as const;

type SummaryLine = (input: SummaryNoteInput, notes: string) => string | null;

const SUMMARY_LINES: SummaryLine[] = [
  (input) => DIRECTION_WORDING[input.direction].call + SEPARATOR + OUTCOME_WORDING[input.outcome],
  (input) => customerLine(input),
  (input) => labelled(NOTE_LABELS.agent, input.agentName),
  (input) => (isDuration(input.durationSeconds) ? NOTE_LABELS.duration + ': ' + formatDuration(input.durationSeconds) : null),
  (input) => businessLine(input.businessNumber, input.queueName),
  (input) => transfersLine(input.transfers),
  (_input, notes) => labelled(NOTE_LABELS.callNotes, notes),
  (input) => labelled(NOTE_LABELS.recording, input.recordingUrl),
  (input) => (input.csat ? csatLine(input.csat) : null),
  (input) => NOTE_LABELS.callLine + input.callId,
];

const FOLLOW_UP_LINES: { [K in FollowUpItem['kind']]: (item: Extract<FollowUpItem, { kind: K }>, notes: string) => string | null } = {
  notes: (_item, notes) => labelled(NOTE_LABELS.notesUpdated, notes),
  recording: (item) => labelled(NOTE_LABELS.recordingReady, item.url),
  csat: (item) => csatLine(item.csat),
  transfer: (item) => NOTE_LABELS.transferredTo + ': ' + transferText(item),
};

export function identifyingLine(callId: string, kind: NoteKind): string {
  return 'Call Sync' + SEPARATOR + 'call ' + callId + SEPARATOR + kind;
}

/** The app's identifying line, read from the last line of a note; null for anything else. */
export function parseIdentifyingLine(text: string): { callId: string; kind: NoteKind } | null {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  const match = IDENTIFYING_LINE.exec((lines[lines.length - 1] || '').trim());
  return match ? { callId: match[1] as string, kind: match[2] as NoteKind } : null;
}

export function renderSummaryNote(input: SummaryNoteInput): string {
  const render = (notes: string): string =>
    joinNote(SUMMARY_LINES.map((line) => line(input, notes)), identifyingLine(input.callId, 'summary'));
  return fitNotes(render, cleanNotes(input.callNotes));
}

/** One block per later fact, naming what it adds; the summary is not repeated. */
export function renderFollowUp(callId: string, items: FollowUpItem[]): string {
  const notesItem = items.find((item) => item.kind === 'notes');
  const render = (notes: string): string =>
    joinNote(items.map((item) => followUpLine(item, notes)), identifyingLine(callId, 'follow-up'));
  return fitNotes(render, notesItem && notesItem.kind === 'notes' ? cleanNotes(notesItem.text) : '');
}

/**
 * What identifies a follow-up item in a note: the fingerprint of the first line it adds, line
 * endings normalised and cut at 200 characters (a long note is shortened at its end). A write
 * whose answer was lost is looked for by these keys, item by item, so a later note that merges
 * newer facts still proves the older ones were written.
 */
export function followUpKey(item: FollowUpItem): string {
  return lineKey(followUpLine(item, item.kind === 'notes' ? cleanNotes(item.text) : '') || '');
}

/**
 * Whether a follow-up note holds these call notes: all of them, or (a long note is cut at its
 * end) all of what it kept. Notes that grew since are not in it.
 */
export function holdsNotes(note: string, notes: string): boolean {
  const text = note.replace(/\r\n?/g, '\n');
  const wanted = cleanNotes(notes).replace(/\r\n?/g, '\n');
  const label = NOTE_LABELS.notesUpdated + ': ';
  const at = text.indexOf(label);
  if (at < 0 || wanted === '') return false;
  const held = text.slice(at + label.length).split('\n').slice(0, wanted.split('\n').length).join('\n');
  if (held === wanted) return true;
  return held.slice(-1) === ELLIPSIS && wanted.indexOf(held.slice(0, -1).trim()) === 0;
}

/** The keys of every line of a note: an item is in the note when its key is among them. */
export function lineKeysOf(note: string): string[] {
  return note.split(/\r?\n/).map(lineKey);
}

function lineKey(text: string): string {
  const first = text.replace(/\r\n?/g, '\n').split('\n')[0] || '';
  return fingerprint(first.trim().slice(0, 200));
}

export function renderMovedNote(callId: string, toConversationId: string): string {
  const line = NOTE_LABELS.movedPrefix + callId + NOTE_LABELS.movedTo + toConversationId + '.';
  return joinNote([line], identifyingLine(callId, 'moved'));
}

/** "45s", "3m 04s", "1h 02m 05s". */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.round(seconds)) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = pad(total % 60) + 's';
  if (hours > 0) return hours + 'h ' + pad(minutes) + 'm ' + rest;
  return minutes > 0 ? minutes + 'm ' + rest : total + 's';
}

function followUpLine(item: FollowUpItem, notes: string): string | null {
  const line = FOLLOW_UP_LINES[item.kind] as (value: FollowUpItem, notes: string) => string | null;
  return line(item, notes);
}

function customerLine(input: SummaryNoteInput): string | null {
  const label = DIRECTION_WORDING[input.direction].customer;
  if (input.maskCallerNumber && (input.caller || hasText(input.callerRaw))) {
    return label + ': ' + maskedNumber(input.caller, input.callerRaw);
  }
  if (input.caller) return label + ': ' + input.caller.international;
  return labelled(label, input.callerRaw);
}

function businessLine(businessNumber: string | null, queueName: string | null): string | null {
  const queue = hasText(queueName) ? 'queue ' + queueName.trim() : '';
  if (!hasText(businessNumber)) return labelled('Queue', queueName);
  return 'Business number: ' + formatPhone(businessNumber) + (queue ? SEPARATOR + queue : '');
}

function transfersLine(transfers: SummaryNoteInput['transfers']): string | null {
  return transfers.length ? NOTE_LABELS.transferredTo + ': ' + transfers.map(transferText).join(', ') : null;
}

function transferText(transfer: { agentName: string | null; durationSeconds: number | null }): string {
  const name = hasText(transfer.agentName) ? transfer.agentName.trim() : 'another agent';
  return isDuration(transfer.durationSeconds) ? name + ' (' + formatDuration(transfer.durationSeconds) + ')' : name;
}

function csatLine(csat: CsatResult): string {
  return NOTE_LABELS.csat + ': ' + csat.rating + '/5 (caller pressed ' + csat.key + ')';
}

function labelled(label: string, value: string | null): string | null {
  return hasText(value) ? label + ': ' + value.trim() : null;
}

/** Redacted before anything is cut, so a cut can never leave part of a card number behind. */
function cleanNotes(notes: string | null): string {
  return redactCardNumbers(notes || '').trim();
}

/** Shortens the call notes by what the note is over the cap, then hard-caps as a last resort. */
function fitNotes(render: (notes: string) => string, notes: string): string {
  const full = render(notes);
  const over = full.length - MAX_NOTE_LENGTH;
  if (over <= 0) return full;
  const keep = notes.length - over - ELLIPSIS.length;
  return capNote(keep > 0 ? render(cut(notes, keep).trim() + ELLIPSIS) : full);
}

/** Keeps the identifying line (the last line) and cuts what is before it. */
function capNote(note: string): string {
  if (note.length <= MAX_NOTE_LENGTH) return note;
  const lastBreak = note.lastIndexOf('\n');
  const tail = note.slice(lastBreak);
  return cut(note.slice(0, lastBreak), MAX_NOTE_LENGTH - tail.length - ELLIPSIS.length) + ELLIPSIS + tail;
}

/** Cuts to at most `length` code units, never inside a surrogate pair. */
function cut(text: string, length: number): string {
  const head = text.slice(0, Math.max(0, length));
  return /[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head;
}

function joinNote(lines: Array<string | null>, lastLine: string): string {
  return lines.filter((line): line is string => line !== null).concat(lastLine).join('\n');
}

function hasText(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isDuration(value: number | null): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function pad(value: number): string {
  return value < 10 ? '0' + value : String(value);
}
