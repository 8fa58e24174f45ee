// The Re-link picker's list (docs/architecture.md "The sidebar"): the caller's Freshchat
// conversations, newest first, with status and creation time. The caller is the user the call is
// linked to, else the users found by the caller's number, as the sync finds them.
import type { ChatConversation } from '../clients/freshchat';
import type { Platform } from '../ports';
import { callerPhone } from '../sync/call-input';
import { findUsers } from '../sync/choose-conversation';
import type { SyncDeps } from '../sync/deps';
import type { CallRecord } from '../sync/record';
import { BAD_CALL_ID, callArgs, methodDeps, readCall } from './call-sync-methods';
import { MAX_LISTED_CONVERSATIONS, type CallerConversations, type ConversationOption } from './contract';
import { argsOf, MethodFailure } from './answer';

/** Users compared when several share the number, as the sync does (choose-conversation.ts). */
const MAX_USERS = 3;

export async function listCallerConversations(payload: unknown, platform: Platform): Promise<CallerConversations> {
  const { callId } = argsOf(callArgs(), payload, BAD_CALL_ID);
  const deps = methodDeps(payload, platform);
  const record = await deps.store.readRecord(callId);
  const found = record && record.link.userId ? { ids: await deps.chat.getUserConversationIds(record.link.userId), matchedBy: 'link' as const } : await byPhone(deps, callId);
  const listed = found.ids.slice(0, MAX_LISTED_CONVERSATIONS);
  const conversations: ConversationOption[] = [];
  for (const id of listed) {
    const conversation = await deps.chat.getConversation(id);
    if (conversation) conversations.push(optionOf(conversation, record));
  }
  return { callId, conversations: newestFirst(conversations), matchedBy: found.matchedBy, more: found.ids.length > listed.length };
}

/** No linked user: the users whose phone matches the caller, read from the call itself. */
async function byPhone(deps: SyncDeps, callId: string): Promise<{ ids: string[]; matchedBy: 'phone' | 'none' }> {
  const call = await readCall(deps, callId);
  if (!call) throw new MethodFailure(404, 'Freshcaller has no call ' + callId);
  const phone = callerPhone(call);
  const users = phone ? (await findUsers(deps.chat, phone)).users : [];
  const ids: string[] = [];
  for (const user of users.slice(0, MAX_USERS)) (await deps.chat.getUserConversationIds(user.id)).forEach((id) => ids.push(id));
  return { ids, matchedBy: users.length ? 'phone' : 'none' };
}

function optionOf(conversation: ChatConversation, record: CallRecord | null): ConversationOption {
  const current = !!record && record.link.conversationId === conversation.id;
  return { id: conversation.id, status: conversation.status, createdTime: conversation.createdTime, current };
}

/** Freshchat lists a user's conversations most recent first; several users' lists are merged by creation time. */
function newestFirst(options: ConversationOption[]): ConversationOption[] {
  return options
    .map((option, index) => ({ option, index, time: option.createdTime ? Date.parse(option.createdTime) || 0 : 0 }))
    .sort((a, b) => b.time - a.time || a.index - b.index)
    .map((entry) => entry.option);
}
