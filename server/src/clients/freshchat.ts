// The Freshchat side of the one narrow port over `$request.invokeTemplate`. Templates are in config/requests.json; bodies
// follow 002's MessageCreate / ConversationCreate / ConversationUpdate / UserCreate and 003's
// CSAT; answers are parsed with zod, unknown fields tolerated. Every failure is an ApiError.
import { array, boolean, looseObject, number, string, union, unknown } from 'zod';
import type { PlatformRequest } from '../platform/types';
import { lazily } from '../platform/lazily';
import { ApiError } from './api-error';
import { checkedId, checkedPhone, parsed, sent, sentOrNull } from './responses';

export interface ChatUser {
  id: string;
  phone: string | null;
}

export interface ChatConversation {
  id: string;
  /** new, assigned, resolved, reopened (002); kept as text so a new status is not a failure. */
  status: string;
  createdTime: string | null;
  userIds: string[];
}

export interface ChatAgent {
  id: string;
  email: string;
  name: string;
}

export interface ChatMessage {
  id: string;
  messageType: string;
  actorType: string;
  /** The text parts joined by newlines; other parts (images, files) are left out. */
  text: string;
  createdTime: string | null;
}

export interface ChatMessagePage {
  messages: ChatMessage[];
  hasMore: boolean;
}

export interface NewConversation {
  appId: string;
  channelId: string;
  userId: string;
  /** The agent who authors the first message, a private note. */
  actorId: string;
  text: string;
}

export interface FreshchatApi {
  getAccountConfiguration(): Promise<{ appId: string }>;
  /** Throws an ApiError when the host or the token is wrong (install check). */
  checkFreshchat(): Promise<void>;
  /** Exact match on the number as Freshchat stores it; no match (200 empty or 404) is []. */
  findUsersByPhone(phone: string): Promise<ChatUser[]>;
  /** Most recent first, as Freshchat returns them; an unknown user has none. */
  getUserConversationIds(userId: string): Promise<string[]>;
  /** null when Freshchat has no such conversation. */
  getConversation(id: string): Promise<ChatConversation | null>;
  setConversationStatus(id: string, status: 'resolved' | 'reopened'): Promise<void>;
  postPrivateNote(conversationId: string, actorId: string, text: string): Promise<void>;
  createUser(phoneE164: string): Promise<ChatUser>;
  createConversation(conversation: NewConversation): Promise<{ conversationId: string }>;
  /** Pages GET /v2/agents (it has no email filter, README.md); null when no active agent has the email. */
  findAgentByEmail(email: string, maxPages?: number): Promise<ChatAgent | null>;
  /** Only for a resolved conversation (003 CSAT); `rating` 1-5. */
  postCsat(conversationId: string, rating: number): Promise<void>;
  /** Newest first, 50 a page; `since` (clock ms): only messages created then or later. */
  listMessages(conversationId: string, page: number, since?: number | null): Promise<ChatMessagePage>;
}

/** `items_per_page` of the chatListAgents and chatListMessages templates. */
export const PAGE_SIZE = 50;
export const DEFAULT_AGENT_PAGES = 5;

const FRESHCHAT = 'freshchat';

/** Freshchat ids are strings (uuids); a number is read as its text. Built when first needed (platform/lazily.ts). */
const idText = lazily(() => union([string().min(1), number()]).transform((value) => String(value)));

/** Shared by every field of their type (a schema is immutable; platform/lazily.ts says why fewer is cheaper). */
const optionalId = lazily(() => idText().nullish());
const optionalText = lazily(() => string().nullish());
/** `{ id }`: a conversation or user named by id only. */
const idOnly = lazily(() => looseObject({ id: idText() }));

const accountSchema = lazily(() => looseObject({ app_id: string().min(1) }));

const userSchema = lazily(() => looseObject({ id: idText(), phone: unknown().optional() }));
const usersSchema = lazily(() => looseObject({ users: array(userSchema()).nullish() }));

const conversationIdsSchema = lazily(() => looseObject({ conversations: array(idOnly()).nullish() }));

const conversationSchema = lazily(() =>
  looseObject({
    // 002 and 003 name it conversation_id; `id` is accepted in case an answer uses the usual name.
    conversation_id: optionalId(),
    id: optionalId(),
    status: string(),
    created_time: optionalText(),
    users: array(idOnly()).nullish(),
  }),
);

const createdConversationSchema = lazily(() => looseObject({ conversation_id: optionalId(), id: optionalId() }));

/** 002 types `links.next_page` as a URI; 003's samples show `{ href, rel, type }`. */
const pageInfo = lazily(() => ({
  links: looseObject({ next_page: union([string(), looseObject({ href: string() })]).nullish() }).nullish(),
  pagination: looseObject({ current_page: number().nullish(), total_pages: number().nullish() }).nullish(),
}));

const agentsSchema = lazily(() => {
  const agent = looseObject({
    id: idText(),
    email: optionalText(),
    first_name: optionalText(),
    last_name: optionalText(),
    is_deactivated: boolean().nullish(),
    is_deleted: boolean().nullish(),
  });
  return looseObject(Object.assign({ agents: array(agent).nullish() }, pageInfo()));
});

