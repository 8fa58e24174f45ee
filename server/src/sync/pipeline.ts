// The one path every piece of work on a call takes (docs/architecture.md "The pipeline"): call
// events, the deferred-work drain, the CSAT look, reconciliation, and an agent's Retry:
//   read the record → decide (pure) → claim → gather (reads) → run the writes → apply → save.
// It returns what happened as data (outcome.ts); queueing a retry is the caller's part.
import { ApiError } from '../clients/api-error';
import { StoreError, type AppState, type CallerEntry, type StoredRecord } from '../state/store';
import type { CallInput } from './call-input';
import { decide, planReads, planWrites, waitsForEarlierWrite, writeKinds, type Decision, type RunState, type Step, type WriteStep } from './decide';
import type { SyncDeps } from './deps';
import { entryToWrite } from './caller-cache';
import { gather, gatherAuthor, noReads, type Gathered, type RunReads } from './gather';
import type { RunCode, RunOutcome } from './outcome';
import { emptyCallRecord, type CallRecord, type RecordFailure } from './record';
import { Busy, WRITES } from './run-steps';
import { absorbCall, applyDeadRun, applyRelink, applyRememberedGone, applyRetry, applyWrite, applyWriteFailure, finishRun, isSettled, type FailureInfo } from './transitions';

/** A claim younger than this may belong to a run still going (an invocation lasts at most 20-40 s). */
const LIVE_CLAIM_MS = 60000;
/**
 * The first claim and five takeovers of claims left by runs that died. A run whose save the
 * store refused (the minute's budget spent by other invocations) leaves its claim like one that
 * died, and after a burst that can happen to one call several times: with too few takeovers left
 * the call stays busy for good (npm run stress found it with three).
 */
const CLAIM_ATTEMPTS = 6;
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
  /** app:state as this run read it (null: not read), so the caller need not read it again. */
  app: AppState | null;
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
  /**
   * The event says the call just ended (triage.ts): most likely no record exists yet, so the run
   * creates it, claim included, without reading it first (one storage operation fewer).
   */
  createFirst?: boolean;
}

interface Attempt {
  state: RunState;
  done: string[];
  seen: RunReads;
  gathered: Gathered | null;
  failure: FailureInfo | null;
  retryAfterSeconds: number | null;
  busy: string | null;
  /** The write under way (null: still gathering). */
  step: WriteStep | null;
}

export async function runPipeline(input: CallInput, deps: SyncDeps, options: PipelineOptions = {}): Promise<PipelineResult> {
  const created = options.createFirst && !options.giveUp ? await runCreatingRecord(input, deps, options) : null;
  return created || runReadingRecord(input, deps, options);
}

/** The usual run: the record read first (absent for a call's first run). */
async function runReadingRecord(input: CallInput, deps: SyncDeps, options: PipelineOptions): Promise<PipelineResult> {
  const stored = await deps.store.readStored(input.rootId);
  const before = stored ? stored.record : emptyCallRecord();
  const d = decisionOf(input, deps, options);
  if (options.giveUp) return recordGiveUp(stored, options.giveUp, d, deps);
  const { absorbed, steps } = absorbAndDecide(before, d, options);
  if (steps.length === 0 && same(absorbed.record, before)) return unsaved('nothing', input, before, 'nothing new to sync');
  const dead = await takeClaim(deps, input.rootId, stored, absorbed.record, writeKinds(steps, absorbed, d), d.now);
  if (dead === null) return unsaved('busy', input, before, 'another run is syncing this call', d.now + FIRST_RETRY_MS);
  return save(await attemptSteps(withDeadRun(absorbed, dead), d, deps), d, deps, before);
}

/**
 * The first run of a call: the record is created with this run's claim in it (setIf not_exist),
 * so no read comes first. null: the record exists, and the run reads it like any other.
 */
async function runCreatingRecord(input: CallInput, deps: SyncDeps, options: PipelineOptions): Promise<PipelineResult | null> {
  const d = decisionOf(input, deps, options);
  const before = emptyCallRecord();
  const { absorbed, steps } = absorbAndDecide(before, d, options);
  if (steps.length === 0) return null;
  if (!(await deps.store.createRecord(input.rootId, absorbed.record, { at: d.now, steps: writeKinds(steps, absorbed, d) }))) return null;
  return save(await attemptSteps(absorbed, d, deps), d, deps, before);
}

