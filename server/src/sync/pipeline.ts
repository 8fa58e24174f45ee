// The one path every piece of work on a call takes (docs/architecture.md "The pipeline"): call
// events, the deferred-work drain, the CSAT look, reconciliation, and an agent's Retry:
//   read the record → decide (pure) → claim → gather (reads) → run the writes → apply → save.
// It returns what happened as data (outcome.ts); queueing a retry is the caller's part.
import { ApiError } from '../clients/api-error';
import { StoreError } from '../state/store';
import type { CallInput } from './call-input';
import { decide, planReads, planWrites, waitsForEarlierWrite, writeKinds, type Decision, type RunState, type WriteStep } from './decide';
import type { SyncDeps } from './deps';
import { gather, gatherAuthor, type Gathered } from './gather';
import type { RunCode, RunOutcome } from './outcome';
import { emptyCallRecord, type CallRecord, type RecordFailure } from './record';
import { Busy, WRITES } from './run-steps';
import { absorbCall, applyDeadRun, applyRelink, applyRetry, applyWrite, applyWriteFailure, finishRun, isSettled, type FailureInfo } from './transitions';

/** A claim younger than this may belong to a run still going (an invocation lasts at most 20-40 s). */
const LIVE_CLAIM_MS = 60000;
/** The first claim and two takeovers of claims left by runs that died. */
const CLAIM_ATTEMPTS = 3;
/** A transient failure with no Retry-After is tried again this much later at the earliest. */
export const FIRST_RETRY_MS = 60000;

export interface PipelineResult extends RunOutcome {
  /** The record as saved (or as read when nothing was saved). */
  record: CallRecord | null;
  /** The record became settled in this run: the reconciliation index learns of it. */
  settledNow: boolean;
  /** Seconds a rate-limited answer asked the app to wait. */
  retryAfterSeconds: number | null;
  /** When the queued retry that was pending before this run was due (null: none). */
  priorRetryAt: number | null;
}

export interface PipelineOptions {
  /** The retry horizon passed: record the failure as permanent instead of running. */
  giveUp?: FailureInfo;
  /** An agent's Retry from the sidebar: a permanent failure is cleared and the call runs again. */
  retry?: boolean;
  /** An agent links the call to this conversation (transitions.applyRelink). */
  relink?: { conversationId: string; userId: string | null };
  /** The card opened on a live call: choose the conversation now (decide.ts Decision.linkNow). */
  linkNow?: boolean;
}

interface Attempt {
  state: RunState;
  done: string[];
  gathered: Gathered | null;
  failure: FailureInfo | null;
  retryAfterSeconds: number | null;
  busy: string | null;
}

export async function runPipeline(input: CallInput, deps: SyncDeps, options: PipelineOptions = {}): Promise<PipelineResult> {
  const stored = await deps.store.readRecord(input.rootId);
  const before = stored || emptyCallRecord();
  const d: Decision = { input, settings: deps.settings, now: deps.now(), linkNow: options.linkNow === true };
  if (options.giveUp) return recordGiveUp(before, options.giveUp, d, deps);
  const absorbed: RunState = { record: absorbCall(agentAction(before, options), input, d.now), conversationStatus: null };
  const steps = decide(absorbed, d);
  if (steps.length === 0 && same(absorbed.record, before)) return unsaved('nothing', input, stored, 'nothing new to sync');
  const dead = await takeClaim(deps, input.rootId, before.v, writeKinds(steps, absorbed, d), d.now);
  if (dead === null) return unsaved('busy', input, stored, 'another run is syncing this call', d.now + FIRST_RETRY_MS);
  return save(await attemptSteps(withDeadRun(absorbed, dead), d, deps), d, deps, before);
}

/** What an agent asked for in the sidebar, applied before the call's own facts. */
function agentAction(record: CallRecord, options: PipelineOptions): CallRecord {
  if (options.relink) return applyRelink(record, options.relink);
  return options.retry ? applyRetry(record) : record;
}

/** The dead run's writes are uncertain since it started, not since this run found them. */
function withDeadRun(state: RunState, dead: DeadRun): RunState {
  return dead.writes.length ? { record: applyDeadRun(state.record, dead.writes, dead.at || 0), conversationStatus: null } : state;
}

/** The retry horizon passed: the failure is recorded as permanent, under a claim like any run. */
async function recordGiveUp(before: CallRecord, failure: FailureInfo, d: Decision, deps: SyncDeps): Promise<PipelineResult> {
  const state: RunState = { record: before, conversationStatus: null };
  if ((await takeClaim(deps, d.input.rootId, before.v, [], d.now)) === null) return unsaved('busy', d.input, before, 'another run is syncing this call', d.now + FIRST_RETRY_MS);
  return save(failedAttempt(state, failure), d, deps, before);
}

async function attemptSteps(start: RunState, d: Decision, deps: SyncDeps): Promise<Attempt> {
  const attempt: Attempt = { state: start, done: [], gathered: null, failure: null, retryAfterSeconds: null, busy: null };
  if (waitsForEarlierWrite(start.record, d.now)) return Object.assign(attempt, { busy: 'an earlier write may still land; checked again later' });
  let step: WriteStep | null = null;
  try {
    attempt.state = await gather(attempt.state, planReads(attempt.state, d), d, deps, attempt.done);
    const gathered = await gatherAuthor(attempt.state, d, deps);
    attempt.gathered = gathered;
    for (const next of planWrites(attempt.state, d)) {
      step = next;
      const result = await WRITES[next.kind](next, { input: d.input, record: attempt.state.record, gathered, deps });
      attempt.state = applyWrite(attempt.state, next, result, d.input, deps.settings, d.now);
      attempt.done.push(next.kind);
    }
  } catch (err) {
    catchStepFailure(attempt, err, step, d.now);
  }
  return attempt;
}

