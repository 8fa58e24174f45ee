// The scheduled side of deferred work: what onScheduledEvent runs (the recurring drain, a kick,
// an overflow schedule's calls, or a one-time schedule an older version of the app left), and
// the little a live event takes when the queue holds work.
import type { Meter } from '../platform/metered';
import type { SyncDeps } from '../sync/deps';
import { outcome, type RunOutcome } from '../sync/outcome';
import { StoreError, type AppState, type DrainState, type QueueItem } from '../state/store';
import { drain, roomForItem, SCHEDULED_DRAIN, type DrainLimits, type DrainReport } from './drain';
import { ensureRecurring, passOn } from './queue';
import { reconcile } from './reconcile';
import { afterRun, runItem } from './work';

export type ScheduledWork =
  /** `since`: the recurring drain's first slot (queue.ts ensureRecurring); null for a kick, or a recurring schedule made before it existed. */
  | { kind: 'drain'; since: number | null }
  | { kind: 'calls'; calls: string[] }
  | { kind: 'note'; calls: string[] }
  | { kind: 'legacy'; call: string; look: boolean };

/** Reads the data of a schedule this app created; anything else is refused (null). */
export function readScheduledWork(data: unknown): ScheduledWork | null {
  if (typeof data !== 'object' || data === null) return null;
  const value = data as Record<string, unknown>;
  if (value.kind === 'drain') return { kind: 'drain', since: slotIn(value.since) };
  if (value.kind === 'calls' || value.kind === 'note') return Array.isArray(value.calls) ? { kind: value.kind, calls: value.calls.filter(isCallId) } : null;
  return readLegacyWork(value);
}

/** One-time schedules of the app's first version (`rp-<id>` replays, `cs-<id>` CSAT looks). */
function readLegacyWork(value: Record<string, unknown>): ScheduledWork | null {
  if (value.kind !== 'replay' && value.kind !== 'csat') return null;
  return isCallId(value.callId) ? { kind: 'legacy', call: value.callId, look: value.kind === 'csat' } : null;
}

function slotIn(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

function isCallId(value: unknown): value is string {
  return typeof value === 'string' && /^\d+$/.test(value);
}

export async function runScheduledWork(work: ScheduledWork, deps: SyncDeps, meter: Meter): Promise<RunOutcome> {
  await ensureRecurring(deps);
  const ran = await runCalls(work, deps, meter);
  // A complete note's schedule runs its call only: the drain and reconciliation have their own.
  if (work.kind === 'note') return outcome(codeOf(ran.codes, 0), work.calls[0] || null, { detail: ['complete note: ' + ran.codes.join(', '), ran.passed].filter((part) => !!part).join('; ') });
  // The budget ran out on the schedule's own calls: the queue and reconciliation wait for the next drain.
  if (ran.passed) return outcome(codeOf(ran.codes, 0), null, { detail: 'ran ' + ran.codes.length + ', ' + ran.passed });
  const state = (await deps.store.readAppState()).drain;
  const report = await drain(deps, meter, SCHEDULED_DRAIN, state.head, originOf(work));
  const rec = await reconcile(deps, meter, SCHEDULED_DRAIN, state.reconciledTo);
  const next: DrainState = { head: report.head, reconciledTo: rec.reconciledTo, backlog: report.left };
  if (!sameDrain(next, state)) await deps.store.writeDrainState(next);
  const detail = 'ran ' + (report.ran + ran.codes.length) + ', left ' + report.left + (report.throttled ? ' (throttled)' : '') + '; reconciled ' + rec.report.listed + ' listed, ' + rec.report.synced + ' synced' + (rec.report.failure ? ' (listing stopped: ' + rec.report.failure + ')' : '');
  return outcome(codeOf(report.codes.concat(ran.codes), rec.report.synced), null, { detail });
}

/** Where a drain with no saved head starts: the recurring schedule's first slot. */
function originOf(work: ScheduledWork): number | null {
  return work.kind === 'drain' ? work.since : null;
}

/** The store keeps "none" as 0: a drain that changed nothing writes nothing. */
function sameDrain(a: DrainState, b: DrainState): boolean {
  const fields: Array<keyof DrainState> = ['head', 'reconciledTo', 'backlog'];
  return fields.every((field) => (a[field] || 0) === (b[field] || 0));
}

function codeOf(codes: string[], reconciled: number): 'synced' | 'recorded' | 'nothing' {
  if (codes.indexOf('synced') >= 0 || reconciled > 0) return 'synced';
  return codes.indexOf('recorded') >= 0 ? 'recorded' : 'nothing';
}

/**
 * Calls carried by a schedule run now while the budget allows. The rest, and the rest after a
 * storage refusal, go on to the next minutes' overflow schedules (queue.ts passOn): the queue
 * would cost a storage operation each, and the store is what ran out.
 */
async function runCalls(work: ScheduledWork, deps: SyncDeps, meter: Meter): Promise<CallsRun> {
  const codes: string[] = [];
  const items = itemsOf(work, deps.now());
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as QueueItem;
    if (!roomForItem(meter, SCHEDULED_DRAIN)) return passRest(items, i, codes, deps);
    try {
      const result = await runItem(item, item.kind === 'look' ? item.call : null, deps, work.kind === 'note');
      await afterRun(result, item.call, item, deps);
      codes.push(result.code);
    } catch (err) {
      // The call's run stopped part-way; run again, it redoes nothing that was done (pipeline.ts).
      if (!(err instanceof StoreError)) throw err;
      return passRest(items, i, codes, deps);
    }
  }
  return { codes, passed: null };
}

interface CallsRun {
  codes: string[];
  /** What went on to later schedules: e.g. "passed on 12 (overflow)"; null when nothing did. */
  passed: string | null;
}

async function passRest(items: QueueItem[], from: number, codes: string[], deps: SyncDeps): Promise<CallsRun> {
  const rest = items.slice(from).map((item) => item.call);
  return { codes, passed: 'passed on ' + rest.length + ' (' + (await passOn(deps, rest)) + ')' };
}

function itemsOf(work: ScheduledWork, now: number): QueueItem[] {
  if (work.kind === 'drain') return [];
  const calls = work.kind === 'legacy' ? [work.call] : work.calls;
  const kind = work.kind === 'legacy' && work.look ? 'look' : 'retry';
  return calls.map((call) => ({ call, kind, due: now, attempts: 0, since: now }));
}

/**
 * A live event's share: only when the last drain left work, and within a small budget. The
 * event passes app:state as its run read it (for the note's author); an event that did not read
 * it takes nothing, rather than spend an operation to ask: the drain's kicks run a backlog about
 * once a minute anyway (docs/architecture.md "Deferred work").
 */
export async function takePendingWork(deps: SyncDeps, meter: Meter, share: DrainLimits, app: AppState | null): Promise<DrainReport | null> {
  // The share comes on top of what the event itself spent, and only when that was little.
  if (!app || meter.requests > share.requests) return null;
  const state = app.drain;
  if (!state.backlog) return null;
  const limits: DrainLimits = { requests: meter.requests + share.requests, dbOps: meter.dbOps + share.dbOps, items: share.items };
  const report = await drain(deps, meter, limits, state.head, null);
  await deps.store.writeDrainState({ head: report.head, reconciledTo: state.reconciledTo, backlog: report.left });
  return report;
}
