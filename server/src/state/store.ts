// The only module that touches $db. Keys stay within the platform's stricter limit of 30
// characters and values well under 8 KB (docs/platform.md "Key-value store"). What each key
// holds is listed in docs/architecture.md "Storage".
import type { PlatformDb } from '../platform/types';
import { readCallRecord, type CallRecord } from '../sync/record';

/**
 * A claim outlives any invocation (20 s) by far, so a run that died before saving leaves its
 * claim, naming the writes it was about to make, for the next run to find (pipeline.ts). Two
 * days: longer than the deferred-work horizon, after which nobody retries the call anyway.
 */
const CLAIM_TTL_SECONDS = 2 * 86400;
const PHONE_LOCK_TTL_SECONDS = 120;

export interface Claim {
  /** Clock time the claim was taken. */
  at: number;
  /** The write steps the claimant was about to run. */
  steps: string[];
}

export interface AgentLink {
  /** The Freshchat agent id, or null when no Freshchat agent has the same email. */
  chat: string | null;
  name: string | null;
  at: number;
}

export interface AppCache {
  appId: string | null;
  agents: Record<string, AgentLink>;
  /** The form of the number Freshchat matched last for this account (domain/phone.ts VariantKind). */
  variant: string | null;
}

/** What the app remembers of one caller (`cc:<keyed hash of the number>`, docs/architecture.md "Remembering callers"). */
export interface CallerEntry {
  /** The Freshchat user the number matched (one user only: a shared number is never remembered). */
  user: string;
  /** The conversation chosen for them, null when they had none. */
  conversation: string | null;
  /** When the user's conversations were last listed (clock ms). */
  at: number;
  /**
   * The agent of the call that wrote the entry, with their Freshchat match: a caller routed to
   * the same agent again (Freshcaller's sticky agent) needs no agent cache read.
   */
  agent: { id: string; link: AgentLink } | null;
}

/** `app:state`: the app-wide cache and the drain's bookkeeping, read together in one operation. */
export interface AppState {
  cache: AppCache;
  drain: DrainState;
}

/** A call record as read by a run, with the claim a first run left inside it (pipeline.ts). */
export interface StoredRecord {
  record: CallRecord;
  claim: Claim | null;
}

/** One call waiting in the deferred-work queue (kept short: a queue slot holds many). */
export interface QueueItem {
  /** The call to run again: the root call or a transferred leg. */
  call: string;
  /** `retry`: run the call again; `look`: look for a late CSAT rating. */
  kind: 'retry' | 'look';
  /** When it is due (clock ms). */
  due: number;
  /** Attempts so far. */
  attempts: number;
  /** When the work was first deferred (clock ms): the horizon counts from here. */
  since: number;
}

/** The drain's own bookkeeping (in `app:state`). */
export interface DrainState {
  /** The oldest queue slot that may still hold work. */
  head: number | null;
  /** Reconciliation has looked at calls created before this time (clock ms). */
  reconciledTo: number | null;
  /** Items the last drain left in the queue: a live event with budget to spare takes some. */
  backlog: number | null;
}

export class StoreError extends Error {
  /** The platform refused the operation because the minute's 50 operations are spent. */
  readonly budget: boolean;

  constructor(
    readonly operation: string,
    readonly status: number,
  ) {
    super('storage ' + operation + ' failed (' + (status || 'no status') + ')');
    this.name = 'StoreError';
    this.budget = status === 429;
  }
}

