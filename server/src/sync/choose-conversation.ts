// Which Freshchat conversation a call belongs to (README.md "Which conversation, and what is
// written"), in order:
// a stored link; the user whose phone matches the caller (several: the one with the most
// recent conversation); that user's most recent conversation that is not resolved, else their
// most recent one; else a new conversation when allowed; else unlinked. Remembers why.
import type { ChatConversation, FreshchatApi } from '../clients/freshchat';
import { maskedNumber, phoneVariants } from '../domain/phone';
import type { PhoneNumber } from '../domain/types';

/** Bounds on lookups per call: the platform allows 50 requests a minute. */
const MAX_USERS = 3;
const MAX_CONVERSATIONS_CHECKED = 3;

export type ConversationChoice =
  | { kind: 'existing'; conversation: ChatConversation; userId: string; reason: string; ambiguous: boolean; sharedBy: number }
  | { kind: 'create'; userId: string | null; reason: string }
  | { kind: 'none'; reason: string };

export async function chooseConversation(chat: FreshchatApi, phone: PhoneNumber | null, mayCreate: boolean): Promise<ConversationChoice> {
  if (!phone) return { kind: 'none', reason: 'the caller has no usable phone number' };
  const users = await findUsers(chat, phone);
  const masked = maskedNumber(phone, null);
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

/** Tries the forms Freshchat may hold the number in, stopping at the first that matches. */
export async function findUsers(chat: FreshchatApi, phone: PhoneNumber): Promise<Array<{ id: string }>> {
  for (const variant of phoneVariants(phone)) {
    const users = await chat.findUsersByPhone(variant);
    if (users.length) return users;
  }
  return [];
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
