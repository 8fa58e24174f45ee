// A hand-written, in-memory Freshchat behind the FreshchatApi port, so unit tests hand the code
// a fake instead of stubbing platform globals or asserting on URL strings. It keeps
// users, conversations and what was written to them, records every call by method name so a
// test can count requests, and can be told to fail a method with an ApiError.
import { ApiError, type ApiErrorCode, type ApiErrorFields } from '../../../server/src/clients/api-error';
import type {
  ChatAgent,
  ChatConversation,
  ChatMessagePage,
  ChatUser,
  FreshchatApi,
  NewConversation,
} from '../../../server/src/clients/freshchat';

export type FreshchatMethod = keyof FreshchatApi;

export interface ChatNote {
  actorId: string;
  text: string;
  /** Written as the first message of a conversation the app created, not as a separate note. */
  firstMessage: boolean;
}

/** The template each method invokes, so a faked failure reads like the real client's. */
const TEMPLATE: Record<FreshchatMethod, string> = {
  getAccountConfiguration: 'chatGetAccountConfiguration',
  checkFreshchat: 'chatCheckToken',
  findUsersByPhone: 'chatFindUsersByPhone',
  getUserConversationIds: 'chatGetUserConversations',
  getConversation: 'chatGetConversation',
  setConversationStatus: 'chatUpdateConversation',
  postPrivateNote: 'chatPostMessage',
  createUser: 'chatCreateUser',
  createConversation: 'chatCreateConversation',
  findAgentByEmail: 'chatListAgents',
  postCsat: 'chatPostCsat',
  listMessages: 'chatListMessages',
};

const CODE_BY_STATUS: Record<number, ApiErrorCode> = { 400: 'invalid', 401: 'auth', 403: 'forbidden', 404: 'not_found', 422: 'invalid', 429: 'rate_limited', 504: 'timeout' };

/** An ApiError as the real Freshchat client would throw it for `method` answered with `status`. */
export function chatError(method: FreshchatMethod, status: number, extra: Partial<ApiErrorFields> = {}): ApiError {
  return new ApiError(Object.assign({ product: 'freshchat' as const, template: TEMPLATE[method], status, code: CODE_BY_STATUS[status] || 'server' }, extra));
}

export class FakeFreshchat implements FreshchatApi {
  appId = 'app-1';
  readonly users: ChatUser[] = [];
  readonly conversations = new Map<string, ChatConversation>();
  /** Conversation ids per user, most recent first (as Freshchat lists them). */
  readonly userConversations = new Map<string, string[]>();
  readonly notes = new Map<string, ChatNote[]>();
  readonly statuses: Array<{ conversationId: string; status: 'resolved' | 'reopened' }> = [];
  readonly csat: Array<{ conversationId: string; rating: number }> = [];
  readonly agents: ChatAgent[] = [];
  readonly created: NewConversation[] = [];
  /** Every call, in order, by method name. */
  readonly calls: Array<{ method: FreshchatMethod; args: unknown[] }> = [];
  /** Called for every request, as the real client counts them for the meter (platform/metered.ts). */
  onRequest: () => void = () => undefined;
  private readonly failures = new Map<FreshchatMethod, { error: ApiError | Error; times: number }>();
  private nextId = 1;

  // --- building the world -------------------------------------------------------------

  addUser(id: string, phone: string | null): this {
    this.users.push({ id, phone });
    if (!this.userConversations.has(id)) this.userConversations.set(id, []);
    return this;
  }

  /** Adds a conversation for a user; the user's list stays ordered most recent first. */
  addConversation(conversation: { id: string; userId: string; status?: string; createdTime?: string | null }): this {
    const stored: ChatConversation = {
      id: conversation.id,
      status: conversation.status || 'new',
      createdTime: conversation.createdTime === undefined ? '2026-11-01T10:00:00.000Z' : conversation.createdTime,
      userIds: [conversation.userId],
    };
    this.conversations.set(stored.id, stored);
    const ids = (this.userConversations.get(conversation.userId) || []).concat(stored.id);
    ids.sort((a, b) => timeOf(this.conversations.get(b)) - timeOf(this.conversations.get(a)));
    this.userConversations.set(conversation.userId, ids);
    return this;
  }

  /** Deletes a conversation, as an agent deleting it in Freshchat would. */
  removeConversation(id: string): this {
    this.conversations.delete(id);
    this.userConversations.forEach((ids, user) => this.userConversations.set(user, ids.filter((c) => c !== id)));
    return this;
  }

  addAgent(agent: ChatAgent): this {
    this.agents.push(agent);
    return this;
  }

  /** The next `times` calls of `method` reject with `error` (an ApiError, or anything else to fake a bug). */
  fail(method: FreshchatMethod, error: ApiError | Error, times = Number.POSITIVE_INFINITY): this {
    this.failures.set(method, { error, times });
    return this;
  }

  // --- reading what happened ----------------------------------------------------------