export interface Store {
  readRecord(rootId: string): Promise<CallRecord | null>;
  /** The record with the claim a first run created it with (one operation). */
  readStored(rootId: string): Promise<StoredRecord | null>;
  /** A first run creates the record, holding its claim: false when the record exists already. */
  createRecord(rootId: string, record: CallRecord, claim: Claim): Promise<boolean>;
  writeRecord(rootId: string, record: CallRecord): Promise<void>;
  /** Claims version `v` (v >= 1) of a call's record, or takes over a dead claim (attempt 1 and on). */
  claim(rootId: string, v: number, attempt: number, claim: Claim): Promise<boolean>;
  readClaim(rootId: string, v: number, attempt: number): Promise<Claim | null>;
  readAppState(): Promise<AppState>;
  /** Saves what changed in the cache: the named agents, the app id, the variant; drops `dropAgents`. */
  writeCache(change: CacheChange): Promise<void>;
  readCaller(key: string): Promise<CallerEntry | null>;
  writeCaller(key: string, entry: CallerEntry): Promise<void>;
  /** Only one run may create a Freshchat user for a number at a time. */
  claimPhone(phoneHash: string): Promise<boolean>;
  readQueueSlot(slot: number): Promise<Record<string, QueueItem>>;
  /** Adds or replaces one item; fails with a StoreError when the slot is full. */
  putQueueItem(slot: number, callId: string, item: QueueItem): Promise<void>;
  removeQueueItems(slot: number, callIds: string[]): Promise<void>;
  writeDrainState(state: DrainState): Promise<void>;
  /** Calls created in a reconciliation slot that have a settled record. */
  readSettled(slot: number): Promise<string[]>;
  markSettled(slot: number, rootId: string): Promise<void>;
  recordRejectedPayload(callId: string | null, event: string, paths: string[], at: number): Promise<void>;
}

/** What a run learned for the app cache; only these attributes are written. */
export interface CacheChange {
  appId?: string;
  variant?: string;
  agents?: Record<string, AgentLink>;
  dropAgents?: string[];
}

export const APP_STATE_KEY = 'app:state';
/** A caller entry outlives its conversation choice (sync/caller-cache.ts); the store forgets it after this. */
const CALLER_TTL_SECONDS = 30 * 86400;
/** Agents are attributes `a<Freshcaller agent id>` of app:state; the drain's fields are short names. */
const AGENT_PREFIX = 'a';

export function callKey(rootId: string): string {
  return 'call:' + rootId;
}

export function queueKey(slot: number): string {
  return 'q:' + slot;
}

export function settledKey(slot: number): string {
  return 'rc:' + slot;
}

/** Queue items and settled calls are attributes named `c<call id>` (top level: set needs no parent). */
const ITEM_PREFIX = 'c';

function claimKey(rootId: string, v: number, attempt: number): string {
  return 'lk:' + rootId + ':' + v + (attempt > 0 ? ':' + attempt : '');
}

export function createStore(db: PlatformDb): Store {
  return {
    readRecord: async (rootId) => {
      const stored = await readStored(db, rootId);
      return stored ? stored.record : null;
    },
    readStored: (rootId) => readStored(db, rootId),
    createRecord: (rootId, record, claim) =>
      setIfAbsent(db, callKey(rootId), Object.assign({}, record as unknown as Record<string, unknown>, { claim: claimValue(claim) }), null),
    writeRecord: (rootId, record) => call('set', () => db.set(callKey(rootId), record as unknown as Record<string, unknown>)),
    claim: (rootId, v, attempt, claim) => setIfAbsent(db, claimKey(rootId, v, attempt), claimValue(claim), CLAIM_TTL_SECONDS),
    readClaim: async (rootId, v, attempt) => {
      const value = await get(db, claimKey(rootId, v, attempt));
      return value === null ? null : readClaimValue(value);
    },
    readAppState: async () => readAppState(await get(db, APP_STATE_KEY)),
    writeCache: (change) => writeCache(db, change),
    readCaller: async (key) => readCaller(await get(db, 'cc:' + key)),
    writeCaller: (key, entry) => call('set', () => db.set('cc:' + key, callerValue(entry), { ttl: CALLER_TTL_SECONDS })),
    claimPhone: (phoneHash) => setIfAbsent(db, 'ph:' + phoneHash, { at: 1 }, PHONE_LOCK_TTL_SECONDS),
    readQueueSlot: async (slot) => {
      const value = await get(db, queueKey(slot));
      return value === null ? {} : readItems(value);
    },
    putQueueItem: (slot, callId, item) => call('update', () => db.update(queueKey(slot), 'set', { [ITEM_PREFIX + callId]: itemValue(item) })),
    removeQueueItems: (slot, callIds) => removeAttributes(db, queueKey(slot), callIds),
    // update, not set: the drain and the live events' cache each change only their own attributes.
    writeDrainState: (state) => call('update', () => db.update(APP_STATE_KEY, 'set', { dh: state.head || 0, dr: state.reconciledTo || 0, db: state.backlog || 0 })),
    readSettled: async (slot) => {
      const value = await get(db, settledKey(slot));
      return value === null ? [] : Object.keys(value).filter((key) => key.charAt(0) === ITEM_PREFIX).map((key) => key.slice(1));
    },
    markSettled: (slot, rootId) => call('update', () => db.update(settledKey(slot), 'set', { [ITEM_PREFIX + rootId]: 1 })),
    recordRejectedPayload: (callId, event, paths, at) =>
      call('set', () => db.set(('bad:' + (callId || 'unknown')).slice(0, 30), { event, paths: paths.join(', ').slice(0, 1000), at })),
  };
}

