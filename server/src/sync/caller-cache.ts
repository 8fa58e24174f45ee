// Remembering callers (docs/architecture.md "Remembering callers"): a number that matched one
// Freshchat user is remembered under a keyed hash (never the number), with the conversation
// chosen for it. Pure: what the link read does with an entry is in choose-conversation.ts,
// when an entry is written is decided here.
import { fingerprint } from '../domain/fingerprint';
import type { PhoneNumber } from '../domain/types';
import type { CallerEntry } from '../state/store';
import type { CallRecord } from './record';

/**
 * The conversation chosen for a caller is used again for this long without listing the user's
 * conversations: an answered call writes to it at once (the write's answer shows it is still
 * there), any other call reads it first (one request: it still exists and is theirs, and its
 * status). After it, the user id is still used, and the user's conversations are listed again.
 */
export const CONVERSATION_FRESH_MS = 2 * 3600000;

/** 16 hex digits from the number keyed with the installation's salt: the store never sees the number. */
export function callerKey(phone: PhoneNumber, salt: string): string {
  return fingerprint(salt + '|' + phone.e164) + fingerprint(phone.e164 + '|' + salt);
}

/** Whether the remembered conversation may be used without listing the user's conversations. */
export function conversationFresh(entry: CallerEntry, now: number): boolean {
  return entry.conversation !== null && now - entry.at >= 0 && now - entry.at < CONVERSATION_FRESH_MS;
}

/**
 * The entry a run leaves: only for a link the app chose (an agent's re-link is about this call,
 * not the caller) to one user the number matched alone. null: nothing to write (unchanged, or
 * nothing worth remembering). `listedAt` is when this run listed the user's conversations (null
 * when it used the remembered conversation).
 */
export function entryToWrite(record: CallRecord, known: CallerEntry | null, listedAt: number | null, agent: CallerEntry['agent']): CallerEntry | null {
  const at = listedAt === null ? timeOf(known) : listedAt;
  if (!rememberable(record) || at === null) return null;
  // The agent rides along when the entry is written anyway; a new agent alone is no reason to write.
  const entry: CallerEntry = { user: record.link.userId as string, conversation: record.link.conversationId, at, agent: agent || agentOf(known) };
  return known && sameEntry(known, entry) ? null : entry;
}

function timeOf(known: CallerEntry | null): number | null {
  return known ? known.at : null;
}

function agentOf(known: CallerEntry | null): CallerEntry['agent'] {
  return known ? known.agent : null;
}

function rememberable(record: CallRecord): boolean {
  const link = record.link;
  return link.state === 'linked' && link.by === 'app' && !link.ambiguous && link.sharedBy <= 1 && !!link.userId;
}

function sameEntry(a: CallerEntry, b: CallerEntry): boolean {
  return a.user === b.user && a.conversation === b.conversation && a.at === b.at;
}
