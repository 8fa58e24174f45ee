// SyncDeps built from the fakes, with installation parameters read by the real readSettings so a
// test overrides only the parameters that matter to it.
import { readSettings } from '../../../server/src/domain/settings';
import type { Logger } from '../../../server/src/ports';
import type { CallRecord } from '../../../server/src/state/call-record';
import { emptyCallRecord } from '../../../server/src/state/call-record';
import type { SyncDeps } from '../../../server/src/sync/deps';
import { FakeCallStore } from './fake-call-store';
import { FakeFreshcaller } from './fake-freshcaller';
import { FakeFreshchat } from './fake-freshchat';
import { FakeSchedule } from './fake-schedule';

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
  store: FakeCallStore;
  schedule: FakeSchedule;
  logger: FakeLogger;
  /** The clock `now()` reads; tests move it. */
  clock: { time: number };
}

export interface SyncDepsOptions {
  /**
   * Installation parameters over the defaults (default agent set, no channel, everything else
   * the default in README.md "Installation parameters").
   */
  iparams?: Record<string, unknown>;
  chat?: FakeFreshchat;
  caller?: FakeFreshcaller;
  store?: FakeCallStore;
  schedule?: FakeSchedule;
  now?: number;
}

export function syncDepsFor(options: SyncDepsOptions = {}): FakeSyncDeps {
  const clock = { time: options.now === undefined ? NOW : options.now };
  return {
    chat: options.chat || new FakeFreshchat(),
    caller: options.caller || new FakeFreshcaller(),
    store: options.store || new FakeCallStore(),
    schedule: options.schedule || new FakeSchedule(),
    logger: new FakeLogger(),
    settings: readSettings(Object.assign({ freshchat_default_agent_id: DEFAULT_AGENT }, options.iparams || {})),
    clock,
    now: () => clock.time,
  };
}

/** A stored record with defaults, stating only what differs. */
export function recordWith(fields: Partial<CallRecord> = {}): CallRecord {
  return Object.assign(emptyCallRecord(), JSON.parse(JSON.stringify(fields)) as Partial<CallRecord>);
}

/** Total requests to both products: what the platform's request budget counts. */
export function requestCount(deps: FakeSyncDeps): number {
  return deps.chat.count() + deps.caller.count();
}
