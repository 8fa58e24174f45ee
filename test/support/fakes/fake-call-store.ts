// An in-memory CallStore with the real store's claim semantics (one claim per `rootId:version`,
// call-store.ts), counting every operation as the platform's budget does (one per get or set).
import type { CallRecord } from '../../../server/src/state/call-record';
import { emptyCallRecord } from '../../../server/src/state/call-record';
import type { AppCache, CallStore } from '../../../server/src/state/call-store';

export type StoreOperation = keyof CallStore;

export class FakeCallStore implements CallStore {
  readonly records = new Map<string, CallRecord>();
  cache: AppCache = { appId: null, agents: {} };
  readonly rejected: Array<{ callId: string | null; event: string; paths: string[]; at: number }> = [];
  readonly operations: Array<{ op: StoreOperation; key: string | null }> = [];
  readonly claims = new Set<string>();
  private readonly failures = new Map<StoreOperation, Error>();

  /** Stores a record as if an earlier event had saved it (not counted as an operation). */
  seed(rootId: string, record: Partial<CallRecord>): this {
    this.records.set(rootId, Object.assign(emptyCallRecord(), clone(record)));
    return this;
  }

  /** Another event already holds the claim for this version: the next claim for it fails. */
  takeClaim(rootId: string, version: number): this {
    this.claims.add(rootId + ':' + version);
    return this;
  }

  /** The next `op` rejects with `error` (e.g. a StoreError for a storage rate limit). */
  failNext(op: StoreOperation, error: Error): this {
    this.failures.set(op, error);
    return this;
  }

  count(op?: StoreOperation): number {
    return op ? this.operations.filter((o) => o.op === op).length : this.operations.length;
  }

  saved(rootId: string): CallRecord {
    const record = this.records.get(rootId);
    if (!record) throw new Error('FakeCallStore: no record saved for ' + rootId);
    return clone(record);
  }

  read(rootId: string): Promise<CallRecord | null> {
    this.operations.push({ op: 'read', key: rootId });
    const failure = this.takeFailure('read');
    if (failure) return Promise.reject(failure);
    const record = this.records.get(rootId);
    return Promise.resolve(record ? clone(record) : null);
  }

  claim(rootId: string, version: number): Promise<boolean> {
    this.operations.push({ op: 'claim', key: rootId });
    const failure = this.takeFailure('claim');
    if (failure) return Promise.reject(failure);
    const key = rootId + ':' + version;
    if (this.claims.has(key)) return Promise.resolve(false);
    this.claims.add(key);
    return Promise.resolve(true);
  }

  write(rootId: string, record: CallRecord): Promise<void> {
    this.operations.push({ op: 'write', key: rootId });
    const failure = this.takeFailure('write');
    if (failure) return Promise.reject(failure);
    this.records.set(rootId, clone(record));
    return Promise.resolve();
  }

  readCache(): Promise<AppCache> {
    this.operations.push({ op: 'readCache', key: null });
    const failure = this.takeFailure('readCache');
    if (failure) return Promise.reject(failure);
    return Promise.resolve(clone(this.cache));
  }

  writeCache(cache: AppCache): Promise<void> {
    this.operations.push({ op: 'writeCache', key: null });
    const failure = this.takeFailure('writeCache');
    if (failure) return Promise.reject(failure);
    this.cache = clone(cache);
    return Promise.resolve();
  }

  recordRejectedPayload(callId: string | null, event: string, paths: string[], at: number): Promise<void> {
    this.operations.push({ op: 'recordRejectedPayload', key: callId });
    this.rejected.push({ callId, event, paths: paths.slice(), at });
    return Promise.resolve();
  }

  private takeFailure(op: StoreOperation): Error | undefined {
    const failure = this.failures.get(op);
    this.failures.delete(op);
    return failure;
  }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
