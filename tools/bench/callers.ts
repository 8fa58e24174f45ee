// The callers the bench's calls come from: one Freshchat user per number, each with its own
// conversations, seeded through the stand-in store (the seed file's three users are far too few
// for hours of calls). Numbers are stored the way this account stores them, in national format
// ("(415) 555-2001"), so a lookup that tries E.164 first pays for the miss (README "Which
// conversation").
import type { ConversationStatus, FreshchatStandin } from '../standins';

export interface CallerSeed {
  /** E.164, as Freshcaller sends it. */
  number: string;
  /** Statuses of the caller's conversations, oldest first. */
  conversations: ConversationStatus[];
  /** Messages from the caller in the newest conversation (a long conversation for the sidebar). */
  messages?: number;
}

export interface SeededCaller {
  userId: string;
  /** Oldest first. */
  conversationIds: string[];
}

/** The i-th caller's number: +1 415 555 2000 up, then +1 628 555 2000 up (fictional 555 numbers). */
export function callerNumber(i: number): string {
  const area = 415 + 213 * Math.floor(i / 8000);
  return '+1' + area + '555' + String(2000 + (i % 8000)).padStart(4, '0');
}

/** "+14155552001" → "(415) 555-2001". */
export function nationalFormat(e164: string): string {
  const d = e164.replace(/\D/g, '').slice(-10);
  return '(' + d.slice(0, 3) + ') ' + d.slice(3, 6) + '-' + d.slice(6);
}

const DAY = 86_400_000;

export function seedCallers(freshchat: FreshchatStandin, callers: CallerSeed[], now: number): SeededCaller[] {
  return callers.map((caller, n) => {
    const since = new Date(now - 400 * DAY).toISOString();
    const user = freshchat.addUser({ phone: nationalFormat(caller.number), first_name: 'Caller', last_name: String(n + 1), created_time: since, updated_time: since });
    const conversationIds = caller.conversations.map((status, i) => {
      const created = new Date(now - (caller.conversations.length - i) * DAY).toISOString();
      return freshchat.addConversation({ users: [{ id: user.id }], status, created_time: created, updated_time: created }).conversation_id;
    });
    const newest = conversationIds[conversationIds.length - 1];
    for (let m = 0; newest && m < (caller.messages || 0); m++) {
      freshchat.addMessage(newest, { actor_type: 'user', actor_id: user.id, user_id: user.id, message_parts: [{ text: { content: 'Message ' + (m + 1) } }] });
    }
    return { userId: user.id, conversationIds };
  });
}
