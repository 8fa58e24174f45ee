// The deferred-work drain (docs/architecture.md "Deferred work"): oldest slot first, items in
// the order they fall due, each run through the pipeline, within a share of the minute's
// budgets so live call events keep room. Firing twice or late does no harm: an item leaves the
// queue only after its run, and the pipeline's claim keeps two drains off one call.
import type { Meter } from '../platform/metered';
import type { SyncDeps } from '../sync/deps';
import type { QueueItem } from '../state/store';
import { kick, MIN_SCHEDULE_AHEAD_MS, slotOf, SLOT_MS } from './queue';
import { afterRun, runItem } from './work';

export interface DrainLimits {
  /** Requests and storage operations this invocation may spend, of the minute's 50 each. */
  requests: number;
  dbOps: number;
  /** Items at most. */
  items: number;
}

/**
 * A scheduled drain leaves 4 requests and 4 operations of its minute for live events (more when
 * it stops before an item that would not fit): a live event refused meanwhile is queued, nothing
 * lost. One scheduled run a minute at most (queue.ts kick), so this share is the minute's and a
 * burst drains within 1.25 times what the budgets allow at best (README "What it costs").
 */
export const SCHEDULED_DRAIN: DrainLimits = { requests: 46, dbOps: 46, items: 50 };
/** A live event that spent little takes a little pending work: this much on top of its own. */
export const EVENT_DRAIN: DrainLimits = { requests: 14, dbOps: 8, items: 2 };
/**
 * What one item costs, about: a retry reads the call (1), links (0-1 for a remembered caller, up
 * to 6 for a new one), reads the metrics (1) and writes (2-3); 6 storage operations at most for a
 * retry. The drain stops before an item that would not fit at this cost; one that costs more and
 * meets the budget is saved and queued again.
 */
const ITEM_COST = { requests: 6, dbOps: 6 };
/**
 * With no head saved yet and no first slot known, a drain reads this many slots back: work
 * queued in the minutes before it. It does not learn the head from that: older slots may hold
 * work it did not read (an installation busy from its first minute saves no head for hours).
 */
const FIRST_SCAN_SLOTS = 3;
/** A backlog older than this is not scanned slot by slot: its slots are read from here on. */
const MAX_SCAN_SLOTS = 24 * 12 + 1;

export interface DrainReport {
  /** The oldest slot that may still hold work, for `app:state`; null: still not known. */
  head: number | null;
  ran: number;
  left: number;
  /** The platform refused for budget: the drain stopped early. */
  throttled: boolean;
  codes: string[];
}

/**
 * Drains from `head` (the oldest slot that may hold work), or with no head saved yet from
 * `origin` (the recurring schedule's first slot); the caller saves the new head.
 */
export async function drain(deps: SyncDeps, meter: Meter, limits: DrainLimits, head: number | null, origin: number | null): Promise<DrainReport> {
  const now = deps.now();
  const current = slotOf(now);
  const report: DrainReport = { head: current, ran: 0, left: 0, throttled: false, codes: [] };
  const start = head !== null ? head : origin;
  const stoppedAt = await scan(Math.max(start !== null ? start : current - FIRST_SCAN_SLOTS, current - MAX_SCAN_SLOTS), current, deps, meter, limits, report);
  // Read from where no work could be older: what the scan found is the head. Else it is still not known.
  if (start === null) report.head = null;
  if (report.left > 0 || stoppedAt <= current) await keepDraining(deps, now);
  return report;
}

/** Drains slots `from`..`current`; returns the slot it stopped at (past `current` when done). */
async function scan(from: number, current: number, deps: SyncDeps, meter: Meter, limits: DrainLimits, report: DrainReport): Promise<number> {
  let head: number | null = null;
  let slot = from;
  for (; slot <= current; slot++) {
    const left = await drainSlot(slot, deps, meter, limits, report);
    if (left > 0 && head === null) head = slot;
    report.left += left;
    if (report.throttled || spent(meter, limits, report)) break;
  }
  // Slots after where the drain stopped were not read: the head cannot move past them.
  report.head = head !== null ? head : Math.min(slot, current);
  return slot;
}

/** Runs a slot's due items, oldest first; returns how many stay in it. */
async function drainSlot(slot: number, deps: SyncDeps, meter: Meter, limits: DrainLimits, report: DrainReport): Promise<number> {
  const items = await deps.store.readQueueSlot(slot);
  const now = deps.now();
  const ids = Object.keys(items).sort((a, b) => (items[a] as QueueItem).due - (items[b] as QueueItem).due);
  const ran: string[] = [];
  const later: Array<() => Promise<unknown>> = [];
  for (const id of ids) {
    const item = items[id] as QueueItem;
    if (item.due > now || spent(meter, limits, report)) continue;
    const result = await runItem(item, null, deps);
    ran.push(id);
    report.ran += 1;
    report.codes.push(result.code);
    // Follow-up work (a retry, a look) is queued only once this item has left the slot.
    later.push(() => afterRun(result, item.call, item, deps));
    if (result.failure && result.failure.code === 'rate_limited') {
      report.throttled = true;
      break;
    }
  }
  await deps.store.removeQueueItems(slot, ran);
  for (const run of later) await run();
  return ids.length - ran.length;
}

function spent(meter: Meter, limits: DrainLimits, report: DrainReport): boolean {
  return report.ran >= limits.items || !roomForItem(meter, limits);
}

/** Another item fits in what is left of `limits`, at its usual cost. */
export function roomForItem(meter: Meter, limits: DrainLimits): boolean {
  return meter.requests + ITEM_COST.requests <= limits.requests && meter.dbOps + ITEM_COST.dbOps <= limits.dbOps;
}

/** Work is left: kick schedules for each of the next minutes, so a backlog drains once a minute. */
async function keepDraining(deps: SyncDeps, now: number): Promise<void> {
  for (let minute = 0; minute < SLOT_MS / 60000; minute++) await kick(deps, now + MIN_SCHEDULE_AHEAD_MS + minute * 60000);
}