function decisionOf(input: CallInput, deps: SyncDeps, options: PipelineOptions): Decision {
  return { input, settings: deps.settings, now: deps.now(), linkNow: options.linkNow === true };
}

/** The record with the agent's action and the call's facts applied, and the steps it needs. */
function absorbAndDecide(before: CallRecord, d: Decision, options: PipelineOptions): { absorbed: RunState; steps: Step[] } {
  const absorbed: RunState = { record: absorbCall(agentAction(before, options), d.input, d.now), conversationStatus: null };
  return { absorbed, steps: decide(absorbed, d) };
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
async function recordGiveUp(stored: StoredRecord | null, failure: FailureInfo, d: Decision, deps: SyncDeps): Promise<PipelineResult> {
  const before = stored ? stored.record : emptyCallRecord();
  const state: RunState = { record: before, conversationStatus: null };
  if ((await takeClaim(deps, d.input.rootId, stored, before, [], d.now)) === null) return unsaved('busy', d.input, before, 'another run is syncing this call', d.now + FIRST_RETRY_MS);
  return save(failedAttempt(state, failure), d, deps, before);
}

async function attemptSteps(start: RunState, d: Decision, deps: SyncDeps): Promise<Attempt> {
  const attempt: Attempt = { state: start, done: [], seen: noReads(), gathered: null, failure: null, retryAfterSeconds: null, busy: null, step: null };
  if (waitsForEarlierWrite(start.record, d.now)) return Object.assign(attempt, { busy: 'an earlier write may still land; checked again later' });
  try {
    await gatherAndWrite(attempt, d, deps);
  } catch (err) {
    if (!rememberedRefused(attempt, err)) return failedWith(attempt, err, d.now);
    // The caller's remembered conversation, linked unread, refused the first write: nothing was
    // written, and the caller is looked up afresh (docs/architecture.md "Remembering callers").
    attempt.state = { record: applyRememberedGone(attempt.state.record), conversationStatus: null };
    attempt.seen.rememberedGone = true;
    attempt.seen.unread = null;
    try {
      await gatherAndWrite(attempt, d, deps);
    } catch (again) {
      return failedWith(attempt, again, d.now);
    }
  }
  return attempt;
}

async function gatherAndWrite(attempt: Attempt, d: Decision, deps: SyncDeps): Promise<void> {
  attempt.step = null;
  attempt.state = await gather(attempt.state, planReads(attempt.state, d), d, deps, attempt.done, attempt.seen);
  // A read can make another possible: the link just found lets a possibly written note be checked now.
  const more = planReads(attempt.state, d).filter((read) => attempt.done.indexOf(read.kind) < 0);
  if (more.length) attempt.state = await gather(attempt.state, more, d, deps, attempt.done, attempt.seen);
  const gathered = await gatherAuthor(attempt.state, d, deps, attempt.seen);
  attempt.gathered = gathered;
  for (const next of planWrites(attempt.state, d)) {
    attempt.step = next;
    const result = await WRITES[next.kind](next, { input: d.input, record: attempt.state.record, gathered, deps });
    attempt.state = applyWrite(attempt.state, next, result, d.input, deps.settings, d.now);
    attempt.done.push(next.kind);
    // A write went through: the conversation is there.
    attempt.seen.unread = null;
  }
}

/**
 * The first write to a conversation linked unread from the caller's entry was refused as not
 * found or invalid: the conversation may be gone (the reference does not say which of the two a
 * deleted conversation answers), so the stricter reading takes both.
 */
function rememberedRefused(attempt: Attempt, err: unknown): boolean {
  const unread = attempt.seen.unread;
  if (!(err instanceof ApiError) || unread === null || attempt.step === null) return false;
  return (err.code === 'not_found' || err.code === 'invalid') && attempt.state.record.link.conversationId === unread;
}

/** Expected failures end the run with what succeeded kept (the write under way, attempt.step, marked); anything else is a bug and escapes. */
function failedWith(attempt: Attempt, err: unknown, now: number): Attempt {
  if (err instanceof Busy) return Object.assign(attempt, { busy: err.what });
  if (err instanceof ApiError) {
    attempt.failure = { code: err.code, reason: err.reason, status: err.status, transient: err.transient };
    attempt.retryAfterSeconds = err.retryAfterSeconds;
    const step = attempt.step;
    if (step) attempt.state = { record: applyWriteFailure(attempt.state.record, step, attempt.failure, now), conversationStatus: attempt.state.conversationStatus };
    return attempt;
  }
  if (!(err instanceof StoreError)) throw err;
  attempt.failure = { code: err.budget ? 'storage_budget' : 'storage', reason: 'the app storage refused a read: ' + err.message, status: err.status, transient: true };
  return attempt;
}

function failedAttempt(state: RunState, failure: FailureInfo): Attempt {
  return { state, done: [], seen: noReads(), gathered: null, failure, retryAfterSeconds: null, busy: null, step: null };
}

async function save(attempt: Attempt, d: Decision, deps: SyncDeps, before: CallRecord): Promise<PipelineResult> {
  const failure = attempt.failure;
  const retryAt = retryAtOf(attempt, d.now);
  const record = finishRun(attempt.state.record, failure ? recordFailure(failure, d.now, retryAt) : null);
  await deps.store.writeRecord(d.input.rootId, record);
  await saveLearned(attempt, record, deps);
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
    app: attempt.seen.app,
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
 * Version 0's first claim is the record itself, created with the claim inside it (so a first
 * run costs no separate claim); later versions' claims are `lk:` keys.
 */
async function takeClaim(deps: SyncDeps, rootId: string, stored: StoredRecord | null, record: CallRecord, writes: string[], now: number): Promise<DeadRun | null> {
  const dead: DeadRun = { writes: [], at: null };
  const v = stored ? stored.record.v : 0;
  const claim = { at: now, steps: writes };
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const held = await claimOrHeld(deps, rootId, { v, attempt, stored, record, claim });
    if (held === null) return dead;
    if (now - held.at < LIVE_CLAIM_MS) return null;
    held.steps.forEach((s) => dead.writes.push(s));
    dead.at = held.at;
  }
  return null;
}

