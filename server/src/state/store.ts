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

/** The drain's own bookkeeping (`app:drain`). */
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
  writeRecord(rootId: string, record: CallRecord): Promise<void>;
  /** Claims version `v` of a call's record (attempt 0) or takes over a dead claim (attempt 1-2). */
  claim(rootId: string, v: number, attempt: number, claim: Claim): Promise<boolean>;
  readClaim(rootId: string, v: number, attempt: number): Promise<Claim | null>;
  readCache(): Promise<AppCache>;
  writeCache(cache: AppCache): Promise<void>;
  /** Only one run may create a Freshchat user for a number at a time. */
  claimPhone(phoneHash: string): Promise<boolean>;
  readQueueSlot(slot: number): Promise<Record<string, QueueItem>>;
  /** Adds or replaces one item; fails with a StoreError when the slot is full. */
  putQueueItem(slot: number, callId: string, item: QueueItem): Promise<void>;
  removeQueueItems(slot: number, callIds: string[]): Promise<void>;
  readDrainState(): Promise<DrainState>;
  writeDrainState(state: DrainState): Promise<void>;
  /** Calls created in a reconciliation slot that have a settled record. */
  readSettled(slot: number): Promise<string[]>;
  markSettled(slot: number, rootId: string): Promise<void>;
  recordRejectedPayload(callId: string | null, event: string, paths: string[], at: number): Promise<void>;
}

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
      const value = await get(db, callKey(rootId));
      return value === null ? null : readCallRecord(value);
    },
    writeRecord: (rootId, record) => call('set', () => db.set(callKey(rootId), record as unknown as Record<string, unknown>)),
    claim: (rootId, v, attempt, claim) => setIfAbsent(db, claimKey(rootId, v, attempt), { at: claim.at, steps: claim.steps.join(',') || '-' }, CLAIM_TTL_SECONDS),
    readClaim: async (rootId, v, attempt) => {
      const value = await get(db, claimKey(rootId, v, attempt));
      if (value === null) return null;
      const steps = typeof value.steps === 'string' && value.steps !== '-' ? value.steps.split(',') : [];
      return { at: typeof value.at === 'number' ? value.at : 0, steps };
    },
    readCache: () => readCache(db),
    writeCache: (cache) => writeCache(db, cache),
    claimPhone: (phoneHash) => setIfAbsent(db, 'ph:' + phoneHash, { at: 1 }, PHONE_LOCK_TTL_SECONDS),
    readQueueSlot: async (slot) => {
      const value = await get(db, queueKey(slot));
      return value === null ? {} : readItems(value);
    },
    putQueueItem: (slot, callId, item) => call('update', () => db.update(queueKey(slot), 'set', { [ITEM_PREFIX + callId]: itemValue(item) })),
    removeQueueItems: (slot, callIds) => removeAttributes(db, queueKey(slot), callIds),
    readDrainState: async () => {
      const value = await get(db, 'app:drain');
      return { head: numberOr(value, 'head'), reconciledTo: numberOr(value, 'reconciledTo'), backlog: numberOr(value, 'backlog') };
    },
    writeDrainState: (state) => call('set', () => db.set('app:drain', withoutNulls({ head: state.head, reconciledTo: state.reconciledTo, backlog: state.backlog }))),
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

async function removeAttributes(db: PlatformDb, key: string, callIds: string[]): Promise<void> {
  if (callIds.length === 0) return;
  try {
    await db.update(key, 'remove', callIds.map((id) => ITEM_PREFIX + id));
  } catch (err) {
    // Another drain removed the slot first: what was to be removed is gone either way.
    if (statusOf(err) === 400 && /does not exist/i.test(messageOf(err))) return;
    if (statusOf(err) === 404) return;
    throw new StoreError('update', statusOf(err));
  }
}

async function readCache(db: PlatformDb): Promise<AppCache> {
  const value = await get(db, 'app:cache');
  const cache: AppCache = { appId: null, agents: {} };
  if (value === null) return cache;
  if (typeof value.appId === 'string' && value.appId) cache.appId = value.appId;
  if (typeof value.agents === 'object' && value.agents !== null) cache.agents = value.agents as Record<string, AgentLink>;
  return cache;
}

/** The store refuses empty values: what is unknown is left out, and nothing known is not written. */
async function writeCache(db: PlatformDb, cache: AppCache): Promise<void> {
  const value: Record<string, unknown> = {};
  if (cache.appId) value.appId = cache.appId;
  if (Object.keys(cache.agents).length) value.agents = cache.agents;
  if (Object.keys(value).length) await call('set', () => db.set('app:cache', value));
}

/**
 * setIf only tests whether a key exists (no compare-and-swap): a key that names the version
 * read means two runs that read the same version cannot both act (docs/platform.md
 * "Key-value store").
 */
async function setIfAbsent(db: PlatformDb, key: string, value: Record<string, unknown>, ttl: number): Promise<boolean> {
  try {
    await db.set(key, value, { setIf: 'not_exist', ttl });
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

function numberOr(value: Record<string, unknown> | null, key: string): number | null {
  const found = value ? value[key] : null;
  return typeof found === 'number' && Number.isFinite(found) ? found : null;
}

function withoutNulls(value: Record<string, number | null>): Record<string, unknown> {
  const out: Record<string, unknown> = { v: 1 };
  for (const key of Object.keys(value)) if (value[key] !== null) out[key] = value[key];
  return out;
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
