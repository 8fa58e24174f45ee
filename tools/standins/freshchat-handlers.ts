import { ApiError } from './api-error';
import type {
  ConversationStatus, FreshchatConversation, FreshchatStore, FreshchatUser, MessageInput, MessagePart,
} from './freshchat-store';
import { applyConversationUpdate, type ConversationUpdateBody } from './freshchat-conversation-update';
import { linksOf, optionallyPaged, paginationOf } from './freshchat-pagination';
import { paginate } from './pagination';
import type { Handler, HandlerContext, HandlerResult } from './standin-server';

/** Choices where the seeds disagree or the real API varies; tests can flip them. */
export interface FreshchatBehaviour {
  /**
   * A user search with no match may answer 200 with an empty users list or 404; both mean "no such
   * user". Default 'empty-list'.
   */
  userSearchNoMatch: 'empty-list' | 'not-found';
  /** POST /v2/users: 002 says 200, 003 says 201. Default 200 (the OpenAPI seed wins for spec'd endpoints). */
  createUserStatus: 200 | 201;
  /**
   * `links.next_page`: 002 types it as a URI string ('openapi', default); 003's samples show
   * `{ href, rel, type }` objects with a relative href ('reference').
   */
  paginationLinks: 'openapi' | 'reference';
}

interface MessageBody {
  message_type?: 'normal' | 'private';
  actor_type: 'user' | 'agent';
  actor_id: string;
  user_id?: string;
  message_parts: MessagePart[];
  reply_parts?: unknown[];
}

interface ConversationCreateBody {
  app_id: string;
  channel_id: string;
  status?: ConversationStatus;
  assigned_agent_id?: string;
  assigned_group_id?: string;
  properties?: Record<string, unknown>;
  users?: { id?: string }[];
  messages: MessageBody[];
}

interface CsatBody {
  issue_resolved: boolean;
  rating?: number;
  additional_feedback?: string;
  reopen_conversation?: boolean;
}

const notFound = (resource: string, id: string): ApiError =>
  new ApiError(404, `${resource.toLowerCase()} not found: ${id}`, `${resource}_NOT_FOUND`);

/** What GET/PUT /v2/conversations/{id} return: 003 says messages and users are not part of it. */
function conversationView(c: FreshchatConversation): Record<string, unknown> {
  const view: Record<string, unknown> = {
    conversation_id: c.conversation_id, app_id: c.app_id, channel_id: c.channel_id, status: c.status,
  };
  if (c.assigned_agent_id) view.assigned_agent_id = c.assigned_agent_id;
  if (c.assigned_group_id) view.assigned_group_id = c.assigned_group_id;
  if (c.properties) view.properties = c.properties;
  view.created_time = c.created_time;
  return view;
}

const byCreatedDesc = <T extends { created_time?: string }>(a: T, b: T): number =>
  String(b.created_time || '').localeCompare(String(a.created_time || ''));

