import { randomUUID } from 'node:crypto';
import type { WithOptional } from './with-optional';

/** Freshchat objects as 002 (schemas) and 003 (object attributes) describe them. */

export type ConversationStatus = 'new' | 'assigned' | 'resolved' | 'reopened';

export interface FreshchatAccount {
  app_id: string;
  [attribute: string]: unknown;
}

export interface FreshchatChannel {
  id: string;
  name: string;
  enabled?: boolean;
  public?: boolean;
  updated_time?: string;
  [attribute: string]: unknown;
}

export interface FreshchatGroup {
  id: string;
  name: string;
  description?: string;
  agents?: string[];
  [attribute: string]: unknown;
}

export interface FreshchatAgent {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  is_deactivated?: boolean;
  availability_status?: 'AVAILABLE' | 'UNAVAILABLE';
  groups?: string[];
  created_time?: string;
  [attribute: string]: unknown;
}

export interface FreshchatUser {
  id: string;
  /** Stored exactly as given: Freshchat does not normalise numbers (the app tries variants). */
  phone?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  reference_id?: string;
  restore_id?: string;
  properties?: { name: string; value: string }[];
  created_time: string;
  updated_time: string;
  [attribute: string]: unknown;
}

export interface FreshchatConversation {
  conversation_id: string;
  app_id: string;
  channel_id: string;
  status: ConversationStatus;
  users: { id: string }[];
  assigned_agent_id?: string;
  assigned_group_id?: string;
  /** 003: a new interaction starts each time a resolved conversation is reopened. */
  interaction_id: string;
  properties?: Record<string, unknown>;
  created_time: string;
  /** Kept for the admin page; 003's conversation object has no such field, so the API never returns it. */
  updated_time: string;
}

export interface MessagePart {
  text?: { content: string };
  [part: string]: unknown;
}

export interface FreshchatMessage {
  id: string;
  conversation_id: string;
  app_id: string;
  channel_id: string;
  interaction_id: string;
  message_type: 'normal' | 'private' | 'system';
  actor_type: 'user' | 'agent' | 'bot' | 'system';
  actor_id?: string;
  user_id?: string;
  message_parts: MessagePart[];
  reply_parts?: unknown[];
  created_time: string;
}

export interface FreshchatCsat {
  csat_response_id: number;
  /** Epoch milliseconds (003 CSAT response). */
  created: number;
  conversation_id: string;
  interaction_id: string;
  issue_resolved: boolean;
  rating?: number;
  additional_feedback?: string;
  reopen_conversation: boolean;
  csat_attributer_id?: string;
  app_id: string;
}

export interface FreshchatState {
  account: FreshchatAccount;
  channels: FreshchatChannel[];
  groups: FreshchatGroup[];
  agents: FreshchatAgent[];
  users: FreshchatUser[];
  conversations: FreshchatConversation[];
  /** Messages per conversation_id, in the order they were created. */
  messages: Record<string, FreshchatMessage[]>;
  /** CSAT records per conversation_id; one appended per accepted POST. */
  csat: Record<string, FreshchatCsat[]>;
}

export type ChannelInput = WithOptional<FreshchatChannel, 'id'>;
export type GroupInput = WithOptional<FreshchatGroup, 'id'>;
export type AgentInput = WithOptional<FreshchatAgent, 'id'>;
export type UserInput = WithOptional<FreshchatUser, 'id' | 'created_time' | 'updated_time'>;
export type MessageInput = WithOptional<
  FreshchatMessage,
  'id' | 'conversation_id' | 'app_id' | 'channel_id' | 'interaction_id' | 'message_type' | 'created_time'
>;
export type ConversationInput = WithOptional<
  FreshchatConversation,
  'conversation_id' | 'app_id' | 'channel_id' | 'status' | 'interaction_id' | 'created_time' | 'updated_time'
> & { messages?: MessageInput[] };

export interface FreshchatSeed {
  account?: Partial<FreshchatAccount>;
  channels?: ChannelInput[];
  groups?: GroupInput[];
  agents?: AgentInput[];
  users?: UserInput[];
  conversations?: ConversationInput[];
  /** Extra messages per conversation_id (besides a conversation's own `messages`). */
  messages?: Record<string, MessageInput[]>;
}

export const DEFAULT_APP_ID = '00000000-0000-4000-8000-0000000a0001';

function emptyState(): FreshchatState {
  return {
    account: { app_id: DEFAULT_APP_ID },
    channels: [], groups: [], agents: [], users: [], conversations: [], messages: {}, csat: {},
  };
}

export class FreshchatStore {
  private data: FreshchatState = emptyState();
  private csatSequence = 741611473053925;

  constructor(private readonly now: () => number) {}

  get raw(): FreshchatState {
    return this.data;
  }

  snapshot(): FreshchatState {
    return structuredClone(this.data);
  }

  reset(seed?: FreshchatSeed): void {
    this.data = emptyState();
    if (seed) this.seed(seed);
  }

  /** Adds to what is there; ids given in the seed are kept, so seeds can cross-reference. */
  seed(seed: FreshchatSeed): void {
    if (seed.account) this.setAccount(seed.account);
    (seed.channels || []).forEach((c) => this.addChannel(c));
    (seed.groups || []).forEach((g) => this.addGroup(g));
    (seed.agents || []).forEach((a) => this.addAgent(a));
    (seed.users || []).forEach((u) => this.addUser(u));
    (seed.conversations || []).forEach((c) => this.addConversation(c));
    for (const [conversationId, messages] of Object.entries(seed.messages || {})) {
      messages.forEach((m) => this.addMessage(conversationId, m));
    }
  }

