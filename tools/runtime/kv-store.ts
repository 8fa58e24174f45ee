// $db: the key-value store as the FDK's own store behaves (docs/platform.md "Key-value store").
// Per installation (one store per runtime), in memory, driven by the runtime clock for ttl and
// for the 50-operations-per-minute budget. Values are JSON-copied in and out, so the app never
// shares a reference with the store.

import { MinuteBudget, type Clock } from './clock';
import { platformError, type PlatformError } from './errors';

/**
 * Key at most 30 characters, key plus value at most 8 KB: the stricter of the known limits
 * (docs/platform.md "Key-value store").
 */
export const MAX_KEY_LENGTH = 30;
export const MAX_KEY_PLUS_VALUE_BYTES = 8 * 1024;
/** Top-level attribute names at most 30 characters (docs/platform.md "Key-value store"). */
export const MAX_ATTRIBUTE_NAME_LENGTH = 30;
/**
 * 50 operations a minute per installation, each set, get, update or delete counting one
 * (docs/platform.md "Budgets").
 */
export const DB_OPS_PER_MINUTE = 50;
/** The attributes the store adds to every value and strips on read. */
export const RESERVED_ATTRIBUTES = ['createdAt', 'updatedAt', '__expireAfter'] as const;

export const MSG_NOT_FOUND = 'Record not found';
export const MSG_SETIF_FAILED = 'The setIf conditional request failed';
export const MSG_INVALID_PATHS = 'One or more paths in the attributes are invalid or overlapping with each other';
export const MSG_REMOVE_MISSING = 'The specified key for remove operation does not exist in the data store';

export type DbOp = 'set' | 'get' | 'update' | 'delete';
export type UpdateAction = 'increment' | 'append' | 'set' | 'remove';

export interface DbOpRecord {
  op: DbOp;
  key: string;
  /** For update: the action. */
  action?: string;
  ok: boolean;
  error?: { status: number; message: string };
  /** Runtime clock time of the operation. */
  at: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface Entry {
  /** The stored value including createdAt / updatedAt (and __expireAfter when a ttl is set). */
  value: JsonObject;
  /** Clock time at which the record disappears, if it has a ttl. */
  expiresAt?: number;
}

/**
 * Where one caller's operations are recorded as well as in `onRecord` / `onWarning` (LocalRuntime
 * passes the invocation that made the call).
 */
export interface DbOpSink {
  dbOp(record: DbOpRecord): void;
  /** Something the store tolerates but the platform warns against. */
  warning(message: string): void;
}

export interface KvStoreOptions {
  clock: Clock;
  /**
   * The operations budget. Pass one budget to several stores when they belong to one
   * installation (the per-product partitions of LocalRuntime). Default: a budget of its own.
   */
  budget?: MinuteBudget;
  /** Called for every operation (recording). */
  onRecord?: (record: DbOpRecord) => void;
  /** Called when the app does something the store tolerates but the platform warns against. */
  onWarning?: (message: string) => void;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  // Cross-realm safe: values come from the sandbox, where `instanceof Object` is false.
  return typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Object]';
}

/**
 * JSON copy with the store's conversions: "Empty strings come back as null (NaN and Infinity
 * too)". JSON.stringify already turns NaN/Infinity into null and drops undefined/functions.
 */
export function normalizeValue(value: unknown): Json {
  const text = JSON.stringify(value, (_k, v: unknown) => (v === '' ? null : v));
  return text === undefined ? null : (JSON.parse(text) as Json);
}

function bad(message: string): PlatformError {
  return platformError(400, message);
}

function strip(value: JsonObject): JsonObject {
  const out: JsonObject = JSON.parse(JSON.stringify(value)) as JsonObject;
  for (const r of RESERVED_ATTRIBUTES) delete out[r];
  return out;
}

export class KvStore {
  private readonly entries = new Map<string, Entry>();
  readonly budget: MinuteBudget;

  constructor(private readonly opts: KvStoreOptions) {
    this.budget = opts.budget ?? new MinuteBudget(opts.clock, DB_OPS_PER_MINUTE);
  }

  // --- the app-facing API (each method resolves or rejects like the platform) ---------------
  // `sink` also receives the operation's record and warnings.

