// A hand-written fake of the handlers' port: records what a handler logged and every platform
// call it made, so a test can assert "did nothing" as well as what was done. Its $db follows the
// store's semantics as the local runtime implements them (tools/runtime/kv-store.ts): values are
// JSON-copied, '' and NaN come back as null, empty arrays are dropped (record.ts relies on
// readers accepting that), setIf tests existence only, a key and its value fit in 8 KB, update
// `set` creates a missing record and `remove` on a missing key is a 400; the minute's budget
// answers 429. Its $schedule keeps schedules by unique name (fakes/fake-schedule.ts).
import type { Logger, Platform } from '../../server/src/ports';
import type {
  DbSetOptions,
  DbUpdateAction,
  InvokeOptions,
  PlatformDb,
  PlatformRequest,
  RequestResponse,
} from '../../server/src/platform/types';
import { FakeSchedule } from './fakes/fake-schedule';

export interface PlatformCall {
  api: 'request' | 'db' | 'schedule';
  op: string;
  args: unknown[];
}

export type DbOp = 'get' | 'set' | 'update' | 'delete';

export const MSG_NOT_FOUND = 'Record not found';
export const MSG_SETIF_FAILED = 'The setIf conditional request failed';
export const MSG_REMOVE_MISSING = 'The specified key for remove operation does not exist in the data store';
export const MSG_INVALID_PATHS = 'One or more paths in the attributes are invalid or overlapping with each other';
export const MAX_KEY_PLUS_VALUE_BYTES = 8 * 1024;

interface DbFailure {
  op: DbOp;
  key: string | RegExp | null;
  error: unknown;
  times: number;
}

type Json = Record<string, unknown>;

export class FakePlatform implements Platform {
  readonly calls: PlatformCall[] = [];
  readonly logs: Array<{ level: 'info' | 'error'; message: string }> = [];
  /** Answers for invokeTemplate by template name; a missing one fails the test loudly. */
  readonly responses = new Map<string, (options: InvokeOptions) => Promise<RequestResponse>>();
  /** What $db holds, by key, as a get would return it. */
  readonly store = new Map<string, Json>();
  /** Clock ms at which a key with a ttl disappears. */
  readonly expiry = new Map<string, number>();
  time = Date.UTC(2026, 10, 2, 14, 0, 0);
  /** Storage operations allowed before the platform answers 429 (the minute's 50); null: unlimited. */
  dbBudget: number | null = null;
  /** Drop empty arrays from stored values, as the platform's store does. */
  dropEmptyArrays = true;
  private dbOpsSpent = 0;
  private readonly dbFailures: DbFailure[] = [];

  readonly logger: Logger = {
    info: (message) => this.logs.push({ level: 'info', message }),
    error: (message) => this.logs.push({ level: 'error', message }),
  };

  readonly request: PlatformRequest = {
    invokeTemplate: (name: string, options: InvokeOptions) => {
      this.calls.push({ api: 'request', op: name, args: [options] });
      const answer = this.responses.get(name);
      if (!answer) return Promise.reject(new Error('FakePlatform: no response set for template ' + name));
      return answer(options);
    },
  };

  readonly schedule = new FakeSchedule((op, spec) => this.calls.push({ api: 'schedule', op, args: [spec] }));

  readonly db: PlatformDb = {
    set: (key: string, value: Record<string, unknown>, options?: DbSetOptions) =>
      this.dbRun('set', key, [key, value, options], () => {
        const stored = this.normalise(value);
        const exists = this.live(key) !== undefined;
        if (options && options.setIf === 'not_exist' && exists) throw { status: 400, message: MSG_SETIF_FAILED };
        if (options && options.setIf === 'exist' && !exists) throw { status: 400, message: MSG_SETIF_FAILED };
        this.checkSize(key, stored);
        this.store.set(key, stored);
        if (options && options.ttl) this.expiry.set(key, this.time + options.ttl * 1000);
        else this.expiry.delete(key);
        return { Created: true };
      }),
    get: (key: string) =>
      this.dbRun('get', key, [key], () => {
        const value = this.live(key);
        if (!value) throw { status: 404, message: MSG_NOT_FOUND };
        return copy(value);
      }),
    update: (key: string, action: DbUpdateAction, attributes: Record<string, unknown> | string[]) =>
      this.dbRun('update', key, [key, action, attributes], () => {
        const existing = this.live(key);
        let next: Json;
        if (action === 'remove') {
          if (!existing) throw { status: 400, message: MSG_REMOVE_MISSING };
          next = copy(existing);
          for (const path of attributes as string[]) delete next[path];
        } else if (action === 'set') {
          next = existing ? copy(existing) : {};
          const values = this.normalise(attributes as Json, false);
          for (const path of Object.keys(attributes as Json)) setPath(next, path, values[path] === undefined ? null : values[path]);
        } else {
          next = existing ? copy(existing) : {};
          for (const [name, value] of Object.entries(attributes as Json)) {
            if (action === 'increment') next[name] = (typeof next[name] === 'number' ? (next[name] as number) : 0) + (value as number);
            else next[name] = (Array.isArray(next[name]) ? (next[name] as unknown[]) : []).concat(value as unknown[]);
          }
        }
        next = this.normalise(next, false);
        this.checkSize(key, next);
        this.store.set(key, next);
        return { Updated: true };
      }),
    delete: (key: string) =>
      this.dbRun('delete', key, [key], () => {
        if (!this.live(key)) throw { status: 404, message: MSG_NOT_FOUND };
        this.store.delete(key);
        this.expiry.delete(key);
        return { Deleted: true };
      }),
  };