export function createFreshchatHandlers(store: FreshchatStore, behaviour: FreshchatBehaviour): Record<string, Handler> {
  const requireConversation = (ctx: HandlerContext): FreshchatConversation => {
    const id = String(ctx.params.conversation_id);
    const conversation = store.conversation(id);
    if (!conversation) throw notFound('CONVERSATION', id);
    return conversation;
  };

  const requireActor = (message: { actor_type: string; actor_id?: string }): void => {
    const id = message.actor_id || '';
    if (message.actor_type === 'agent' && !store.agent(id)) throw new ApiError(400, `actor_id ${id} is not an agent of this account`, 'INVALID_ACTOR');
    if (message.actor_type === 'user' && !store.user(id)) throw new ApiError(400, `actor_id ${id} is not a user of this account`, 'INVALID_ACTOR');
  };

  const listed = <T>(key: string, ctx: HandlerContext, all: T[], resource: string): HandlerResult => {
    const page = paginate(all, Number(ctx.query.page), Number(ctx.query.items_per_page));
    return { status: 200, body: { [key]: page.items, pagination: paginationOf(page), links: linksOf(ctx, page, resource, behaviour) } };
  };

  return {
    getAccountConfiguration: () => ({ status: 200, body: store.raw.account }),

    listUsers: (ctx) => {
      const q = ctx.query as Record<string, string | undefined>;
      const users = store.raw.users.filter((u) => userMatches(u, q));
      if (users.length === 0 && behaviour.userSearchNoMatch === 'not-found') throw new ApiError(404, 'user not found', 'USER_NOT_FOUND');
      return listed('users', ctx, users, 'user');
    },

    createUser: (ctx) => {
      const body = ctx.body as Record<string, unknown>;
      // 003 Create a user: the attributes a client may set; id, times and restore_id are the server's.
      const fields: Record<string, unknown> = {};
      for (const key of ['email', 'first_name', 'last_name', 'phone', 'properties', 'avatar', 'reference_id']) {
        if (body[key] !== undefined) fields[key] = body[key];
      }
      return { status: behaviour.createUserStatus, body: store.addUser(fields) };
    },

    getUser: (ctx) => {
      const user = store.user(String(ctx.params.user_id));
      if (!user) throw notFound('USER', String(ctx.params.user_id));
      return { status: 200, body: user };
    },

    updateUser: (ctx) => {
      const user = store.user(String(ctx.params.user_id));
      if (!user) throw notFound('USER', String(ctx.params.user_id));
      const body = ctx.body as Partial<FreshchatUser>;
      // 003: "Only the values of the attributes email, first_name, last_name, and phone can be updated".
      for (const key of ['email', 'first_name', 'last_name', 'phone'] as const) {
        if (body[key] !== undefined && body[key] !== null) user[key] = body[key];
      }
      user.updated_time = store.iso();
      return { status: 200, body: user };
    },

    listUserConversations: (ctx) => {
      const id = String(ctx.params.user_id);
      if (!store.user(id)) throw notFound('USER', id);
      // 003 returns ids only; the user's conversations come back most recent first.
      const conversations = store.raw.conversations
        .filter((c) => c.users.some((u) => u.id === id))
        .sort(byCreatedDesc)
        .map((c) => ({ id: c.conversation_id }));
      return { status: 200, body: { conversations } };
    },

    listConversations: (ctx) => {
      const q = ctx.query as Record<string, string | undefined>;
      const all = store.raw.conversations
        .filter((c) => (!q.status || c.status === q.status)
          && (!q.assigned_agent_id || c.assigned_agent_id === q.assigned_agent_id)
          && (!q.assigned_group_id || c.assigned_group_id === q.assigned_group_id))
        .sort(byCreatedDesc)
        .map(conversationView);
      return listed('conversations', ctx, all, 'conversation');
    },

    createConversation: (ctx) => {
      const body = ctx.body as ConversationCreateBody;
      const account = store.raw.account;
      if (body.app_id !== account.app_id) throw new ApiError(400, `app_id ${body.app_id} is not this account's app_id`, 'INVALID_APP_ID');
      if (!store.channel(body.channel_id)) throw new ApiError(400, `channel_id ${body.channel_id} does not exist`, 'INVALID_CHANNEL');
      // 002 makes users optional, 003 says "Mandatory attribute in the request body": the stricter rule holds.
      const users = (body.users || []).map((u) => String(u.id || ''));
      if (users.length === 0) throw new ApiError(400, 'users is mandatory (003 Create a conversation)', 'BAD_REQUEST');
      const unknown = users.find((id) => !store.user(id));
      if (unknown !== undefined) throw new ApiError(400, `user ${unknown} does not exist`, 'INVALID_USER');
      if (body.assigned_agent_id && !store.agent(body.assigned_agent_id)) throw new ApiError(400, `agent ${body.assigned_agent_id} does not exist`, 'INVALID_AGENT');
      body.messages.forEach(requireActor);
      const conversation = store.addConversation({
        channel_id: body.channel_id,
        status: body.status,
        assigned_agent_id: body.assigned_agent_id,
        assigned_group_id: body.assigned_group_id,
        properties: body.properties,
        users: users.map((id) => ({ id })),
      });
      const messages = body.messages.map((m) => store.addMessage(conversation.conversation_id, toMessageInput(m)));
      // 002: 200 with { conversation_id }; 003 says 202 with the created object. 002's status, 003's fields.
      return { status: 200, body: { ...conversationView(conversation), users: conversation.users, messages } };
    },

    getConversation: (ctx) => ({ status: 200, body: conversationView(requireConversation(ctx)) }),

    updateConversation: (ctx) => {
      const conversation = requireConversation(ctx);
      applyConversationUpdate(store, conversation, ctx.body as ConversationUpdateBody);
      return { status: 200, body: conversationView(conversation) };
    },

    listConversationMessages: (ctx) => {
      const conversation = requireConversation(ctx);
      const from = ctx.query.from_time ? Date.parse(String(ctx.query.from_time)) : Number.NEGATIVE_INFINITY;
      // 002: "ordered by creation time"; 003's sample lists the newest first.
      const all = (store.raw.messages[conversation.conversation_id] || [])
        .filter((m) => Date.parse(m.created_time) >= from)
        .slice()
        .sort(byCreatedDesc);
      return listed('messages', ctx, all, 'message');
    },

    sendMessage: (ctx) => {
      const conversation = requireConversation(ctx);
      const body = ctx.body as MessageBody;
      requireActor(body);
      const message = store.addMessage(conversation.conversation_id, toMessageInput(body));
      store.touch(conversation);
      return { status: 200, body: message };
    },

    listAgents: (ctx) => {
      const q = ctx.query as Record<string, unknown>;
      let agents = store.raw.agents.filter((a) => (q.is_deactivated === undefined || Boolean(a.is_deactivated) === q.is_deactivated)
        && (!q.groups || (a.groups || []).includes(String(q.groups)))
        && (!q.availability_status || a.availability_status === q.availability_status));
      if (q.sort_by) {
        const key = String(q.sort_by);
        const sign = q.sort_order === 'desc' ? -1 : 1;
        agents = agents.slice().sort((a, b) => sign * String(a[key] || '').localeCompare(String(b[key] || '')));
      }
      return listed('agents', ctx, agents, 'agent');
    },

    getAgent: (ctx) => {
      const agent = store.agent(String(ctx.params.agent_id));
      if (!agent) throw notFound('AGENT', String(ctx.params.agent_id));
      return { status: 200, body: agent };
    },

    listChannels: (ctx) => optionallyPaged('channels', ctx, store.raw.channels, 'channel', behaviour),

    getChannel: (ctx) => {
      const channel = store.channel(String(ctx.params.channel_id));
      if (!channel) throw notFound('CHANNEL', String(ctx.params.channel_id));
      return { status: 200, body: channel };
    },

    listGroups: (ctx) => optionallyPaged('groups', ctx, store.raw.groups, 'group', behaviour),

    getGroup: (ctx) => {
      const group = store.group(String(ctx.params.group_id));
      if (!group) throw notFound('GROUP', String(ctx.params.group_id));
      return { status: 200, body: group };
    },

    createCsat: (ctx) => {
      const conversation = requireConversation(ctx);
      // 003 CSAT: "you can post CSAT rating only for resolved conversations".
      if (conversation.status !== 'resolved') {
        throw new ApiError(400, `CSAT can be posted only for a resolved conversation; this one is ${conversation.status}`, 'CONVERSATION_NOT_RESOLVED');
      }
      const body = ctx.body as CsatBody;
      const record = store.addCsat(conversation, {
        issue_resolved: body.issue_resolved,
        rating: body.rating,
        additional_feedback: body.additional_feedback,
        reopen_conversation: Boolean(body.reopen_conversation),
      });
      if (body.reopen_conversation) store.reopen(conversation);
      return { status: 201, body: record };
    },
  };
}