  set(key: unknown, value: unknown, options?: unknown, sink?: DbOpSink): Promise<{ Created: true }> {
    return this.run('set', key, undefined, sink, (warn) => {
      this.checkKey(key);
      const k = key as string;
      const v = this.checkValue(value, warn);
      this.checkSize(k, v);
      let ttl: number | undefined;
      let setIf: string | undefined;
      if (options !== undefined && options !== null) {
        if (!isPlainObject(options)) throw bad('The options must be an object');
        const o = options as { ttl?: unknown; setIf?: unknown };
        if (o.ttl !== undefined) {
          // "ttl in seconds (non-zero)": a positive whole number of seconds.
          if (typeof o.ttl !== 'number' || !Number.isInteger(o.ttl) || o.ttl <= 0) {
            throw bad('The ttl must be a non-zero positive integer (seconds)');
          }
          ttl = o.ttl;
        }
        if (o.setIf !== undefined) {
          if (o.setIf !== 'exist' && o.setIf !== 'not_exist') throw bad("The setIf option must be 'exist' or 'not_exist'");
          setIf = o.setIf;
        }
      }
      const existing = this.live(k);
      if ((setIf === 'exist' && !existing) || (setIf === 'not_exist' && existing)) throw bad(MSG_SETIF_FAILED);
      const now = this.opts.clock.now();
      const stored: JsonObject = { ...v, createdAt: now, updatedAt: now };
      const entry: Entry = { value: stored };
      if (ttl !== undefined) {
        entry.expiresAt = now + ttl * 1000;
        stored.__expireAfter = entry.expiresAt;
      }
      this.entries.set(k, entry);
      // Success shape unconfirmed for the server side; { Created: true } is what Freshworks'
      // data-storage docs show for set.
      return { Created: true as const };
    });
  }

  get(key: unknown, sink?: DbOpSink): Promise<Record<string, unknown>> {
    return this.run('get', key, undefined, sink, () => {
      this.checkKey(key);
      const e = this.live(key as string);
      if (!e) throw platformError(404, MSG_NOT_FOUND);
      return strip(e.value);
    });
  }

  update(key: unknown, action: unknown, attributes: unknown, sink?: DbOpSink): Promise<{ Updated: true }> {
    return this.run('update', key, typeof action === 'string' ? action : String(action), sink, (warn) => {
      this.checkKey(key);
      const k = key as string;
      const existing = this.live(k);
      const now = this.opts.clock.now();
      let next: JsonObject;
      switch (action) {
        case 'increment':
        case 'append':
          next = this.applyTopLevel(action, existing ? strip(existing.value) : undefined, attributes, warn);
          break;
        case 'set':
          next = this.applySet(existing ? strip(existing.value) : {}, attributes, warn);
          break;
        case 'remove':
          if (!existing) throw bad(MSG_REMOVE_MISSING);
          next = this.applyRemove(strip(existing.value), attributes);
          break;
        default:
          throw bad("The update action must be one of 'increment', 'append', 'set', 'remove'");
      }
      this.checkSize(k, next);
      const stored: JsonObject = { ...next, createdAt: existing ? (existing.value.createdAt as Json) : now, updatedAt: now };
      const entry: Entry = { value: stored };
      if (existing && existing.expiresAt !== undefined) {
        // An update keeps the record's ttl (unconfirmed; the docs only describe ttl on set).
        entry.expiresAt = existing.expiresAt;
        stored.__expireAfter = existing.expiresAt;
      }
      this.entries.set(k, entry);
      // Success shape unconfirmed; { Updated: true } mirrors set's { Created: true }.
      return { Updated: true as const };
    });
  }

  delete(key: unknown, sink?: DbOpSink): Promise<{ Deleted: true }> {
    return this.run('delete', key, undefined, sink, () => {
      this.checkKey(key);
      const k = key as string;
      // Deleting a missing key: unconfirmed; the stricter reading (404 like get) is used so the
      // app has to tolerate it.
      if (!this.live(k)) throw platformError(404, MSG_NOT_FOUND);
      this.entries.delete(k);
      return { Deleted: true as const };
    });
  }

  // --- inspection and seeding for tests (no budget, no recording) ---------------------------

  /** The value the app would read, or undefined when missing/expired. */
  peek(key: string): Record<string, unknown> | undefined {
    const e = this.live(key);
    return e ? strip(e.value) : undefined;
  }