  /** An own property, like the port globals-port.ts builds (metered() copies own properties only). */
  readonly now = (): number => this.time;

  /** The next `times` operations `op` (on a key equal to, starting with or matching `key`) reject with `error`. */
  failDb(op: DbOp, error: unknown, key: string | RegExp | null = null, times = 1): this {
    this.dbFailures.push({ op, key, error, times });
    return this;
  }

  /** A new minute: the storage budget starts again. */
  newMinute(): this {
    this.dbOpsSpent = 0;
    return this;
  }

  /** `op key` of every storage operation, in order. */
  dbOps(): string[] {
    return this.calls.filter((c) => c.api === 'db').map((c) => c.op + ' ' + String(c.args[0]));
  }

  /** Template names of every request, in order. */
  requests(): string[] {
    return this.calls.filter((c) => c.api === 'request').map((c) => c.op);
  }

  /** Stores a value as if an earlier invocation had (not recorded, no budget). */
  seed(key: string, value: Json): this {
    this.store.set(key, this.normalise(value));
    return this;
  }

  private dbRun(op: DbOp, key: string, args: unknown[], act: () => unknown): Promise<never> {
    this.calls.push({ api: 'db', op, args });
    if (this.dbBudget !== null && this.dbOpsSpent >= this.dbBudget) {
      return Promise.reject({ status: 429, message: 'Rate limit exceeded: at most 50 $db operations per minute per installation' });
    }
    this.dbOpsSpent += 1;
    const failure = this.dbFailures.find((f) => f.op === op && f.times > 0 && matches(f.key, key));
    if (failure) {
      failure.times -= 1;
      return Promise.reject(failure.error);
    }
    if (typeof key !== 'string' || key.trim() === '' || key.length > 30) return Promise.reject({ status: 400, message: 'The key should be a non-blank string of at most 30 characters' });
    try {
      return Promise.resolve(act()) as Promise<never>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private live(key: string): Json | undefined {
    const expires = this.expiry.get(key);
    if (expires !== undefined && this.time >= expires) {
      this.store.delete(key);
      this.expiry.delete(key);
    }
    return this.store.get(key);
  }

  /** JSON copy with the store's conversions: '' (and NaN) read back as null, [] dropped. */
  private normalise(value: Json, requireNonEmpty = true): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw { status: 400, message: 'The value should be a non-empty JSON object' };
    const text = JSON.stringify(value, (_key, v: unknown) => (v === '' ? null : v));
    const parsed = JSON.parse(text) as Json;
    const out = this.dropEmptyArrays ? (dropEmpty(parsed) as Json) : parsed;
    if (requireNonEmpty && Object.keys(out).length === 0) throw { status: 400, message: 'The value should be a non-empty JSON object' };
    return out;
  }

  private checkSize(key: string, value: Json): void {
    const bytes = Buffer.byteLength(key, 'utf8') + Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > MAX_KEY_PLUS_VALUE_BYTES) throw { status: 400, message: 'The combined size of the key and value (' + bytes + ' bytes) exceeds 8 KB' };
  }
}

function matches(pattern: string | RegExp | null, key: string): boolean {
  if (pattern === null) return true;
  return typeof pattern === 'string' ? key.indexOf(pattern) === 0 : pattern.test(key);
}

function setPath(target: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Json = target;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) throw { status: 400, message: MSG_INVALID_PATHS };
    node = child as Json;
  }
  node[parts[parts.length - 1] as string] = value;
}

function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmpty);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value as Json)) {
    if (Array.isArray(inner) && inner.length === 0) continue;
    out[key] = dropEmpty(inner);
  }
  return out;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