function toMessageInput(body: MessageBody): MessageInput {
  const input: MessageInput = {
    message_type: body.message_type || 'normal',
    actor_type: body.actor_type,
    actor_id: body.actor_id,
    message_parts: body.message_parts,
  };
  if (body.reply_parts) input.reply_parts = body.reply_parts;
  if (body.user_id) input.user_id = body.user_id;
  return input;
}

function userMatches(user: FreshchatUser, q: Record<string, string | undefined>): boolean {
  // Exact, as stored: `phone_no=+14155550123` does not find a user stored as `(415) 555-0123`.
  const exact: [string | undefined, unknown][] = [
    [q.first_name, user.first_name], [q.last_name, user.last_name], [q.email, user.email],
    [q.reference_id, user.reference_id], [q.phone_no, user.phone],
  ];
  if (exact.some(([wanted, actual]) => wanted !== undefined && wanted !== actual)) return false;
  const created = Date.parse(user.created_time);
  const updated = Date.parse(user.updated_time);
  if (q.created_from && created < Date.parse(q.created_from)) return false;
  if (q.created_to && created >= Date.parse(q.created_to)) return false;
  if (q.updated_from && updated <= Date.parse(q.updated_from)) return false;
  if (q.updated_to && updated >= Date.parse(q.updated_to)) return false;
  return true;
}