  setAccount(account: Partial<FreshchatAccount>): FreshchatAccount {
    this.data.account = { ...this.data.account, ...account } as FreshchatAccount;
    return this.data.account;
  }

  addChannel(input: ChannelInput): FreshchatChannel {
    const channel: FreshchatChannel = { enabled: true, public: true, updated_time: this.iso(), ...input, id: input.id || randomUUID() };
    this.data.channels.push(channel);
    return channel;
  }

  addGroup(input: GroupInput): FreshchatGroup {
    const group: FreshchatGroup = { agents: [], ...input, id: input.id || randomUUID() };
    this.data.groups.push(group);
    return group;
  }

  addAgent(input: AgentInput): FreshchatAgent {
    const agent: FreshchatAgent = {
      is_deactivated: false, availability_status: 'AVAILABLE', groups: [], created_time: this.iso(),
      ...input, id: input.id || randomUUID(),
    };
    this.data.agents.push(agent);
    return agent;
  }

  addUser(input: UserInput): FreshchatUser {
    const time = this.iso();
    const user: FreshchatUser = {
      restore_id: randomUUID(), created_time: time, updated_time: time, ...input, id: input.id || randomUUID(),
    };
    this.data.users.push(user);
    return user;
  }

  /** Deletes a conversation and its messages, as an agent deleting it in Freshchat; false if there is none. */
  removeConversation(id: string): boolean {
    const before = this.data.conversations.length;
    this.data.conversations = this.data.conversations.filter((c) => c.conversation_id !== id);
    delete this.data.messages[id];
    return this.data.conversations.length < before;
  }

  addConversation(input: ConversationInput): FreshchatConversation {
    const channel = input.channel_id || (this.data.channels[0] ? this.data.channels[0].id : undefined);
    if (!channel) throw new Error('addConversation: no channel_id given and no channel seeded');
    for (const { id } of input.users) {
      if (!this.user(id)) throw new Error(`addConversation: unknown user ${id}`);
    }
    const created = input.created_time || this.iso();
    const { messages, ...fields } = input;
    const conversation: FreshchatConversation = {
      ...fields,
      conversation_id: input.conversation_id || randomUUID(),
      app_id: input.app_id || this.data.account.app_id,
      channel_id: channel,
      status: input.status || (input.assigned_agent_id ? 'assigned' : 'new'),
      users: input.users.map(({ id }) => ({ id })),
      interaction_id: input.interaction_id || this.interactionId(),
      created_time: created,
      updated_time: input.updated_time || created,
    };
    this.data.conversations.push(conversation);
    this.data.messages[conversation.conversation_id] = [];
    (messages || []).forEach((m) => this.addMessage(conversation.conversation_id, m));
    return conversation;
  }

  addMessage(conversationId: string, input: MessageInput): FreshchatMessage {
    const conversation = this.conversation(conversationId);
    if (!conversation) throw new Error(`addMessage: unknown conversation ${conversationId}`);
    const message: FreshchatMessage = {
      message_type: 'normal',
      created_time: this.iso(),
      ...input,
      id: input.id || randomUUID(),
      conversation_id: conversationId,
      app_id: conversation.app_id,
      channel_id: conversation.channel_id,
      interaction_id: conversation.interaction_id,
    };
    const list = this.data.messages[conversationId] || [];
    list.push(message);
    this.data.messages[conversationId] = list;
    return message;
  }

  addCsat(conversation: FreshchatConversation, fields: Pick<FreshchatCsat, 'issue_resolved' | 'rating' | 'additional_feedback' | 'reopen_conversation'>): FreshchatCsat {
    const record: FreshchatCsat = {
      csat_response_id: this.csatSequence++,
      created: this.now(),
      conversation_id: conversation.conversation_id,
      interaction_id: conversation.interaction_id,
      csat_attributer_id: conversation.assigned_agent_id,
      app_id: conversation.app_id,
      ...fields,
    };
    const list = this.data.csat[conversation.conversation_id] || [];
    list.push(record);
    this.data.csat[conversation.conversation_id] = list;
    return record;
  }

  /** 003 Update a conversation: "To reopen ... the agent is unassigned; the status of the conversation changes to new." */
  reopen(conversation: FreshchatConversation): void {
    conversation.status = 'new';
    delete conversation.assigned_agent_id;
    conversation.interaction_id = this.interactionId();
    this.touch(conversation);
  }

  touch(conversation: FreshchatConversation): void {
    conversation.updated_time = this.iso();
  }

  user(id: string): FreshchatUser | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  agent(id: string): FreshchatAgent | undefined {
    return this.data.agents.find((a) => a.id === id);
  }

  channel(id: string): FreshchatChannel | undefined {
    return this.data.channels.find((c) => c.id === id);
  }

  group(id: string): FreshchatGroup | undefined {
    return this.data.groups.find((g) => g.id === id);
  }

  conversation(id: string): FreshchatConversation | undefined {
    return this.data.conversations.find((c) => c.conversation_id === id);
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  private interactionId(): string {
    return `${Math.floor(Math.random() * 1e15)}-${this.now()}`;
  }
}
