// The contract between the sidebar (app/) and the server methods (manifest `common.functions`),
// docs/architecture.md "The sidebar". Types only: the sidebar imports them (erased at build), the
// server methods build them. Every answer comes through renderData(null, data); every error
// through renderData({ status, message }) with a message an agent can read.

/** Freshcaller side (`caller_conversation` → `conversation_card`): same store as the call events. */
export const CALLER_METHODS = ['getCallSync', 'listCallerConversations', 'relinkCall', 'retryCallSync'] as const;
/** Freshchat side (`chat_conversation` → `conversation_user_info`): the Freshchat API only. */
export const CHAT_METHODS = ['getConversationCalls'] as const;

export type CallerMethod = (typeof CALLER_METHODS)[number];
export type ChatMethod = (typeof CHAT_METHODS)[number];

/** Arguments, validated with zod by each method (digits for call ids, Freshchat ids as sent). */
export interface CallArgs {
  callId: string;
}
export interface RelinkArgs {
  callId: string;
  conversationId: string;
}
export interface ConversationArgs {
  conversationId: string;
}

/**
 * A call's sync as the card shows it. `live`: the call has no outcome yet (the link may already
 * be chosen, and the outcome will be written there). `unknown`: the app holds nothing for the
 * call and Freshcaller does not know it.
 */
export type CallSyncStatus = 'live' | 'pending' | 'synced' | 'unlinked' | 'retrying' | 'failed' | 'skipped' | 'unknown';

export type WrittenKind = 'conversation' | 'summary' | 'follow_up' | 'resolved' | 'reopened' | 'csat' | 'moved';

export interface WrittenItem {
  what: WrittenKind;
  /** Clock ms when the write succeeded. */
  at: number;
  /** The conversation written to (for `moved`: the old conversation that got the moved note). */
  conversationId: string | null;
  /** e.g. "Recording ready", "rating 4 of 5"; null when the kind says it all. */
  detail: string | null;
}

export type PendingKind = 'summary' | 'follow_up' | 'resolve' | 'reopen' | 'csat_look' | 'csat_post' | 'moved_note' | 'check' | 'retry';

export interface PendingItem {
  what: PendingKind;
  /** When it will be tried (clock ms); null: on the call's next event or the next drain. */
  at: number | null;
}

export interface CallSyncView {
  /** The root call id (a transferred leg's card shows its root call). */
  callId: string;
  status: CallSyncStatus;
  direction: 'incoming' | 'outgoing' | 'unknown' | null;
  /** answered, missed, voicemail, abandoned, ... (server/src/domain/types.ts OUTCOMES); null while live. */
  outcome: string | null;
  link: {
    state: 'none' | 'linked' | 'to_create' | 'unlinked';
    conversationId: string | null;
    /** Why this conversation, e.g. "matched user by phone …0123; most recent open conversation". */
    reason: string | null;
    /** Several Freshchat users share the caller's number. */
    ambiguous: boolean;
    /** How many users share it (0 when not known). */
    sharedBy: number;
    by: 'app' | 'agent' | null;
  };
  /** What the app wrote, oldest first. */
  written: WrittenItem[];
  /** What is still owed, and when it will be tried. */
  pending: PendingItem[];
  csat: {
    /** server/src/sync/record.ts CSAT_STATES */
    state: string;
    /** 1-5 as posted to Freshchat. */
    rating: number | null;
    /** The conversation the rating was posted to, when it stayed behind after a re-link. */
    conversationId: string | null;
  };
  failure: {
    code: string;
    /** Plain words, e.g. "Freshchat refused the API key". */
    reason: string;
    /** Nothing retries a permanent failure by itself: the agent's Retry does. */
    permanent: boolean;
    at: number;
    nextAt: number | null;
  } | null;
  canRetry: boolean;
  canRelink: boolean;
  /** Clock ms of the answer, so the card can say "checked 2 minutes ago". */
  at: number;
}

/** What relinkCall and retryCallSync did, beside the view after it. */
export interface ActionAnswer {
  /** The pipeline's run code (server/src/sync/outcome.ts RUN_CODES), e.g. synced, deferred, busy. */
  code: string;
  view: CallSyncView;
}

export interface ConversationOption {
  id: string;
  /** new, assigned, resolved, reopened */
  status: string;
  /** ISO time the conversation was created (Freshchat's conversation object has no last-activity time). */
  createdTime: string | null;
  /** The call is linked to it now. */
  current: boolean;
}

export interface CallerConversations {
  callId: string;
  /** Newest first, as Freshchat lists a user's conversations; at most MAX_LISTED_CONVERSATIONS. */
  conversations: ConversationOption[];
  /** How the caller was found: through the call's stored link, by phone, or not at all. */
  matchedBy: 'link' | 'phone' | 'none';
  /** The user has more conversations than are listed. */
  more: boolean;
}

export const MAX_LISTED_CONVERSATIONS = 10;

/** One call as read back from the app's notes in a conversation. */
export interface SyncedCall {
  callId: string;
  direction: 'incoming' | 'outgoing' | 'unknown';
  /** The wording in the note, e.g. "answered", "abandoned by the caller". */
  outcome: string;
  /** ISO time the summary note was written. */
  time: string | null;
  /** As written, e.g. "3m 04s". */
  duration: string | null;
  agent: string | null;
  /** e.g. "4 of 5" or the note's CSAT wording; null when none was written. */
  csat: string | null;
  recordingUrl: string | null;
  /** The follow-up notes of this call, oldest first, each a list of its lines (identifying line left out). */
  followUps: Array<{ time: string | null; lines: string[] }>;
}

export interface ConversationCalls {
  conversationId: string;
  /** Newest first. Calls whose note moved away from this conversation are left out. */
  calls: SyncedCall[];
  /** Calls whose note moved from this conversation to another. */
  movedAway: Array<{ callId: string; toConversationId: string | null }>;
  /** Only the first pages of a long conversation were read. */
  truncated: boolean;
}

/** renderData's error object: `status` as in HTTP, `message` for the agent (at most 60 characters would fit a notice). */
export interface MethodError {
  status: number;
  message: string;
}
