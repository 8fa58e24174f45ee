// One call event, after triage: read what was done, plan what is left, claim the call, act,
// save. A repeat of an event already handled stops after the first read.
import { ApiError } from '../clients/api-error';
import type { Call } from '../events/call-event';
import type { LogType, Outcome } from '../domain/types';
import type { CallRecord } from '../state/call-record';
import { emptyCallRecord } from '../state/call-record';
import { StoreError } from '../state/call-store';
import { scheduleFollowUpWork } from './deferred';
import type { SyncDeps } from './deps';
import { executePlan, type Execution } from './execute-plan';
import { isEmptyPlan, planSync, type SyncPlan } from './plan-sync';

export interface SyncTarget {
  call: Call;
  rootId: string;
  isLeg: boolean;
  outcome: Outcome;
  logType: LogType;
}

export interface SyncResult {
  text: string;
  failed: boolean;
}

export async function syncCall(target: SyncTarget, deps: SyncDeps): Promise<SyncResult> {
  try {
    return await readPlanAndAct(target, deps);
  } catch (err) {
    // The store failed (e.g. the minute's 50 operations are spent): nothing more can be saved,
    // but $schedule still works, so the call is replayed rather than lost. A summary already
    // sent is found again by its saved intent (execute-plan.ts), not written twice.
    if (!(err instanceof StoreError)) throw err;
    const replay = await scheduleFollowUpWork(deps, 'replay', target.call.id);
    return { text: err.message + '; replay ' + replay, failed: true };
  }
}

async function readPlanAndAct(target: SyncTarget, deps: SyncDeps): Promise<SyncResult> {
  const record = (await deps.store.read(target.rootId)) || emptyCallRecord();
  const plan = planSync({ call: target.call, isLeg: target.isLeg, outcome: target.outcome, logType: target.logType, settings: deps.settings, record });
  if (isEmptyPlan(plan)) return { text: record.unlinked ? 'unlinked, waiting for an agent to link it' : 'nothing new to sync', failed: false };
  if (!(await deps.store.claim(target.rootId, record.v))) {
    // Another event is acting on this call right now: defer, never drop (product.md). The replay
    // reads back this event's own call, so a transferred leg's work is replayed as the leg.
    const result = await scheduleFollowUpWork(deps, 'replay', target.call.id);
    return { text: 'another event is syncing this call; replay ' + result, failed: false };
  }
  return act(target, plan, record, deps);
}

/** Acts on a claimed call and saves what was done, also when a request failed part-way. */
async function act(target: SyncTarget, plan: SyncPlan, record: CallRecord, deps: SyncDeps): Promise<SyncResult> {
  const next: CallRecord = JSON.parse(JSON.stringify(record)) as CallRecord;
  next.v = record.v + 1;
  next.seen = plan.seen;
  if (!target.isLeg) next.outcome = target.outcome;
  const done: string[] = [];
  const failure = await executeCatchingApiErrors({ call: target.call, rootId: target.rootId, outcome: target.outcome, plan, record: next, deps, done });
  next.error = failure ? { code: failure.code, reason: failure.reason, at: deps.now() } : null;
  await deps.store.write(target.rootId, next);
  // A failure a later retry can fix is not lost: the call is replayed later (product.md "State,
  // idempotency, budgets"); a permanent one waits for an agent's retry.
  const replay = failure && failure.transient ? await scheduleFollowUpWork(deps, 'replay', target.call.id) : null;
  return describe(done, failure, replay);
}

async function executeCatchingApiErrors(execution: Execution): Promise<ApiError | null> {
  try {
    await executePlan(execution);
    return null;
  } catch (err) {
    // Expected API failures are recorded with a reason for the sidebar; anything else is a bug.
    if (err instanceof ApiError) return err;
    throw err;
  }
}

function describe(done: string[], failure: ApiError | null, replay: string | null): SyncResult {
  const text = done.length ? done.join('; ') : 'nothing to write';
  if (!failure) return { text, failed: false };
  const failed = (done.length ? text + '; then ' : '') + 'failed: ' + failure.reason + ' (' + failure.status + ')';
  return { text: failed + (replay ? '; replay ' + replay : ''), failed: true };
}