function itemValue(item: QueueItem): Record<string, unknown> {
  return { i: item.call, k: item.kind === 'look' ? 'l' : 'r', d: item.due, n: item.attempts, s: item.since };
}

function readItems(value: Record<string, unknown>): Record<string, QueueItem> {
  const items: Record<string, QueueItem> = {};
  for (const key of Object.keys(value)) {
    const item = key.charAt(0) === ITEM_PREFIX ? readItem(key.slice(1), value[key]) : null;
    if (item) items[key.slice(1)] = item;
  }
  return items;
}

/** One queued call; anything unreadable is dropped rather than run with a guessed id. */
function readItem(name: string, raw: unknown): QueueItem | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const item = raw as Record<string, unknown>;
  const callId = typeof item.i === 'string' ? item.i : name;
  if (!/^\d+$/.test(callId)) return null;
  return { call: callId, kind: item.k === 'l' ? 'look' : 'retry', due: numberIn(item, 'd'), attempts: numberIn(item, 'n'), since: numberIn(item, 's') };
}

function numberIn(item: Record<string, unknown>, key: string): number {
  const value = item[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

async function removeAttributes(db: PlatformDb, key: string, ids: string[], prefix: string = ITEM_PREFIX): Promise<void> {
  if (ids.length === 0) return;
  try {
    await db.update(key, 'remove', ids.map((id) => prefix + id));
  } catch (err) {
    // Another drain removed the slot first: what was to be removed is gone either way.
    if (statusOf(err) === 400 && /does not exist/i.test(messageOf(err))) return;
    if (statusOf(err) === 404) return;
    throw new StoreError('update', statusOf(err));
  }
}

async function readStored(db: PlatformDb, rootId: string): Promise<StoredRecord | null> {
  const value = await get(db, callKey(rootId));
  if (value === null) return null;
  const claim = typeof value.claim === 'object' && value.claim !== null ? readClaimValue(value.claim as Record<string, unknown>) : null;
  const rest = Object.assign({}, value);
  delete rest.claim;
  return { record: readCallRecord(rest), claim };
}

function claimValue(claim: Claim): Record<string, unknown> {
  return { at: claim.at, steps: claim.steps.join(',') || '-' };
}

function readClaimValue(value: Record<string, unknown>): Claim {
  const steps = typeof value.steps === 'string' && value.steps !== '-' ? value.steps.split(',') : [];
  return { at: numberIn(value, 'at'), steps };
}

/** 0 is how the drain's fields say "none" (update cannot store null). */
function readAppState(value: Record<string, unknown> | null): AppState {
  const cache: AppCache = { appId: textOr(value, 'appId'), agents: {}, variant: textOr(value, 'variant') };
  for (const key of value ? Object.keys(value) : []) {
    const link = agentLink((value as Record<string, unknown>)[key]);
    if (key.charAt(0) === AGENT_PREFIX && /^a\d+$/.test(key) && link) cache.agents[key.slice(1)] = link;
  }
  return { cache, drain: { head: positiveOr(value, 'dh'), reconciledTo: positiveOr(value, 'dr'), backlog: positiveOr(value, 'db') } };
}

function agentLink(raw: unknown): AgentLink | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const link = raw as Record<string, unknown>;
  return { chat: textOr(link, 'chat'), name: textOr(link, 'name'), at: numberIn(link, 'at') };
}

function readCaller(value: Record<string, unknown> | null): CallerEntry | null {
  const user = value ? textOr(value, 'u') : null;
  if (!value || !user) return null;
  const conversation = textOr(value, 'c');
  return { user, conversation: conversation === '-' ? null : conversation, at: numberIn(value, 'at'), agent: callerAgent(value) };
}

function callerAgent(value: Record<string, unknown>): CallerEntry['agent'] {
  const id = textOr(value, 'ag');
  const link = agentLink(value.al);
  return id && /^\d+$/.test(id) && link ? { id, link } : null;
}

/** Short names: a caller entry is one of many keys; `-` stands for none (the store turns '' into null). */
function callerValue(entry: CallerEntry): Record<string, unknown> {
  const value: Record<string, unknown> = { u: entry.user, c: entry.conversation || '-', at: entry.at };
  if (entry.agent) {
    value.ag = entry.agent.id;
    value.al = withoutEmpty(entry.agent.link);
  }
  return value;
}

/** Only what changed is written, attribute by attribute, so concurrent writers do not undo each other. */
async function writeCache(db: PlatformDb, change: CacheChange): Promise<void> {
  const attributes = cacheAttributes(change);
  if (Object.keys(attributes).length) await call('update', () => db.update(APP_STATE_KEY, 'set', attributes));
  await removeAttributes(db, APP_STATE_KEY, change.dropAgents || [], AGENT_PREFIX);
}

function cacheAttributes(change: CacheChange): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (change.appId) attributes.appId = change.appId;
  if (change.variant) attributes.variant = change.variant;
  const agents = change.agents || {};
  for (const id of Object.keys(agents)) attributes[AGENT_PREFIX + id] = withoutEmpty(agents[id] as AgentLink);
  return attributes;
}

