import type { IncomingHttpHeaders } from 'node:http';
import { compileContract, type Contract } from './contract';
import { createFreshchatHandlers, type FreshchatBehaviour } from './freshchat-handlers';
import {
  FreshchatStore, type AgentInput, type ChannelInput, type ConversationInput, type FreshchatAccount, type FreshchatAgent,
  type FreshchatChannel, type FreshchatConversation, type FreshchatGroup, type FreshchatMessage, type FreshchatSeed,
  type FreshchatState, type FreshchatUser, type GroupInput, type MessageInput, type UserInput,
} from './freshchat-store';
import { FRESHCHAT_SPEC_FILE, loadOpenApiSeed } from './openapi-loader';
import { FRESHCHAT_REFERENCE } from './reference-schemas';
import { StandinServer, type ErrorDetails, type ProductProfile, type StandinOptions } from './standin-server';

export interface FreshchatStandinOptions extends StandinOptions, Partial<FreshchatBehaviour> {
  /** Loaded before the first request. */
  seed?: FreshchatSeed;
}

export const DEFAULT_FRESHCHAT_TOKEN = 'standin-freshchat-token';
/** 003 gives no number (the limit is per plan, hourly); large so only tests that ask for 429s see them. */
export const DEFAULT_FRESHCHAT_RATE_LIMIT = 10_000;

// 003 "Response message": `{ "code": 404, "status": "AGENT_NOT_FOUND", "message": "agent not found" }`.
// 002's Error schema types `code` as a string; 003's attribute table says integer: the reference wins.
const STATUS_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR', 501: 'NOT_IMPLEMENTED', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE', 504: 'GATEWAY_TIMEOUT',
};

export function freshchatErrorBody(status: number, message: string, details: ErrorDetails = {}): { code: number; status: string; message: string } {
  return { code: status, status: details.code || STATUS_NAMES[status] || `HTTP_${status}`, message };
}

let contract: Contract | undefined;
/** Compiled once per process: the contract holds no state. */
export function freshchatContract(): Contract {
  if (!contract) contract = compileContract(loadOpenApiSeed(FRESHCHAT_SPEC_FILE), 'https://standins.invalid/freshchat-v2.json', FRESHCHAT_REFERENCE);
  return contract;
}

function bearerCheck(token: string): (headers: IncomingHttpHeaders) => string | null {
  return (headers) => {
    const value = headers.authorization;
    if (!value) return 'auth: missing Authorization header (Freshchat expects "Bearer <token>")';
    const match = /^Bearer\s+(.+)$/i.exec(value);
    if (!match) return 'auth: Authorization is not a Bearer token';
    return match[1] === token ? null : 'auth: Bearer token does not match the configured Freshchat token';
  };
}

export class FreshchatStandin extends StandinServer {
  /** Switches for behaviour the seeds leave open; change them at any time. */
  readonly behaviour: FreshchatBehaviour;
  private readonly store: FreshchatStore;

  constructor(options: FreshchatStandinOptions = {}) {
    const store = new FreshchatStore(options.now || Date.now);
    const behaviour: FreshchatBehaviour = {
      userSearchNoMatch: options.userSearchNoMatch || 'empty-list',
      createUserStatus: options.createUserStatus || 200,
      paginationLinks: options.paginationLinks || 'openapi',
    };
    const profile: ProductProfile = {
      name: 'freshchat',
      contract: freshchatContract(),
      handlers: createFreshchatHandlers(store, behaviour),
      checkAuth: bearerCheck(options.apiKey || DEFAULT_FRESHCHAT_TOKEN),
      errorBody: freshchatErrorBody,
      // 003 Rate Limits: X-RateLimit-Limit, X-RateLimit-Remaining and (sic) X-RateLimitReset.
      rateLimitHeaders: (window) => ({
        'X-RateLimit-Limit': String(window.limit),
        'X-RateLimit-Remaining': String(window.remaining),
        'X-RateLimitReset': String(Math.ceil(window.resetInMs / 1000)),
      }),
      snapshot: () => store.snapshot(),
    };
    super(profile, options, DEFAULT_FRESHCHAT_RATE_LIMIT);
    this.store = store;
    this.behaviour = behaviour;
    if (options.seed) store.seed(options.seed);
  }

  /** A deep copy of everything the stand-in holds. */
  get state(): FreshchatState {
    return this.store.snapshot();
  }

  seed(data: FreshchatSeed): void {
    this.store.seed(data);
  }

  /** Empties the state (then loads `data`); also forgets recorded requests, faults and the rate-limit count. */
  reset(data?: FreshchatSeed): void {
    this.store.reset(data);
    this.clearRequests();
    this.clearFaults();
    this.resetRateLimit();
  }

  setAccount(account: Partial<FreshchatAccount>): FreshchatAccount {
    return this.store.setAccount(account);
  }

  addChannel(channel: ChannelInput): FreshchatChannel {
    return this.store.addChannel(channel);
  }

  addGroup(group: GroupInput): FreshchatGroup {
    return this.store.addGroup(group);
  }

  addAgent(agent: AgentInput): FreshchatAgent {
    return this.store.addAgent(agent);
  }

  addUser(user: UserInput): FreshchatUser {
    return this.store.addUser(user);
  }

  addConversation(conversation: ConversationInput): FreshchatConversation {
    return this.store.addConversation(conversation);
  }

  removeConversation(id: string): boolean {
    return this.store.removeConversation(id);
  }

  addMessage(conversationId: string, message: MessageInput): FreshchatMessage {
    return this.store.addMessage(conversationId, message);
  }

  /** Messages of one conversation, oldest first (a copy). */
  messagesOf(conversationId: string): FreshchatMessage[] {
    return structuredClone(this.store.raw.messages[conversationId] || []);
  }
}

export function createFreshchatStandin(options: FreshchatStandinOptions = {}): FreshchatStandin {
  return new FreshchatStandin(options);
}