const messagesSchema = lazily(() => {
  const message = looseObject({
    id: optionalId(),
    message_type: optionalText(),
    actor_type: optionalText(),
    message_parts: array(looseObject({ text: looseObject({ content: optionalText() }).nullish() })).nullish(),
    created_time: optionalText(),
  });
  return looseObject(Object.assign({ messages: array(message).nullish() }, pageInfo()));
});

type PageInfo = {
  links?: { next_page?: unknown } | null;
  pagination?: { current_page?: number | null; total_pages?: number | null } | null;
};
type RawAgent = {
  id: string;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  is_deactivated?: boolean | null;
  is_deleted?: boolean | null;
};
type RawMessage = {
  id?: string | null;
  message_type?: string | null;
  actor_type?: string | null;
  message_parts?: Array<{ text?: { content?: string | null } | null }> | null;
  created_time?: string | null;
};

/** 002 MessageCreate: a private note by an agent. */
function privateNote(actorId: string, text: string): Record<string, unknown> {
  return { message_type: 'private', actor_type: 'agent', actor_id: actorId, message_parts: [{ text: { content: text } }] };
}

function noCount(): void {
  // Counting is optional: the install check does not pace itself.
}

export function createFreshchatClient(platformRequest: PlatformRequest, onRequest: () => void = noCount): FreshchatApi {
  // Every request passes here, so background work can see what it spent (platform/metered.ts).
  const request = {
    get invokeTemplate(): PlatformRequest['invokeTemplate'] {
      onRequest();
      return platformRequest.invokeTemplate.bind(platformRequest);
    },
  };
  let appId: string | null = null;

  const getAccountConfiguration = async (): Promise<{ appId: string }> => {
    // app_id never changes: read once per invocation (seed README "read it once ... and cache it").
    if (appId !== null) return { appId };
    const answer = await sent(FRESHCHAT, 'chatGetAccountConfiguration', request.invokeTemplate('chatGetAccountConfiguration', {}));
    appId = parsed(FRESHCHAT, 'chatGetAccountConfiguration', answer, accountSchema()).app_id;
    return { appId };
  };

  const findAgentOnPage = async (page: number, wanted: string): Promise<{ match: ChatAgent | null; more: boolean }> => {
    const answer = await sent(FRESHCHAT, 'chatListAgents', request.invokeTemplate('chatListAgents', { context: { page: String(page) } }));
    const body = parsed(FRESHCHAT, 'chatListAgents', answer, agentsSchema());
    const agents = body.agents || [];
    const match = agents.find((agent) => isActiveWithEmail(agent, wanted));
    // A short page is the last one, whatever the links say.
    return { match: match ? toAgent(match) : null, more: agents.length >= PAGE_SIZE && hasNextPage(body) };
  };

  return {
    getAccountConfiguration,

    // The install has 10 s: one attempt only (chatCheckToken), never the retried read.
    checkFreshchat: async () => {
      const answer = await sent(FRESHCHAT, 'chatCheckToken', request.invokeTemplate('chatCheckToken', {}));
      parsed(FRESHCHAT, 'chatCheckToken', answer, accountSchema());
    },

    findUsersByPhone: async (phone) => {
      const phone_no = checkedPhone(FRESHCHAT, 'chatFindUsersByPhone', phone);
      const answer = await sentOrNull(FRESHCHAT, 'chatFindUsersByPhone', request.invokeTemplate('chatFindUsersByPhone', { context: { phone_no } }));
      if (!answer) return [];
      const users = parsed(FRESHCHAT, 'chatFindUsersByPhone', answer, usersSchema()).users || [];
      return users.map((user) => ({ id: user.id, phone: typeof user.phone === 'string' ? user.phone : null }));
    },

    getUserConversationIds: async (userId) => {
      const user_id = checkedId(FRESHCHAT, 'chatGetUserConversations', userId);
      const answer = await sentOrNull(FRESHCHAT, 'chatGetUserConversations', request.invokeTemplate('chatGetUserConversations', { context: { user_id } }));
      if (!answer) return [];
      const conversations = parsed(FRESHCHAT, 'chatGetUserConversations', answer, conversationIdsSchema()).conversations || [];
      return conversations.map((conversation) => conversation.id);
    },

    getConversation: async (id) => {
      const conversation_id = checkedId(FRESHCHAT, 'chatGetConversation', id);
      const answer = await sentOrNull(FRESHCHAT, 'chatGetConversation', request.invokeTemplate('chatGetConversation', { context: { conversation_id } }));
      if (!answer) return null;
      const body = parsed(FRESHCHAT, 'chatGetConversation', answer, conversationSchema());
      return {
        id: body.conversation_id || body.id || conversation_id,
        status: body.status,
        createdTime: body.created_time || null,
        userIds: (body.users || []).map((user) => user.id),
      };
    },

    setConversationStatus: async (id, status) => {
      const conversation_id = checkedId(FRESHCHAT, 'chatUpdateConversation', id);
      const body = JSON.stringify({ status });
      await sent(FRESHCHAT, 'chatUpdateConversation', request.invokeTemplate('chatUpdateConversation', { context: { conversation_id }, body }));
    },

    postPrivateNote: async (conversationId, actorId, text) => {
      const conversation_id = checkedId(FRESHCHAT, 'chatPostMessage', conversationId);
      const body = JSON.stringify(privateNote(actorId, text));
      await sent(FRESHCHAT, 'chatPostMessage', request.invokeTemplate('chatPostMessage', { context: { conversation_id }, body }));
    },

    createUser: async (phoneE164) => {
      const body = JSON.stringify({ phone: phoneE164 });
      const answer = await sent(FRESHCHAT, 'chatCreateUser', request.invokeTemplate('chatCreateUser', { body }));
      const user = parsed(FRESHCHAT, 'chatCreateUser', answer, userSchema());
      return { id: user.id, phone: typeof user.phone === 'string' ? user.phone : phoneE164 };
    },

    createConversation: async (conversation) => {
      const body = JSON.stringify({
        app_id: conversation.appId,
        channel_id: conversation.channelId,
        users: [{ id: conversation.userId }],
        messages: [privateNote(conversation.actorId, conversation.text)],
      });
      const answer = await sent(FRESHCHAT, 'chatCreateConversation', request.invokeTemplate('chatCreateConversation', { body }));
      const created = parsed(FRESHCHAT, 'chatCreateConversation', answer, createdConversationSchema());
      const conversationId = created.conversation_id || created.id;
      if (!conversationId) throw new ApiError({ product: FRESHCHAT, template: 'chatCreateConversation', status: answer.status, code: 'bad_response' });
      return { conversationId };
    },

    findAgentByEmail: async (email, maxPages = DEFAULT_AGENT_PAGES) => {
      const wanted = email.trim().toLowerCase();
      if (wanted === '') return null;
      for (let page = 1; page <= maxPages; page++) {
        const result = await findAgentOnPage(page, wanted);
        if (result.match || !result.more) return result.match;
      }
      return null;
    },

    postCsat: async (conversationId, rating) => {
      const conversation_id = checkedId(FRESHCHAT, 'chatPostCsat', conversationId);
      if (!isRating(rating)) {
        throw new ApiError({ product: FRESHCHAT, template: 'chatPostCsat', status: 0, code: 'invalid', reason: 'A Freshchat CSAT rating must be 1 to 5' });
      }
      const body = JSON.stringify({ issue_resolved: true, rating });
      await sent(FRESHCHAT, 'chatPostCsat', request.invokeTemplate('chatPostCsat', { context: { conversation_id }, body }));
    },

    listMessages: async (conversationId, page, since = null) => {
      const template = since === null ? 'chatListMessages' : 'chatListMessagesSince';
      const conversation_id = checkedId(FRESHCHAT, template, conversationId);
      const pageNumber = String(Math.max(1, Math.floor(page)));
      const sending =
        since === null
          ? request.invokeTemplate('chatListMessages', { context: { conversation_id, page: pageNumber } })
          : request.invokeTemplate('chatListMessagesSince', { context: { conversation_id, page: pageNumber, from_time: new Date(since).toISOString() } });
      const answer = await sent(FRESHCHAT, template, sending);
      const body = parsed(FRESHCHAT, template, answer, messagesSchema());
      const messages = (body.messages || []).map(toMessage);
      return { messages, hasMore: hasMore(body, messages.length) };
    },
  };
}

