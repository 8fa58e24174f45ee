// The app's own vocabulary, shared by the pure steps (diff, classify, plan, render) and the act
// step. Values, not behaviour.

/** Outcomes of a call (docs/architecture.md "Triage"). */
export const OUTCOMES = ['answered', 'missed', 'voicemail', 'abandoned', 'busy', 'failed', 'blocked', 'queue_timeout', 'in_progress'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The call types an admin picks in `log_call_types`. */
export const LOG_TYPES = ['answered', 'missed', 'voicemail', 'abandoned', 'outgoing'] as const;
export type LogType = (typeof LOG_TYPES)[number];

/** `unknown`: the payload carried no direction (Freshworks' own onCallCreate sample has none). */
export type Direction = 'incoming' | 'outgoing' | 'unknown';
export type ResolvePolicy = 'never' | 'answered';
export type CsatScale = '1-5' | '1-9' | '1-2';

/** Installation parameters read with the defaults in README.md "Installation parameters". */
export interface Settings {
  defaultAgentId: string;
  /** null: never create conversations. */
  channelId: string | null;
  resolvePolicy: ResolvePolicy;
  csatScale: CsatScale;
  logCallTypes: LogType[];
  maskCallerNumber: boolean;
  /** `immediate`: the note when the call ends, later facts as follow-ups; `complete`: one note 5 minutes after it ends. */
  noteTiming: NoteTiming;
  /** Keys the hash callers are remembered by (sync/caller-cache.ts): a digest of the Freshchat API key, never the key. */
  callerSalt: string;
}

export type NoteTiming = 'immediate' | 'complete';

/** A caller's number in the forms Freshchat may hold it. */
export interface PhoneNumber {
  /** +14155550123 */
  e164: string;
  /** (415) 555-0123, as libphonenumber formats it nationally */
  national: string;
  /** +1 415 555 0123, as libphonenumber formats it internationally (the note shows it) */
  international: string;
  /** 4155550123: the national number, digits only */
  digits: string;
  /** 0123 */
  last4: string;
}

/** One attribute of `changes`, in a known order. */
export interface Change {
  before: unknown;
  after: unknown;
}
export type ChangeSet = Record<string, Change>;

/** What an event says happened, derived from its changes and the call (docs/architecture.md "Triage"). */
export interface CallFacts {
  changedKeys: string[];
  /** Nothing the app syncs changed (e.g. only updated_time): the event costs nothing. */
  onlyNoise: boolean;
  notesChanged: boolean;
  recordingAvailable: boolean;
  billDurationSet: boolean;
  agentAssigned: boolean;
  transferred: boolean;
}

export interface CsatResult {
  /** The key the caller pressed. */
  key: number;
  /** Freshchat's 1-5 rating, after csat_scale. */
  rating: number;
}

/** Everything the summary note says about a call. */
export interface SummaryNoteInput {
  callId: string;
  direction: Direction;
  outcome: Outcome;
  caller: PhoneNumber | null;
  /** The raw number when it could not be normalised (masked to its last 4 digits too). */
  callerRaw: string | null;
  maskCallerNumber: boolean;
  agentName: string | null;
  durationSeconds: number | null;
  businessNumber: string | null;
  queueName: string | null;
  callNotes: string | null;
  recordingUrl: string | null;
  csat: CsatResult | null;
  /** Agents the call was transferred to (folded legs). */
  transfers: Array<{ agentName: string | null; durationSeconds: number | null }>;
}

export type FollowUpItem =
  | { kind: 'notes'; text: string }
  | { kind: 'recording'; url: string }
  | { kind: 'csat'; csat: CsatResult }
  | { kind: 'transfer'; agentName: string | null; durationSeconds: number | null };

export type NoteKind = 'summary' | 'follow-up' | 'moved';