  /** The raw stored record including createdAt/updatedAt/__expireAfter. */
  peekRaw(key: string): Record<string, unknown> | undefined {
    const e = this.live(key);
    return e ? (JSON.parse(JSON.stringify(e.value)) as Record<string, unknown>) : undefined;
  }

  /** Stores a value directly (validated like set, but no budget and no record). */
  seed(key: string, value: Record<string, unknown>, ttlSeconds?: number): void {
    this.checkKey(key);
    const v = this.checkValue(value, this.warner(undefined));
    this.checkSize(key, v);
    const now = this.opts.clock.now();
    const stored: JsonObject = { ...v, createdAt: now, updatedAt: now };
    const entry: Entry = { value: stored };
    if (ttlSeconds !== undefined) {
      entry.expiresAt = now + ttlSeconds * 1000;
      stored.__expireAfter = entry.expiresAt;
    }
    this.entries.set(key, entry);
  }

  keys(): string[] {
    return [...this.entries.keys()].filter((k) => this.live(k));
  }

  /** Removes a key directly (no budget, no record). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  // --- internals ------------------------------------------------------------------------------

  private run<T>(op: DbOp, key: unknown, action: string | undefined, sink: DbOpSink | undefined, body: (warn: (message: string) => void) => T): Promise<T> {
    const at = this.opts.clock.now();
    const record = (ok: boolean, error?: PlatformError): void => {
      const r: DbOpRecord = { op, key: String(key), ok, at };
      if (action !== undefined) r.action = action;
      if (error) r.error = { status: error.status, message: error.message };
      this.opts.onRecord?.(r);
      sink?.dbOp(r);
    };
    // "50 operations per minute per installation": one over is refused and not performed.
    if (!this.budget.take()) {
      // Message unconfirmed; the status follows the platform's other rate limits.
      const err = platformError(429, `Rate limit exceeded: at most ${DB_OPS_PER_MINUTE} $db operations per minute per installation`);
      record(false, err);
      return Promise.reject(err);
    }
    try {
      const result = body(this.warner(sink));
      record(true);
      return Promise.resolve(result);
    } catch (e) {
      if (typeof e === 'object' && e !== null && typeof (e as PlatformError).status === 'number') {
        record(false, e as PlatformError);
        return Promise.reject(e);
      }
      throw e;
    }
  }

  private warner(sink: DbOpSink | undefined): (message: string) => void {
    return (message) => {
      this.opts.onWarning?.(message);
      sink?.warning(message);
    };
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && this.opts.clock.now() >= e.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private checkKey(key: unknown): void {
    if (typeof key !== 'string' || key.trim().length === 0) throw bad('The key should be a non-blank string');
    if (key.length > MAX_KEY_LENGTH) throw bad(`The key should not exceed ${MAX_KEY_LENGTH} characters`);
  }

  /**
   * The value is a non-empty JSON object, never a string (stringified JSON) or an array
   * (docs/platform.md "Key-value store").
   */
  private checkValue(value: unknown, warn: (message: string) => void): JsonObject {
    if (!isPlainObject(value)) {
      throw bad(`The value should be a non-empty JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
    }
    const v = normalizeValue(value) as JsonObject;
    this.checkAttributes(v, warn);
    if (Object.keys(v).length === 0) throw bad('The value should be a non-empty JSON object');
    return v;
  }

  private checkAttributes(v: JsonObject, warn: (message: string) => void): void {
    for (const name of Object.keys(v)) {
      if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) {
        throw bad(`The attribute name '${name}' exceeds ${MAX_ATTRIBUTE_NAME_LENGTH} characters`);
      }
      if ((RESERVED_ATTRIBUTES as readonly string[]).includes(name)) {
        // The store overwrites/strips these: the app's value is silently lost.
        warn(`$db value uses the reserved attribute '${name}', which the store overwrites and strips on read`);
        delete v[name];
      }
    }
  }

  private checkSize(key: string, value: JsonObject): void {
    const bytes = Buffer.byteLength(key, 'utf8') + Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > MAX_KEY_PLUS_VALUE_BYTES) {
      throw bad(`The combined size of the key and value (${bytes} bytes) exceeds 8 KB`);
    }
  }

  /** increment / append: top-level attributes only; on a missing key the record is created. */
  private applyTopLevel(action: 'increment' | 'append', current: JsonObject | undefined, attributes: unknown, warn: (message: string) => void): JsonObject {
    if (!isPlainObject(attributes) || Object.keys(attributes).length === 0) {
      throw bad(`The attributes for ${action} should be a non-empty object`);
    }
    const attrs = normalizeValue(attributes) as JsonObject;
    this.checkAttributes(attrs, warn);
    const next: JsonObject = current ? { ...current } : {};
    for (const [name, val] of Object.entries(attributes)) {
      if (name.includes('.')) throw bad(MSG_INVALID_PATHS); // top-level only
      if (action === 'increment') {
        if (typeof val !== 'number' || !Number.isFinite(val)) throw bad(`increment needs a number for '${name}'`);
        const old = next[name];
        if (old !== undefined && old !== null && typeof old !== 'number') throw bad(`Cannot increment '${name}': it is not a number`);
        next[name] = (typeof old === 'number' ? old : 0) + val;
      } else {
        if (!Array.isArray(val)) throw bad(`append needs an array for '${name}'`);
        const old = next[name];
        if (old !== undefined && old !== null && !Array.isArray(old)) throw bad(`Cannot append to '${name}': it is not an array`);
        next[name] = [...(Array.isArray(old) ? old : []), ...(attrs[name] as Json[])];
      }
    }
    if (Object.keys(next).length === 0) throw bad('The value should be a non-empty JSON object');
    return next;
  }

  /** set: dot paths whose parents must exist; overlapping paths are refused. */
  private applySet(current: JsonObject, attributes: unknown, warn: (message: string) => void): JsonObject {
    if (!isPlainObject(attributes) || Object.keys(attributes).length === 0) {
      throw bad('The attributes for set should be a non-empty object');
    }
    const paths = Object.keys(attributes);
    this.checkPaths(paths);
    const values = normalizeValue(attributes) as JsonObject;
    const next = JSON.parse(JSON.stringify(current)) as JsonObject;
    for (const p of paths) {
      const parts = p.split('.');
      if (parts[0] !== undefined && parts[0].length > MAX_ATTRIBUTE_NAME_LENGTH) {
        throw bad(`The attribute name '${parts[0]}' exceeds ${MAX_ATTRIBUTE_NAME_LENGTH} characters`);
      }
      if ((RESERVED_ATTRIBUTES as readonly string[]).includes(parts[0] as string)) {
        warn(`$db update uses the reserved attribute '${parts[0] as string}', which the store overwrites and strips on read`);
        continue;
      }
      let node: JsonObject = next;
      for (const part of parts.slice(0, -1)) {
        const child = node[part];
        if (!isPlainObject(child)) throw bad(MSG_INVALID_PATHS);
        node = child as JsonObject;
      }
      const value = values[p];
      node[parts[parts.length - 1] as string] = value === undefined ? null : value;
    }
    return next;
  }

  private applyRemove(current: JsonObject, attributes: unknown): JsonObject {
    if (!Array.isArray(attributes) || attributes.length === 0 || attributes.some((a) => typeof a !== 'string')) {
      throw bad('The attributes for remove should be a non-empty array of attribute paths');
    }
    const paths = attributes as string[];
    this.checkPaths(paths);
    const next = JSON.parse(JSON.stringify(current)) as JsonObject;
    for (const p of paths) {
      const parts = p.split('.');
      let node: JsonObject | undefined = next;
      for (const part of parts.slice(0, -1)) {
        const child: Json | undefined = node[part];
        if (!isPlainObject(child)) {
          throw bad(MSG_INVALID_PATHS);
        }
        node = child as JsonObject;
      }
      // Removing an attribute that is not there: unconfirmed; treated as a no-op.
      delete node[parts[parts.length - 1] as string];
    }
    return next;
  }

  private checkPaths(paths: string[]): void {
    for (const p of paths) {
      if (p.length === 0 || p.split('.').some((s) => s.length === 0)) throw bad(MSG_INVALID_PATHS);
    }
    for (const a of paths) {
      for (const b of paths) {
        if (a !== b && (b.startsWith(`${a}.`) || a === b)) throw bad(MSG_INVALID_PATHS);
      }
    }
  }
}
