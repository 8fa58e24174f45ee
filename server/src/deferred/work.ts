// One piece of deferred work run through the pipeline, and what a run leaves to do later: a
// retry with backoff (honouring Retry-After, capped, given up after the horizon), a late look
// for a CSAT rating, the reconciliation index (docs/architecture.md "Deferred work").
import { ApiError } from '../clients/api-error';
import { callSchema, type Call } from '../events/call-event';
import type { SyncDeps } from '../sync/deps';
import { outcome } from '../sync/outcome';
import { notesWorkLeft } from '../sync/decide';
import { runPipeline, type PipelineResult } from '../sync/pipeline';
import { triageCallEvent } from '../sync/triage';
import type { QueueItem } from '../state/store';
import { enqueue, ensureRecurring, overflow } from './queue';

/** Retries back off from 1 minute, doubling, to at most 30 minutes between attempts. */
const FIRST_BACKOFF_MS = 60000;
const MAX_BACKOFF_MS = 30 * 60000;
/** After this long since the first failure a transient failure is recorded as permanent. */
export const HORIZON_MS = 24 * 3600000;
/** Reconciliation index slots: ten minutes of call creation times. */
export const SETTLED_SLOT_MS = 10 * 60000;

export function settledSlotOf(time: number): number {
  return Math.floor(time / SETTLED_SLOT_MS);
}

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * Math.pow(2, Math.max(0, attempts - 1)));
}

/**
 * Runs one queued item: reads the call again from Freshcaller (a look needs only the record).
 * `createFirst`: a complete note's run, most likely the call's first (pipeline.ts).
 */
export async function runItem(item: QueueItem, root: string | null, deps: SyncDeps, createFirst: boolean = false): Promise<PipelineResult> {
  if (item.kind === 'look') return runPipeline({ rootId: root || item.call, call: null, isLeg: false, outcome: null, logType: null }, deps);
  const read = await readCall(item.call, root, deps);
  if ('code' in read) return read;
  const triage = triageCallEvent(read.call, null, deps.settings);
  if (triage.kind === 'nothing') return unrun(outcome('skipped', root, { detail: triage.reason }), null);
  return runPipeline(triage.input, deps, { createFirst: createFirst && !triage.input.isLeg });
}

/** The call as Freshcaller describes it now, or the outcome that reading it ended with. */
async function readCall(callId: string, root: string | null, deps: SyncDeps): Promise<{ call: Call } | PipelineResult> {
  let raw: unknown;
  try {
    raw = await deps.caller.getCall(callId);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const failure = { code: err.code, reason: err.reason, status: err.status, permanent: !err.transient };
    return unrun(outcome(err.transient ? 'deferred' : 'failed', root, { failure, detail: 'reading the call from Freshcaller' }), err.retryAfterSeconds);
  }
  return parsedCall(raw, root);
}

function parsedCall(raw: unknown, root: string | null): { call: Call } | PipelineResult {
  const parsed = raw === null ? null : callSchema.safeParse(raw);
  if (parsed && parsed.success) return { call: parsed.data };
  const detail = raw === null ? 'Freshcaller has no such call' : 'Freshcaller describes the call in a shape the app cannot read';
  return unrun(outcome('failed', root, { detail }), null);
}

function unrun(result: ReturnType<typeof outcome>, retryAfterSeconds: number | null): PipelineResult {
  return Object.assign(result, { record: null, settledNow: false, retryAfterSeconds, priorRetryAt: null, app: null });
}

/**
 * What a run leaves for later. `previous` is the item that ran (null for a call event). Storage
 * failures here are not fatal: the run's record is saved, and reconciliation finds calls that
 * never settled.
 */
export async function afterRun(result: PipelineResult, callId: string, previous: QueueItem | null, deps: SyncDeps): Promise<string[]> {
  const notes: string[] = [];
  const record = result.record;
  if (savedFirst(result)) await ensureRecurring(deps);
  if (result.settledNow && record) await bestEffort(() => deps.store.markSettled(settledSlotOf(record.created || deps.now()), result.callId || callId), notes, 'settled');
  const later = await laterWork(result, callId, previous, deps);
  if (later) notes.push(later);
  const look = lookDue(result, previous, deps.now());
  if (look) notes.push('look ' + (await enqueue(deps, look)));
  return notes;
}

