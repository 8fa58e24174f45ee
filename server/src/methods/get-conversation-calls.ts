// Server method of the Freshchat pane (`chat_conversation` → `conversation_user_info`): the calls
// synced into one conversation, read back from the conversation's own messages
// (docs/architecture.md "Reading the notes back"). The Freshchat side cannot read the
// Freshcaller side's store (docs/platform.md "Manifest"), and it does not need to: what the pane
// shows is what was really written. So this method takes no $db at all.
import { looseObject, string } from 'zod';
import { ApiError } from '../clients/api-error';
import { createFreshchatClient, type ChatMessage, type FreshchatApi } from '../clients/freshchat';
import { SAFE_ID } from '../clients/responses';
import { readNotes } from '../domain/read-notes';
import { lazily } from '../platform/lazily';
import type { PlatformRequest } from '../platform/types';
import type { Logger } from '../ports';
import { argsOf, MethodFailure } from './answer';
import type { ConversationArgs, ConversationCalls } from './contract';

/**
 * Pages of 50 messages read at most: 150 messages, 3 requests. Every request counts against the
 * app's 50 requests a minute, which the call events share (docs/platform.md "Budgets"), and the
 * pane asks once per conversation opened; a few agents opening conversations must not starve
 * the sync. A longer conversation is answered with `truncated`.
 */
export const MAX_MESSAGE_PAGES = 3;

/** What the method may use: requests and the log. No $db (see above). */
export interface ChatMethodPorts {
  request: PlatformRequest;
  logger: Logger;
}

/** Built when the method first runs in this evaluation (platform/lazily.ts). */
const argsSchema = lazily(() => looseObject({ conversationId: string().regex(SAFE_ID) }));

export const BAD_ID = 'Not a valid Freshchat conversation id';
export const GONE = 'This conversation no longer exists in Freshchat';

export async function getConversationCalls(payload: unknown, ports: ChatMethodPorts): Promise<ConversationCalls> {
  const args: ConversationArgs = argsOf(argsSchema(), payload, BAD_ID);
  const read = await readPages(createFreshchatClient(ports.request), args.conversationId);
  const notes = readNotes(read.messages);
  ports.logger.info('getConversationCalls: ' + notes.calls.length + ' calls, ' + notes.movedAway.length + ' moved, ' + read.pages + ' pages' + (read.truncated ? ', truncated' : ''));
  return { conversationId: args.conversationId, calls: notes.calls, movedAway: notes.movedAway, truncated: read.truncated };
}

/**
 * The first pages of the conversation's messages. The order of Freshchat's pages is not settled
 * (docs/platform.md "Server methods"): the notes are sorted by their created_time when read, so
 * either order gives the same answer. A message that shifted onto the next page while the pages
 * were read is counted once.
 */
async function readPages(chat: FreshchatApi, conversationId: string): Promise<{ messages: ChatMessage[]; pages: number; truncated: boolean }> {
  const byId = new Map<string, ChatMessage>();
  const unnamed: ChatMessage[] = [];
  for (let page = 1; page <= MAX_MESSAGE_PAGES; page++) {
    const read = await pageOf(chat, conversationId, page);
    for (const message of read.messages) {
      if (message.id) byId.set(message.id, message);
      else unnamed.push(message);
    }
    if (!read.hasMore) return { messages: Array.from(byId.values()).concat(unnamed), pages: page, truncated: false };
  }
  return { messages: Array.from(byId.values()).concat(unnamed), pages: MAX_MESSAGE_PAGES, truncated: true };
}

async function pageOf(chat: FreshchatApi, conversationId: string, page: number): ReturnType<FreshchatApi['listMessages']> {
  try {
    return await chat.listMessages(conversationId, page);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not_found') throw new MethodFailure(404, GONE);
    throw err;
  }
}