interface ClaimTry {
  v: number;
  attempt: number;
  stored: StoredRecord | null;
  record: CallRecord;
  claim: { at: number; steps: string[] };
}

/** null: this run holds the claim now; else the claim someone else holds. */
async function claimOrHeld(deps: SyncDeps, rootId: string, t: ClaimTry): Promise<{ at: number; steps: string[] } | null> {
  if (t.v === 0 && t.attempt === 0) return claimByCreating(deps, rootId, t);
  if (await deps.store.claim(rootId, t.v, t.attempt, t.claim)) return null;
  // Gone between the two operations (its ttl): another run's, so this one waits.
  return (await deps.store.readClaim(rootId, t.v, t.attempt)) || { at: t.claim.at, steps: [] };
}

/** Version 0: the record created with the claim inside, or the claim a first run left in it. */
async function claimByCreating(deps: SyncDeps, rootId: string, t: ClaimTry): Promise<{ at: number; steps: string[] } | null> {
  if (!t.stored && (await deps.store.createRecord(rootId, t.record, t.claim))) return null;
  const current = t.stored || (await deps.store.readStored(rootId));
  // Saved by another run since this one read nothing: that run is done, and this one runs again later.
  if (!current || current.record.v > 0) return { at: t.claim.at, steps: [] };
  return current.claim || { at: 0, steps: [] };
}

/** What runs that died before saving had under way, and when the last of them started. */
interface DeadRun {
  writes: string[];
  at: number | null;
}

/**
 * What the run learned beyond the record: the app cache (agents, app id, the account's number
 * form) and the caller's entry. Either one not saved costs a lookup next time, nothing more.
 */
async function saveLearned(attempt: Attempt, record: CallRecord, deps: SyncDeps): Promise<void> {
  const change = attempt.gathered ? attempt.gathered.cacheChange : {};
  const caller = attempt.seen.caller;
  try {
    if (Object.keys(change).length) await deps.store.writeCache(change);
    if (caller) await saveCaller(deps, caller.key, entryToWrite(record, caller.entry, attempt.seen.listedAt, attempt.seen.agent));
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    attempt.done.push('cache_not_saved');
  }
}

async function saveCaller(deps: SyncDeps, key: string, entry: CallerEntry | null): Promise<void> {
  if (entry) await deps.store.writeCaller(key, entry);
}

function unsaved(code: RunCode, input: CallInput, record: CallRecord | null, detail: string, retryAt: number | null = null): PipelineResult {
  return { code, callId: input.rootId, steps: [], failure: null, detail, retryAt, record, settledNow: false, retryAfterSeconds: null, priorRetryAt: null, app: null };
}

function same(a: CallRecord, b: CallRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