/** A retry for a run that could not finish, or a permanent failure recorded for one that never will. */
function laterWork(result: PipelineResult, callId: string, previous: QueueItem | null, deps: SyncDeps): Promise<string> | null {
  if (result.code === 'deferred' || result.code === 'busy') return retryPending(result, previous, deps.now()) ? null : retryLater(result, callId, previous, deps);
  if (lookLeftNotes(result, previous)) return retryLater(result, callId, previous, deps);
  return unreadable(result, previous) ? giveUp(result, result.callId || callId, deps, 'the call cannot be read from Freshcaller: ') : null;
}

/**
 * A look ran on the record alone and found notes to write or check (a run that died, or whose
 * save was refused, left them uncertain): without the call it cannot, so a retry that reads the
 * call takes over. Otherwise nothing would come back to the call (npm run stress lost one so).
 */
function lookLeftNotes(result: PipelineResult, previous: QueueItem | null): boolean {
  // A look at a call with no record (v 0) has nothing to hand over.
  return previous !== null && previous.kind === 'look' && result.record !== null && result.record.v > 0 && notesWorkLeft(result.record);
}

/** A retry keeps the kind of the item it retries, except a look with notes left: that becomes a retry. */
function kindAfter(result: PipelineResult, previous: QueueItem | null): QueueItem['kind'] {
  if (!previous || lookLeftNotes(result, previous)) return 'retry';
  return previous.kind;
}

/** A queued call Freshcaller no longer has, or describes in a shape the app cannot read: for good. */
function unreadable(result: PipelineResult, previous: QueueItem | null): boolean {
  return result.code === 'failed' && !result.record && previous !== null;
}

/**
 * A call event or reconciliation ran a call whose queued retry is still ahead: that retry goes
 * on, and a second one would double the attempts and restart the horizon.
 */
function retryPending(result: PipelineResult, previous: QueueItem | null, now: number): boolean {
  return !previous && result.priorRetryAt !== null && result.priorRetryAt > now - 10 * 60000;
}

/** The first save of a call: the recurring drain (and reconciliation) must exist. */
function savedFirst(result: PipelineResult): boolean {
  return !!result.record && result.record.v === 1 && result.code !== 'nothing' && result.code !== 'busy';
}

/** The survey is still open: a look at the metrics is queued for when it falls due (once). */
function lookDue(result: PipelineResult, previous: QueueItem | null, now: number): QueueItem | null {
  const lookAt = waitingLookAt(result);
  if (lookAt === null || !result.callId) return null;
  if (previous && previous.kind === 'look' && previous.due >= lookAt) return null;
  return { call: result.callId, kind: 'look', due: lookAt, attempts: 0, since: now };
}

/** Only the run that found the survey open queues the look; later events of the call do not. */
function waitingLookAt(result: PipelineResult): number | null {
  const record = result.record;
  return record && record.csat.state === 'waiting' && result.steps.indexOf('read_csat') >= 0 ? record.csat.lookAt : null;
}

async function retryLater(result: PipelineResult, callId: string, previous: QueueItem | null, deps: SyncDeps): Promise<string> {
  const now = deps.now();
  const attempts = previous ? previous.attempts + 1 : 1;
  const since = previous ? previous.since : now;
  if (now - since >= HORIZON_MS) return giveUp(result, result.callId || callId, deps, 'gave up after 24 hours of retries: ');
  // A budget spent (the platform's, or an API's 429) is back within the minute, or at its
  // Retry-After (result.retryAt): backing off further would only leave the next minutes idle.
  const due = Math.max(result.retryAt || now, now + waitBefore(result, attempts));
  const item: QueueItem = { call: callId, kind: kindAfter(result, previous), due, attempts, since };
  return 'retry ' + (await enqueue(deps, item));
}

function waitBefore(result: PipelineResult, attempts: number): number {
  const code = result.failure ? result.failure.code : null;
  return code === 'rate_limited' || code === 'storage_budget' ? 0 : backoffMs(attempts);
}

async function giveUp(result: PipelineResult, rootId: string, deps: SyncDeps, why: string): Promise<string> {
  const failure = result.failure;
  const reason = why + (failure ? failure.reason : result.detail || 'the call stayed busy');
  const input = { rootId, call: null, isLeg: false, outcome: null, logType: null };
  await runPipeline(input, deps, { giveUp: { code: 'gave_up', reason, status: failure ? failure.status : 0, transient: false } });
  return 'gave up';
}

/** The store refused before anything could be read: the call rides on the overflow schedule. */
export function deferUnread(callId: string, deps: SyncDeps): Promise<string> {
  return overflow(deps, [callId]);
}

async function bestEffort(run: () => Promise<void>, notes: string[], what: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    notes.push(what + ' not saved (' + (err instanceof Error ? err.message : 'error') + ')');
  }
}