  count(method?: FreshchatMethod): number {
    return method ? this.calls.filter((call) => call.method === method).length : this.calls.length;
  }

  methods(): FreshchatMethod[] {
    return this.calls.map((call) => call.method);
  }

  notesIn(conversationId: string): ChatNote[] {
    return this.notes.get(conversationId) || [];
  }

  statusOf(conversationId: string): string | null {
    const conversation = this.conversations.get(conversationId);
    return conversation ? conversation.status : null;
  }

  // --- FreshchatApi -------------------------------------------------------------------

  getAccountConfiguration(): Promise<{ appId: string }> {
    return this.answer('getAccountConfiguration', [], () => ({ appId: this.appId }));
  }

  checkFreshchat(): Promise<void> {
    return this.answer('checkFreshchat', [], () => undefined);
  }

  /** Exact match on the number as stored, like Freshchat's phone_no filter. */
  findUsersByPhone(phone: string): Promise<ChatUser[]> {
    return this.answer('findUsersByPhone', [phone], () => this.users.filter((user) => user.phone === phone).map((user) => Object.assign({}, user)));
  }

  getUserConversationIds(userId: string): Promise<string[]> {
    return this.answer('getUserConversationIds', [userId], () => (this.userConversations.get(userId) || []).slice());
  }

  getConversation(id: string): Promise<ChatConversation | null> {
    return this.answer('getConversation', [id], () => {
      const conversation = this.conversations.get(id);
      return conversation ? copy(conversation) : null;
    });
  }

  setConversationStatus(id: string, status: 'resolved' | 'reopened'): Promise<void> {
    return this.answer('setConversationStatus', [id, status], () => {
      const conversation = this.existing('setConversationStatus', id);
      conversation.status = status;
      this.statuses.push({ conversationId: id, status });
    });
  }

  postPrivateNote(conversationId: string, actorId: string, text: string): Promise<void> {
    return this.answer('postPrivateNote', [conversationId, actorId, text], () => {
      this.existing('postPrivateNote', conversationId);
      this.note(conversationId, { actorId, text, firstMessage: false });
    });
  }

  createUser(phoneE164: string): Promise<ChatUser> {
    return this.answer('createUser', [phoneE164], () => {
      const user = { id: 'user-new-' + this.nextId++, phone: phoneE164 };
      this.addUser(user.id, user.phone);
      return Object.assign({}, user);
    });
  }

  createConversation(conversation: NewConversation): Promise<{ conversationId: string }> {
    return this.answer('createConversation', [conversation], () => {
      const id = 'conv-new-' + this.nextId++;
      this.created.push(Object.assign({}, conversation));
      this.addConversation({ id, userId: conversation.userId, status: 'new', createdTime: '2026-11-02T23:59:59.000Z' });
      this.note(id, { actorId: conversation.actorId, text: conversation.text, firstMessage: true });
      return { conversationId: id };
    });
  }

  findAgentByEmail(email: string): Promise<ChatAgent | null> {
    return this.answer('findAgentByEmail', [email], () => {
      const wanted = email.trim().toLowerCase();
      const agent = this.agents.find((a) => a.email.toLowerCase() === wanted);
      return agent ? Object.assign({}, agent) : null;
    });
  }

  /** Like Freshchat (003): a rating is accepted only on a resolved conversation. */
  postCsat(conversationId: string, rating: number): Promise<void> {
    return this.answer('postCsat', [conversationId, rating], () => {
      if (this.existing('postCsat', conversationId).status !== 'resolved') throw chatError('postCsat', 400);
      this.csat.push({ conversationId, rating });
    });
  }

  /** Every note, whatever `since`: the fake keeps no message times. */
  listMessages(conversationId: string, page: number, _since?: number | null): Promise<ChatMessagePage> {
    return this.answer('listMessages', [conversationId, page], () => ({
      messages: this.notesIn(conversationId).map((note, index) => ({
        id: conversationId + '-m' + index,
        messageType: 'private',
        actorType: 'agent',
        text: note.text,
        createdTime: null,
      })),
      hasMore: false,
    }));
  }

  // --- internals ----------------------------------------------------------------------

  private answer<T>(method: FreshchatMethod, args: unknown[], act: () => T): Promise<T> {
    this.calls.push({ method, args });
    this.onRequest();
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return Promise.reject(failure.error);
    }
    try {
      return Promise.resolve(act());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private existing(method: FreshchatMethod, id: string): ChatConversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw chatError(method, 404);
    return conversation;
  }

  private note(conversationId: string, note: ChatNote): void {
    this.notes.set(conversationId, this.notesIn(conversationId).concat(note));
  }
}

function copy(conversation: ChatConversation): ChatConversation {
  return Object.assign({}, conversation, { userIds: conversation.userIds.slice() });
}

function timeOf(conversation: ChatConversation | undefined): number {
  const time = conversation && conversation.createdTime ? Date.parse(conversation.createdTime) : NaN;
  return isNaN(time) ? 0 : time;
}
