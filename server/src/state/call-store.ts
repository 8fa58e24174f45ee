// The only module that touches $db. Keys stay within the platform's stricter limit of 30
// characters, values well under 8 KB (fdk-platform.md "Key-value store").
import type { PlatformDb } from '../platform/types';
import { emptyCallRecord, readCallRecordValue, type CallRecord } from './call-record';

const LOCK_TTL_SECONDS = 60;

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

export class StoreError extends Error {
  constructor(readonly operation: string, readonly status: number, message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface CallStore {
  read(rootId: string): Promise<CallRecord | null>;
  /** Claims the right to act on version `v` of a call's record; false when another event has it. */
  claim(rootId: string, version: number): Promise<boolean>;
  write(rootId: string, record: CallRecord): Promise<void>;
  readCache(): Promise<AppCache>;
  writeCache(cache: AppCache): Promise<void>;
  recordRejectedPayload(callId: string | null, event: string, paths: string[], at: number): Promise<void>;
}

export function callKey(rootId: string): string {
  return 'call:' + rootId;
}

export function createCallStore(db: PlatformDb): CallStore {
  return {
    read: (rootId) => readRecord(db, rootId),
    claim: (rootId, version) => claim(db, rootId, version),
    write: (rootId, record) => write(db, 'set', callKey(rootId), record as unknown as Record<string, unknown>),
    readCache: () => readCache(db),
    writeCache: (cache) => writeCache(db, cache),
    recordRejectedPayload: (callId, event, paths, at) =>
      write(db, 'set', ('bad:' + (callId || 'unknown')).slice(0, 30), { event, paths: paths.join(', ').slice(0, 1000), at }),
  };
}

async function readRecord(db: PlatformDb, rootId: string): Promise<CallRecord | null> {
  const value = await get(db, callKey(rootId));
  if (value === null) return null;
  return readCallRecordValue(value) || emptyCallRecord();
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
  if (Object.keys(value).length) await write(db, 'set', 'app:cache', value);
}

async function claim(db: PlatformDb, rootId: string, version: number): Promise<boolean> {
  // setIf only tests whether a key exists (no compare-and-swap), so the lock key carries the
  // version the claimant read: a second event that read the same version cannot claim it even
  // after the first has finished, and must re-read instead of acting on stale state.
  try {
    await db.set('lk:' + rootId + ':' + version, { at: version + 1 }, { setIf: 'not_exist', ttl: LOCK_TTL_SECONDS });
    return true;
  } catch (err) {
    if (isSetIfFailure(err)) return false;
    throw toStoreError('claim', err);
  }
}

async function get(db: PlatformDb, key: string): Promise<Record<string, unknown> | null> {
  try {
    return await db.get(key);
  } catch (err) {
    // 404 "Record not found" means absent; anything else must not be read as absent.
    if (statusOf(err) === 404) return null;
    throw toStoreError('get', err);
  }
}

async function write(db: PlatformDb, operation: string, key: string, value: Record<string, unknown>): Promise<void> {
  try {
    await db.set(key, value);
  } catch (err) {
    throw toStoreError(operation, err);
  }
}

function isSetIfFailure(err: unknown): boolean {
  return statusOf(err) === 400 && /setIf conditional request failed/i.test(messageOf(err));
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

function toStoreError(operation: string, err: unknown): StoreError {
  return new StoreError(operation, statusOf(err), 'storage ' + operation + ' failed (' + (statusOf(err) || 'no status') + ')');
}
