// Which Freshchat conversation a call belongs to (README.md "Which conversation, and what is
// written"), in order:
// a stored link; the user whose phone matches the caller (several: the one with the most
// recent conversation); that user's most recent conversation that is not resolved, else their
// most recent one; else a new conversation when allowed; else unlinked. Remembers why.
// A caller remembered from an earlier call (caller-cache.ts) skips the phone lookup, and within
// CONVERSATION_FRESH_MS the listing too; what was remembered is checked before it is used: by a
// read, or, when the conversation's status cannot matter, by the first write's answer
// (pipeline.ts looks the caller up again when that write is refused).
import type { ChatConversation, FreshchatApi } from '../clients/freshchat';
import { maskedNumber, phoneVariants, type VariantKind } from '../domain/phone';
import type { PhoneNumber } from '../domain/types';
import type { CallerEntry } from '../state/store';
import { conversationFresh } from './caller-cache';

/** Bounds on lookups per call: the platform allows 50 requests a minute. */
const MAX_USERS = 3;
const MAX_CONVERSATIONS_CHECKED = 3;

export type ConversationChoice =
  | { kind: 'existing'; conversation: ChatConversation; userId: string; reason: string; ambiguous: boolean; sharedBy: number }
  /** The caller's remembered conversation, used without reading it: its status cannot change what this call writes. */
  | { kind: 'remembered'; conversationId: string; userId: string; reason: string }
  | { kind: 'create'; userId: string | null; reason: string }
  | { kind: 'none'; reason: string };

/** What the app remembers that can spare requests; `listed`: the run listed the user's conversations. */
export interface LookupHints {
  remembered: CallerEntry | null;
  /** The form this account's numbers matched in last. */
  variant: string | null;
  now: number;
  /**
   * What the call writes depends on the conversation's status (a missed call reopens a resolved
   * one). When it does not (an answered call resolves either way), a fresh remembered
   * conversation is not read: the first write's answer shows whether it still exists.
   */
  statusNeeded: boolean;
}

export interface Lookup {
  choice: ConversationChoice;
  /** The user's conversations were listed now (false: the remembered conversation was used). */
  listed: boolean;
  /** The form the number matched in, when it was looked up by phone. */
  variant: VariantKind | null;
}

export async function chooseConversation(chat: FreshchatApi, phone: PhoneNumber | null, mayCreate: boolean, hints: LookupHints): Promise<Lookup> {
  if (!phone) return { choice: { kind: 'none', reason: 'the caller has no usable phone number' }, listed: false, variant: null };
  const masked = maskedNumber(phone, null);
  const remembered = hints.remembered ? await fromRemembered(chat, hints.remembered, masked, mayCreate, hints) : null;
  if (remembered) return remembered;
  const found = await findUsers(chat, phone, hints.variant);
  return { choice: await chooseByPhone(chat, found.users, masked, mayCreate), listed: true, variant: found.variant };
}

/**
 * A remembered caller: their conversation, when it is fresh (unread when its status is not
 * needed, else read to check Freshchat still has it for them); else their user's conversations
 * listed again. null: what was remembered is gone (the conversation or the user), so the number
 * is looked up again.
 */
async function fromRemembered(chat: FreshchatApi, entry: CallerEntry, masked: string, mayCreate: boolean, hints: LookupHints): Promise<Lookup | null> {
  const who = 'caller ' + masked + ' remembered from an earlier call';
  if (conversationFresh(entry, hints.now)) {
    const conversationId = entry.conversation as string;
    if (!hints.statusNeeded) return { choice: { kind: 'remembered', conversationId, userId: entry.user, reason: who + '; their conversation' }, listed: false, variant: null };
    const conversation = await chat.getConversation(conversationId);
    if (!conversation || !belongsTo(conversation, entry.user)) return null;
    const choice: ConversationChoice = { kind: 'existing', conversation, userId: entry.user, ambiguous: false, sharedBy: 1, reason: who + '; their conversation' };
    return { choice, listed: false, variant: null };
  }
  const conversationIds = await chat.getUserConversationIds(entry.user);
  // An empty list may mean the user is gone: the phone lookup tells.
  if (conversationIds.length === 0) return null;
  const choice = await chooseForUser(chat, { userId: entry.user, conversationIds, latest: null }, { who, ambiguous: false, sharedBy: 1, mayCreate });
  return { choice, listed: true, variant: null };
}

