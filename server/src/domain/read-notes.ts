// Reads the app's own notes back out of a conversation's messages, for the Freshchat pane
// (docs/architecture.md "Reading the notes back"): every note render-note.ts writes ends with
// `Call Sync · call <id> · summary|follow-up|moved`, and its other lines use the wording of
// render-note.ts's tables, imported here so that what is written and what is read cannot drift.
// Pure and tolerant: a line it does not know is skipped, nothing here throws. The app's first
// version wrote the same lines (it had no "Call · " first line for an unknown direction).
import { SAFE_ID } from '../clients/responses';
import type { SyncedCall } from '../methods/contract';
import { DIRECTION_WORDING, NOTE_LABELS, parseIdentifyingLine, SEPARATOR } from './render-note';
import type { Direction, NoteKind } from './types';

/** What is read of a message (server/src/clients/freshchat.ts ChatMessage). */
export interface NoteMessage {
  messageType: string;
  actorType: string;
  text: string;
  createdTime: string | null;
}

export interface ReadBack {
  /** Newest first; calls whose note moved away are left out. */
  calls: SyncedCall[];
  /** Newest move first. */
  movedAway: Array<{ callId: string; toConversationId: string | null }>;
}

interface Note {
  callId: string;
  kind: NoteKind;
  /** The lines before the identifying line. */
  lines: string[];
  time: string | null;
  /** Clock ms of `time`; -Infinity when unknown (read as the oldest). */
  at: number;
  /** Position in the input, to keep notes with the same time in the order given. */
  order: number;
}

interface CallState {
  call: SyncedCall;
  /** When the summary (else the first follow-up) was written: the call's place in the list. */
  at: number;
  moved: { at: number; to: string | null } | null;
}

/** Fields a line may set; undefined: the line says nothing about it. */
interface Facts {
  agent?: string;
  duration?: string;
  csat?: string;
  recordingUrl?: string;
}

type LineReader = (line: string) => Facts | null;

const DIRECTIONS = Object.keys(DIRECTION_WORDING) as Direction[];
/** Only links the pane can safely show: http(s), whole (a cut line ends with an ellipsis). */
const SAFE_URL = /^https?:\/\/[^\s\u2026]+$/i;
/** Exactly render-note.ts's CSAT wording: looser text (in call notes, say) is not a rating. */
const CSAT_RATING = /^([1-5])\/5 \(caller pressed \d+\)$/;

/** The app's notes among a conversation's messages (any order), as the calls they describe. */
export function readNotes(messages: NoteMessage[]): ReadBack {
  const notes = messages
    .map(toNote)
    .filter((note): note is Note => note !== null)
    .sort(oldestFirst);
  const states = new Map<string, CallState>();
  notes.forEach((note) => applyNote(states, note));
  const all = Array.from(states.values());
  const listed = all.filter((state) => state.moved === null).sort((a, b) => newestFirst(a.at, b.at));
  const moved = all.filter((state) => state.moved !== null).map((state) => ({ id: state.call.callId, moved: state.moved as { at: number; to: string | null } }));
  return {
    calls: listed.map((state) => state.call),
    movedAway: moved.sort((a, b) => newestFirst(a.moved.at, b.moved.at)).map((item) => ({ callId: item.id, toConversationId: item.moved.to })),
  };
}

/**
 * A private note by an agent that ends with the identifying line. Anything else is not the
 * app's, however it reads: a customer who types the line sends a user message.
 */
function toNote(message: NoteMessage, order: number): Note | null {
  const line = isAgentNote(message) ? parseIdentifyingLine(message.text) : null;
  if (!line) return null;
  const lines = message.text.replace(/\s+$/, '').split(/\r?\n/);
  const time = typeof message.createdTime === 'string' && message.createdTime !== '' ? message.createdTime : null;
  return { callId: line.callId, kind: line.kind, lines: lines.slice(0, -1), time, at: timeOf(time), order };
}

function isAgentNote(message: NoteMessage): boolean {
  return message.messageType === 'private' && message.actorType === 'agent' && typeof message.text === 'string';
}