function isRating(rating: number): boolean {
  return Number.isInteger(rating) && rating >= 1 && rating <= 5;
}

/** A deactivated or deleted agent cannot author notes: it does not count as a match. */
function isActiveWithEmail(agent: RawAgent, wanted: string): boolean {
  if (agent.is_deactivated === true || agent.is_deleted === true) return false;
  return typeof agent.email === 'string' && agent.email.trim().toLowerCase() === wanted;
}

function toAgent(agent: RawAgent): ChatAgent {
  const email = agent.email || '';
  const name = [agent.first_name, agent.last_name].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
  return { id: agent.id, email, name: name || email };
}

function hasNextPage(page: PageInfo): boolean {
  if (page.links && page.links.next_page) return true;
  const pagination = page.pagination;
  if (!pagination || typeof pagination.current_page !== 'number' || typeof pagination.total_pages !== 'number') return false;
  return pagination.current_page < pagination.total_pages;
}

/** Without links or pagination (003's message sample has neither), a full page may have a next one. */
function hasMore(page: PageInfo, count: number): boolean {
  if (page.links || page.pagination) return hasNextPage(page);
  return count >= PAGE_SIZE;
}

function toMessage(message: RawMessage): ChatMessage {
  const parts = message.message_parts || [];
  const text = parts
    .map((part) => (part.text && typeof part.text.content === 'string' ? part.text.content : null))
    .filter((content): content is string => content !== null)
    .join('\n');
  return {
    id: message.id || '',
    messageType: message.message_type || 'normal',
    actorType: message.actor_type || '',
    text,
    createdTime: message.created_time || null,
  };
}
