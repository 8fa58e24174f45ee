// SyncDeps built from the fakes, with installation parameters read by the real readSettings so a
// test overrides only the parameters that matter to it. Storage is the real store (state/store.ts)
// over FakePlatform's $db, counted by the real meter (platform/metered.ts); the fake API clients
// report their requests to the same meter, as the real clients do.
import { readSettings } from '../../../server/src/domain/settings';
import { metered, type Meter } from '../../../server/src/platform/metered';
import type { Logger } from '../../../server/src/ports';
import { createStore, type Store } from '../../../server/src/state/store';
import type { SyncDeps } from '../../../server/src/sync/deps';
import { emptyCallRecord, type CallRecord } from '../../../server/src/sync/record';
import { FakePlatform } from '../fake-platform';
import { FakeFreshcaller } from './fake-freshcaller';
import { FakeFreshchat } from './fake-freshchat';
import type { FakeSchedule } from './fake-schedule';

export const DEFAULT_AGENT = 'agent-default';
export const CHANNEL = 'channel-1';
/** 2026-11-02 14:10 UTC, just after the sample calls. */
export const NOW = Date.UTC(2026, 10, 2, 14, 10, 0);

export class FakeLogger implements Logger {
  readonly lines: Array<{ level: 'info' | 'error'; message: string }> = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
}

export interface FakeSyncDeps extends SyncDeps {
  chat: FakeFreshchat;
  caller: FakeFreshcaller;
  store: Store;
  schedule: FakeSchedule;
  logger: FakeLogger;
  /** The platform behind the store and the schedules: its `time` is the clock `now()` reads. */
  platform: FakePlatform;
  /** What this invocation spent: storage operations and requests. */
  meter: Meter;
}

export interface SyncDepsOptions {
  /**
   * Installation parameters over the defaults (default agent set, no channel, everything else
   * the default in README.md "Installation parameters").
   */
  iparams?: Record<string, unknown>;
  chat?: FakeFreshchat;
  caller?: FakeFreshcaller;
  platform?: FakePlatform;
  now?: number;
}

export function syncDepsFor(options: SyncDepsOptions = {}): FakeSyncDeps {
  const platform = options.platform || new FakePlatform();
  platform.time = options.now === undefined ? NOW : options.now;
  const { platform: counted, meter, countRequest } = metered(platform);
  const chat = options.chat || new FakeFreshchat();
  const caller = options.caller || new FakeFreshcaller();
  chat.onRequest = countRequest;
  caller.onRequest = countRequest;
  return {
    chat,
    caller,
    store: createStore(counted.db),
    schedule: platform.schedule,
    logger: new FakeLogger(),
    settings: readSettings(Object.assign({ freshchat_default_agent_id: DEFAULT_AGENT }, options.iparams || {})),
    platform,
    meter,
    now: () => platform.time,
  };
}

/** A new invocation on the same account: the same world, a fresh meter. */
export function nextInvocation(deps: FakeSyncDeps): FakeSyncDeps {
  const { platform: counted, meter, countRequest } = metered(deps.platform);
  deps.chat.onRequest = countRequest;
  deps.caller.onRequest = countRequest;
  return Object.assign({}, deps, { store: createStore(counted.db), meter, logger: new FakeLogger() });
}

/** A stored record with defaults, stating only what differs. */
export function recordWith(fields: Partial<CallRecord> = {}): CallRecord {
  return Object.assign(emptyCallRecord(), JSON.parse(JSON.stringify(fields)) as Partial<CallRecord>);
}

/** Total requests to both products: what the platform's request budget counts. */
export function requestCount(deps: FakeSyncDeps): number {
  return deps.chat.count() + deps.caller.count();
}