function timeOf(time: string | null): number {
  const at = time === null ? NaN : Date.parse(time);
  return Number.isFinite(at) ? at : -Infinity;
}

function oldestFirst(a: Note, b: Note): number {
  if (a.at === b.at) return a.order - b.order;
  return a.at < b.at ? -1 : 1;
}

function newestFirst(a: number, b: number): number {
  if (a === b) return 0;
  return a > b ? -1 : 1;
}

const APPLY: Record<NoteKind, (states: Map<string, CallState>, note: Note) => void> = {
  summary: (states, note) => {
    const known = states.get(note.callId);
    // A summary after a moved note: the call was linked back here and its note written again.
    const state = known && known.moved === null ? known : freshState(note);
    Object.assign(state.call, readSummary(note.lines), { time: note.time });
    state.at = note.at;
    states.set(note.callId, state);
  },
  'follow-up': (states, note) => {
    const known = states.get(note.callId);
    // Its summary moved away: a later fact belongs with the summary, in the other conversation.
    if (known && known.moved !== null) return;
    const state = known || freshState(note);
    state.call.followUps.push({ time: note.time, lines: note.lines.slice() });
    assignFacts(state.call, readFollowUp(note.lines));
    states.set(note.callId, state);
  },
  moved: (states, note) => {
    const state = states.get(note.callId) || freshState(note);
    state.moved = { at: note.at, to: movedTarget(note.lines) };
    states.set(note.callId, state);
  },
};

function applyNote(states: Map<string, CallState>, note: Note): void {
  APPLY[note.kind](states, note);
}

/** What is known of a call before its summary is read: its summary may be on an older page. */
function freshState(note: Note): CallState {
  return {
    call: { callId: note.callId, direction: 'unknown', outcome: '', time: null, duration: null, agent: null, csat: null, recordingUrl: null, followUps: [] },
    at: note.at,
    moved: null,
  };
}

function assignFacts(call: SyncedCall, facts: Facts): void {
  if (facts.agent !== undefined) call.agent = facts.agent;
  if (facts.duration !== undefined) call.duration = facts.duration;
  if (facts.csat !== undefined) call.csat = facts.csat;
  if (facts.recordingUrl !== undefined) call.recordingUrl = facts.recordingUrl;
}

// --- a summary ---------------------------------------------------------------------------------

/**
 * The summary's lines in render-note.ts's order: the first line, the call's facts, the call
 * notes (free text over any number of lines, so lines in them that look like labels must not
 * count), then recording, CSAT and "Freshcaller call <id>". So facts are read before the call
 * notes and the recording and CSAT from the end, and only when the note's end survived a cut.
 */
function readSummary(lines: string[]): Pick<SyncedCall, 'direction' | 'outcome' | 'agent' | 'duration' | 'csat' | 'recordingUrl'> {
  const first = readFirstLine(lines[0] || '');
  const tail = readTail(lines, [recordingLine(NOTE_LABELS.recording), csatLine], 1);
  const notesAt = lines.findIndex((line, index) => index > 0 && line.indexOf(NOTE_LABELS.callNotes + ': ') === 0);
  const headEnd = notesAt > 0 ? Math.min(notesAt, tail.from) : tail.from;
  const head = readLines(lines.slice(1, headEnd), [labelledLine(NOTE_LABELS.agent, 'agent'), labelledLine(NOTE_LABELS.duration, 'duration')]);
  return {
    direction: first.direction,
    outcome: first.outcome,
    agent: head.agent || null,
    duration: head.duration || null,
    csat: tail.facts.csat || null,
    recordingUrl: tail.facts.recordingUrl || null,
  };
}

/** "Incoming call · answered": the direction by its wording, the outcome as worded. */
function readFirstLine(line: string): { direction: SyncedCall['direction']; outcome: string } {
  const text = line.trim();
  const direction = DIRECTIONS.find((name) => text.indexOf(DIRECTION_WORDING[name].call + SEPARATOR) === 0);
  if (direction) return { direction, outcome: text.slice((DIRECTION_WORDING[direction].call + SEPARATOR).length).trim() };
  const at = text.indexOf(SEPARATOR);
  return { direction: 'unknown', outcome: at >= 0 ? text.slice(at + SEPARATOR.length).trim() : text };
}