/** Expected failures end the run with what succeeded kept; anything else is a bug and escapes. */
function catchStepFailure(attempt: Attempt, err: unknown, step: WriteStep | null, now: number): void {
  if (err instanceof Busy) {
    attempt.busy = err.what;
    return;
  }
  if (err instanceof ApiError) {
    attempt.failure = { code: err.code, reason: err.reason, status: err.status, transient: err.transient };
    attempt.retryAfterSeconds = err.retryAfterSeconds;
    if (step) attempt.state = { record: applyWriteFailure(attempt.state.record, step, attempt.failure, now), conversationStatus: attempt.state.conversationStatus };
    return;
  }
  if (err instanceof StoreError) {
    attempt.failure = { code: err.budget ? 'storage_budget' : 'storage', reason: 'the app storage refused a read: ' + err.message, status: err.status, transient: true };
    return;
  }
  throw err;
}

function failedAttempt(state: RunState, failure: FailureInfo): Attempt {
  return { state, done: [], gathered: null, failure, retryAfterSeconds: null, busy: null };
}

async function save(attempt: Attempt, d: Decision, deps: SyncDeps, before: CallRecord): Promise<PipelineResult> {
  const failure = attempt.failure;
  const retryAt = retryAtOf(attempt, d.now);
  const record = finishRun(attempt.state.record, failure ? recordFailure(failure, d.now, retryAt) : null);
  await deps.store.writeRecord(d.input.rootId, record);
  await saveCache(attempt.gathered, deps, attempt.done);
  const code = codeOf(record, failure, attempt.busy !== null, attempt.done);
  return {
    code,
    callId: d.input.rootId,
    steps: attempt.done,
    failure: failure ? { code: failure.code, reason: failure.reason, status: failure.status, permanent: !failure.transient } : null,
    detail: attempt.busy || detailOf(record, code),
    retryAt,
    record,
    settledNow: isSettled(record) && !isSettled(before),
    retryAfterSeconds: attempt.retryAfterSeconds,
    priorRetryAt: before.failure && !before.failure.permanent ? before.failure.nextAt : null,
  };
}

function retryAtOf(attempt: Attempt, now: number): number | null {
  if (attempt.failure) return attempt.failure.transient ? now + retryDelay(attempt.retryAfterSeconds) : null;
  return attempt.busy ? now + FIRST_RETRY_MS : null;
}

function retryDelay(retryAfterSeconds: number | null): number {
  return Math.max(FIRST_RETRY_MS, (retryAfterSeconds || 0) * 1000);
}

function recordFailure(failure: FailureInfo, now: number, retryAt: number | null): RecordFailure {
  return { code: failure.code, reason: failure.reason, status: failure.status, permanent: !failure.transient, at: now, nextAt: retryAt };
}

function codeOf(record: CallRecord, failure: FailureInfo | null, busy: boolean, done: string[]): RunCode {
  if (failure) return failure.transient ? 'deferred' : 'failed';
  if (busy) return 'busy';
  const wrote = done.some((s) => WRITES[s as WriteStep['kind']] !== undefined);
  if (record.link.state === 'unlinked' && !wrote) return 'unlinked';
  return wrote ? 'synced' : 'recorded';
}

function detailOf(record: CallRecord, code: RunCode): string | null {
  return code === 'unlinked' || (code === 'synced' && record.link.reason) ? record.link.reason : null;
}

/**
 * Claims the version of the record this run read. A claim that is not this run's and is old
 * belongs to a run that died before saving: the writes it names may have happened, so they are
 * returned to be checked, and the run takes over with the next attempt's key. null: busy.
 */
async function takeClaim(deps: SyncDeps, rootId: string, v: number, writes: string[], now: number): Promise<DeadRun | null> {
  const dead: DeadRun = { writes: [], at: null };
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    if (await deps.store.claim(rootId, v, attempt, { at: now, steps: writes })) return dead;
    const held = await deps.store.readClaim(rootId, v, attempt);
    if (held && now - held.at < LIVE_CLAIM_MS) return null;
    if (held) {
      held.steps.forEach((s) => dead.writes.push(s));
      dead.at = held.at;
    }
  }
  return null;
}

/** What runs that died before saving had under way, and when the last of them started. */
interface DeadRun {
  writes: string[];
  at: number | null;
}

/** A cache that could not be saved costs a lookup next time; the call's record is already saved. */
async function saveCache(gathered: Gathered | null, deps: SyncDeps, done: string[]): Promise<void> {
  if (!gathered || !gathered.cache || !gathered.cacheChanged) return;
  try {
    await deps.store.writeCache(gathered.cache);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    done.push('cache_not_saved');
  }
}

function unsaved(code: RunCode, input: CallInput, record: CallRecord | null, detail: string, retryAt: number | null = null): PipelineResult {
  return { code, callId: input.rootId, steps: [], failure: null, detail, retryAt, record, settledNow: false, retryAfterSeconds: null, priorRetryAt: null };
}

function same(a: CallRecord, b: CallRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