/** The store turns empty strings into null: an unknown name is left out. */
function withoutEmpty(link: AgentLink): Record<string, unknown> {
  const value: Record<string, unknown> = { at: link.at };
  if (link.chat) value.chat = link.chat;
  if (link.name) value.name = link.name;
  return value;
}

/**
 * setIf only tests whether a key exists (no compare-and-swap): a key that names the version
 * read means two runs that read the same version cannot both act (docs/platform.md
 * "Key-value store").
 */
async function setIfAbsent(db: PlatformDb, key: string, value: Record<string, unknown>, ttl: number | null): Promise<boolean> {
  try {
    await db.set(key, value, ttl === null ? { setIf: 'not_exist' } : { setIf: 'not_exist', ttl });
    return true;
  } catch (err) {
    if (statusOf(err) === 400 && /setIf conditional request failed/i.test(messageOf(err))) return false;
    throw new StoreError('claim', statusOf(err));
  }
}

async function get(db: PlatformDb, key: string): Promise<Record<string, unknown> | null> {
  try {
    return await db.get(key);
  } catch (err) {
    // 404 "Record not found" means absent; anything else must not be read as absent.
    if (statusOf(err) === 404) return null;
    throw new StoreError('get', statusOf(err));
  }
}

async function call(operation: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw new StoreError(operation, statusOf(err));
  }
}

function positiveOr(value: Record<string, unknown> | null, key: string): number | null {
  const found = value ? value[key] : null;
  return typeof found === 'number' && Number.isFinite(found) && found > 0 ? found : null;
}

function textOr(value: Record<string, unknown> | null, key: string): string | null {
  const found = value ? value[key] : null;
  return typeof found === 'string' && found !== '' ? found : null;
}

function statusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number') {
    return (err as { status: number }).status;
  }
  return 0;
}

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return '';
}