/**
 * The known lines at the end of a summary, read backwards in the order render-note.ts writes
 * them. Without the "Freshcaller call <id>" line the note was cut at its end, and what is left
 * of its last lines cannot be trusted: nothing is read.
 */
function readTail(lines: string[], readers: LineReader[], stop: number): { facts: Facts; from: number } {
  let index = lines.length - 1;
  if (index < stop || (lines[index] || '').indexOf(NOTE_LABELS.callLine) !== 0) return { facts: {}, from: lines.length };
  index -= 1;
  const facts: Facts = {};
  for (let reader = readers.length - 1; reader >= 0 && index >= stop; reader--) {
    const read = readers[reader] as LineReader;
    const found = read(lines[index] as string);
    if (found) {
      Object.assign(facts, found);
      index -= 1;
    }
  }
  return { facts, from: index + 1 };
}

// --- a follow-up -------------------------------------------------------------------------------

/**
 * A follow-up's items: new call notes first (free text, any number of lines), then the
 * recording, transfers and the CSAT, one line each (sync/decide.ts). Read from the end back to
 * the call notes, so a line inside the notes that looks like an item does not count.
 */
function readFollowUp(lines: string[]): Facts {
  const stop = (lines[0] || '').indexOf(NOTE_LABELS.notesUpdated + ': ') === 0 ? 1 : 0;
  const readers = [recordingLine(NOTE_LABELS.recordingReady), transferLine, csatLine];
  const facts: Facts = {};
  for (let index = lines.length - 1; index >= stop; index--) {
    const found = firstReading(lines[index] as string, readers);
    if (!found) break;
    Object.assign(facts, found);
  }
  return facts;
}

// --- a moved note ------------------------------------------------------------------------------

/** "The note for Freshcaller call <id> moved to conversation <id>.": the target, when it reads as an id. */
function movedTarget(lines: string[]): string | null {
  const line = (lines[0] || '').trim();
  const at = line.indexOf(NOTE_LABELS.movedTo);
  if (line.indexOf(NOTE_LABELS.movedPrefix) !== 0 || at < 0) return null;
  const target = line.slice(at + NOTE_LABELS.movedTo.length).replace(/\.$/, '');
  return SAFE_ID.test(target) ? target : null;
}

// --- lines ---------------------------------------------------------------------------------------

function readLines(lines: string[], readers: LineReader[]): Facts {
  const facts: Facts = {};
  // The first line with a label counts: the summary writes each label once.
  for (const line of lines.slice().reverse()) Object.assign(facts, firstReading(line, readers) || {});
  return facts;
}

function firstReading(line: string, readers: LineReader[]): Facts | null {
  for (const read of readers) {
    const found = read(line);
    if (found) return found;
  }
  return null;
}

function labelValue(line: string, label: string): string | null {
  const prefix = label + ': ';
  if (line.indexOf(prefix) !== 0) return null;
  const value = line.slice(prefix.length).trim();
  return value === '' ? null : value;
}

function labelledLine(label: string, field: 'agent' | 'duration'): LineReader {
  return (line) => {
    const value = labelValue(line, label);
    return value === null ? null : { [field]: value };
  };
}

function recordingLine(label: string): LineReader {
  return (line) => {
    const value = labelValue(line, label);
    if (value === null) return null;
    // A line with the label whose link is not safe or was cut is still the recording's line.
    return SAFE_URL.test(value) ? { recordingUrl: value } : {};
  };
}

/** "CSAT: 4/5 (caller pressed 7)" reads "4 of 5". */
function csatLine(line: string): Facts | null {
  const rating = CSAT_RATING.exec(labelValue(line, NOTE_LABELS.csat) || '');
  return rating ? { csat: rating[1] + ' of 5' } : null;
}

function transferLine(line: string): Facts | null {
  return labelValue(line, NOTE_LABELS.transferredTo) === null ? null : {};
}