/** Freshchat lists a conversation's users; one that lists none is taken as theirs. */
function belongsTo(conversation: ChatConversation, userId: string): boolean {
  return conversation.userIds.length === 0 || conversation.userIds.indexOf(userId) >= 0;
}

async function chooseByPhone(chat: FreshchatApi, users: Array<{ id: string }>, masked: string, mayCreate: boolean): Promise<ConversationChoice> {
  if (users.length === 0) {
    if (mayCreate) return { kind: 'create', userId: null, reason: 'no Freshchat user with phone ' + masked + '; new user and conversation' };
    return { kind: 'none', reason: 'no Freshchat user with phone ' + masked };
  }
  const ambiguous = users.length > 1;
  const who = 'matched user by phone ' + masked + (ambiguous ? ' (' + users.length + ' users share it; chose the one with the most recent conversation)' : '');
  const best = pickUser(await latestConversations(chat, users.slice(0, MAX_USERS))) as Candidate;
  return chooseForUser(chat, best, { who, ambiguous, sharedBy: users.length, mayCreate });
}

async function chooseForUser(chat: FreshchatApi, user: Candidate, context: { who: string; ambiguous: boolean; sharedBy: number; mayCreate: boolean }): Promise<ConversationChoice> {
  if (user.conversationIds.length === 0) {
    if (context.mayCreate) return { kind: 'create', userId: user.userId, reason: context.who + '; no conversation yet, new conversation' };
    return { kind: 'none', reason: context.who + '; the user has no conversation' };
  }
  const picked = await pickConversation(chat, user);
  if (!picked) return { kind: 'none', reason: context.who + '; their conversations could not be read' };
  return { kind: 'existing', conversation: picked.conversation, userId: user.userId, ambiguous: context.ambiguous, sharedBy: context.sharedBy, reason: context.who + '; ' + picked.why };
}

/** Tries the forms Freshchat may hold the number in, the account's usual one first, stopping at the first that matches. */
export async function findUsers(chat: FreshchatApi, phone: PhoneNumber, preferred: string | null = null): Promise<{ users: Array<{ id: string }>; variant: VariantKind | null }> {
  for (const variant of phoneVariants(phone, preferred)) {
    const users = await chat.findUsersByPhone(variant.form);
    if (users.length) return { users, variant: variant.kind };
  }
  return { users: [], variant: null };
}

interface Candidate {
  userId: string;
  conversationIds: string[];
  /** The user's most recent conversation, read when users must be compared. */
  latest: ChatConversation | null;
}

async function latestConversations(chat: FreshchatApi, users: Array<{ id: string }>): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const user of users) {
    const conversationIds = await chat.getUserConversationIds(user.id);
    const first = conversationIds[0];
    const latest = users.length > 1 && first ? await chat.getConversation(first) : null;
    candidates.push({ userId: user.id, conversationIds, latest });
  }
  return candidates;
}

/** Several users: the one whose latest conversation is the most recent. Pure. */
export function pickUser(candidates: Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const candidate of candidates) {
    if (!best || timeOf(candidate.latest) > timeOf(best.latest)) best = candidate;
  }
  return best;
}

async function pickConversation(chat: FreshchatApi, user: Candidate): Promise<{ conversation: ChatConversation; why: string } | null> {
  const seen: ChatConversation[] = [];
  for (const id of user.conversationIds.slice(0, MAX_CONVERSATIONS_CHECKED)) {
    const conversation = await readConversation(chat, user, id);
    if (!conversation) continue;
    seen.push(conversation);
    if (conversation.status !== 'resolved') {
      return { conversation, why: seen.length === 1 ? 'most recent open conversation' : 'most recent conversation that is not resolved' };
    }
  }
  const mostRecent = seen[0];
  return mostRecent ? { conversation: mostRecent, why: 'most recent conversation (resolved)' } : null;
}

/** The latest conversation was already read when users were compared: no second request. */
function readConversation(chat: FreshchatApi, user: Candidate, id: string): Promise<ChatConversation | null> {
  return user.latest && user.latest.id === id ? Promise.resolve(user.latest) : chat.getConversation(id);
}

function timeOf(conversation: ChatConversation | null): number {
  if (!conversation || !conversation.createdTime) return 0;
  const time = Date.parse(conversation.createdTime);
  return isNaN(time) ? 0 : time;
}
