// Reconciliation (docs/architecture.md "Reconciliation"): the platform does not promise to
// deliver every event, so on the recurring schedule the app lists the calls Freshcaller created
// a while ago and syncs every ended one that has no settled record. Which calls are settled is
// kept in a small index (`rc:<slot>`, ten minutes of creation times a key), so the check costs
// one storage read per slot, not one per call.
import { ApiError } from '../clients/api-error';
import { callSchema } from '../events/call-event';
import type { Meter } from '../platform/metered';
import type { SyncDeps } from '../sync/deps';
import { timeOf } from '../sync/call-input';
import { runPipeline } from '../sync/pipeline';
import { triageCallEvent } from '../sync/triage';
import type { DrainLimits } from './drain';
import { afterRun, settledSlotOf } from './work';

/** Calls are looked at once they are this old: their own events have had time to arrive. */
export const RECONCILE_LAG_MS = 15 * 60000;
/**
 * The first run looks back an hour: the recurring schedule starts with the first call the app
 * hears of, and calls before it whose events were all lost are still found.
 */
const FIRST_LOOK_BACK_MS = 60 * 60000;
/** After downtime, reconciliation goes back at most this far. */
const RECONCILE_MAX_BACK_MS = 24 * 3600000;
/**
 * Pages one run reads at most. The budget stops a run first on any real account; a run that
 * stops keeps its window, and the next run lists it again, skipping what is settled.
 */
const MAX_PAGES = 30;
/** One run reconciles at most this much of creation time: after downtime it catches up 3× as fast as time passes. */
const WINDOW_MS = 15 * 60000;
const ITEM_COST = { requests: 12, dbOps: 6 };

export interface ReconcileReport {
  listed: number;
  synced: number;
  /** The window was finished: the cursor moved on. */
  complete: boolean;
  /** Why listing stopped early (an ApiError code), if it did. */
  failure?: string;
}

export async function reconcile(deps: SyncDeps, meter: Meter, limits: DrainLimits, reconciledTo: number | null): Promise<{ report: ReconcileReport; reconciledTo: number | null }> {
  const latest = deps.now() - RECONCILE_LAG_MS;
  const from = Math.max(reconciledTo === null ? latest - FIRST_LOOK_BACK_MS : reconciledTo, latest - RECONCILE_MAX_BACK_MS);
  const to = Math.min(latest, from + WINDOW_MS);
  const report: ReconcileReport = { listed: 0, synced: 0, complete: false };
  if (to - from >= 60000) await listingSafely(() => reconcileWindow(new Date(from).toISOString(), new Date(to).toISOString(), { deps, meter, limits, settled: {}, report }), report);
  return { report, reconciledTo: report.complete ? to : reconciledTo };
}

/** Freshcaller failing to list (an outage, a 429) leaves the window for the next run. */
async function listingSafely(run: () => Promise<void>, report: ReconcileReport): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    report.failure = err.code;
  }
}

interface Pass {
  deps: SyncDeps;
  meter: Meter;
  limits: DrainLimits;
  /** Settled calls by index slot, read once per slot. */
  settled: Record<number, string[]>;
  report: ReconcileReport;
}

async function reconcileWindow(from: string, to: string, pass: Pass): Promise<void> {
  for (let page = 1; page <= MAX_PAGES && !overBudget(pass.meter, pass.limits); page++) {
    const listed = await pass.deps.caller.listCalls(from, to, page);
    pass.report.listed += listed.calls.length;
    if (!(await syncAll(listed.calls, pass))) return;
    if (!listed.hasMore) {
      pass.report.complete = true;
      return;
    }
  }
}

/** Syncs a page's missing calls; false when the budget ran out part-way. */
async function syncAll(calls: unknown[], pass: Pass): Promise<boolean> {
  for (const raw of calls) {
    if (overBudget(pass.meter, pass.limits)) return false;
    if (await syncIfMissing(raw, pass.deps, pass.settled)) pass.report.synced += 1;
  }
  return true;
}

/** Runs an ended call whose record is not settled; legs are left to their root call. */
async function syncIfMissing(raw: unknown, deps: SyncDeps, settled: Record<number, string[]>): Promise<boolean> {
  const parsed = callSchema.safeParse(raw);
  if (!parsed.success) return false;
  const triage = triageCallEvent(parsed.data, null, deps.settings);
  if (triage.kind === 'nothing' || triage.input.isLeg) return false;
  const slot = settledSlotOf(timeOf(parsed.data.created_time) || deps.now());
  if (!settled[slot]) settled[slot] = await deps.store.readSettled(slot);
  if ((settled[slot] as string[]).indexOf(triage.input.rootId) >= 0) return false;
  const result = await runPipeline(triage.input, deps);
  await afterRun(result, parsed.data.id, null, deps);
  return result.code !== 'nothing';
}

function overBudget(meter: Meter, limits: DrainLimits): boolean {
  return meter.requests + ITEM_COST.requests > limits.requests || meter.dbOps + ITEM_COST.dbOps > limits.dbOps;
}
