// onCallCreate and onCallUpdate: parse at the edge, triage from the payload alone, then the one
// pipeline (pipeline.ts), then what the run leaves for later (deferred/work.ts). Every outcome
// becomes one log line rendered from its code (outcome.ts).
import { createFreshcallerClient } from '../clients/freshcaller';
import { createFreshchatClient } from '../clients/freshchat';
import { EVENT_DRAIN } from '../deferred/drain';
import { waitForCompleteNote } from '../deferred/complete-note';
import { enqueue, MIN_SCHEDULE_AHEAD_MS } from '../deferred/queue';
import { takePendingWork } from '../deferred/run-drain';
import { afterRun, deferUnread } from '../deferred/work';
import { readSettings } from '../domain/settings';
import { summariseCall } from '../domain/summarise-call';
import { parseCallEvent } from '../events/call-event';
import { metered, type Meter } from '../platform/metered';
import type { HandlerOutcome, Platform } from '../ports';
import { createStore, StoreError, type AppState } from '../state/store';
import type { CallInput } from './call-input';
import type { SyncDeps } from './deps';
import { outcome, renderOutcome, isError, type RunOutcome } from './outcome';
import { runPipeline } from './pipeline';
import { triageCallEvent } from './triage';

/** A malformed payload's call is read again from Freshcaller this much later. */
const REPLAY_REJECTED_MS = 60000;

export async function handleCallEvent(event: string, payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  const parsed = parseCallEvent(payload);
  if (!parsed.ok) return rejectPayload(event, parsed.callId, parsed.failedPaths, platform);
  const call = parsed.event.data.call;
  const { platform: counted, meter, countRequest } = metered(platform);
  const deps = syncDeps(counted, parsed.event.iparams, countRequest);
  const triage = triageCallEvent(call, parsed.event.data.changes, deps.settings);
  const context = summariseCall(call);
  if (triage.kind === 'nothing') {
    log(platform, event, outcome('skipped', call.id, { detail: triage.reason }), context);
    return {};
  }
  const waiting = deps.settings.noteTiming === 'complete' ? await leaveToCompleteNote(triage.input.rootId, call.id, deps) : null;
  const result = waiting || (await syncTriaged(triage.input, call.id, deps, meter, triage.justEnded));
  log(platform, event, result, context);
  return {};
}

/** note_timing complete: the event's facts are left to the call's deferred note run (deferred/complete-note.ts). */
async function leaveToCompleteNote(rootId: string, callId: string, deps: SyncDeps): Promise<RunOutcome | null> {
  const wait = await waitForCompleteNote(deps, rootId, callId);
  if (wait === 'unavailable') return null;
  return outcome('scheduled', rootId, { detail: wait === 'scheduled' ? 'the complete note is written at ' + new Date(deps.now() + MIN_SCHEDULE_AHEAD_MS).toISOString() : 'left to the complete note already scheduled' });
}

/** The pipeline, what it leaves for later, and a share of queued work when the call was synced. */
async function syncTriaged(input: CallInput, callId: string, deps: SyncDeps, meter: Meter, createFirst: boolean): Promise<RunOutcome> {
  try {
    const run = await runPipeline(input, deps, { createFirst });
    const later = await afterRun(run, callId, null, deps);
    if (run.code === 'synced') later.push((await takeSomePendingWork(deps, meter, run.app)) || '');
    return Object.assign({}, run, { detail: [run.detail].concat(later).filter((part) => !!part).join('; ') || null });
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    return outcome('storage_deferred', input.rootId, { detail: err.message + '; ' + (await deferUnread(callId, deps)) });
  }
}

/**
 * A payload the app cannot read is logged by its failing paths (never its values), recorded
 * without personal data for the sidebar, and its call is read again from Freshcaller later.
 */
async function rejectPayload(event: string, callId: string | null, paths: string[], platform: Platform): Promise<HandlerOutcome> {
  const deps = syncDeps(platform, null);
  const detail = ['invalid at ' + paths.slice(0, 10).join(', ')];
  try {
    await deps.store.recordRejectedPayload(callId, event, paths, platform.now());
    if (callId) detail.push('replay ' + (await replayLater(callId, deps)));
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    detail.push(err.message + (callId ? '; ' + (await deferUnread(callId, deps)) : ''));
  }
  log(platform, event, outcome('rejected', callId, { detail: detail.join('; ') }));
  return {};
}

function replayLater(callId: string, deps: SyncDeps): Promise<string> {
  const now = deps.now();
  return enqueue(deps, { call: callId, kind: 'retry', due: now + REPLAY_REJECTED_MS, attempts: 0, since: now });
}

/** A busy account catches up without waiting for the schedule: a synced event takes a little pending work. */
async function takeSomePendingWork(deps: SyncDeps, meter: Meter, app: AppState | null): Promise<string | null> {
  try {
    const report = await takePendingWork(deps, meter, EVENT_DRAIN, app);
    return report ? 'queued work: ran ' + report.ran + ', left ' + report.left : null;
  } catch (err) {
    // The event's own call is saved; the queue waits for the next drain.
    if (!(err instanceof StoreError)) throw err;
    return null;
  }
}

function log(platform: Platform, source: string, result: RunOutcome, context?: string): void {
  const line = renderOutcome(source, result, context);
  if (isError(result)) platform.logger.error(line);
  else platform.logger.info(line);
}

export function syncDeps(platform: Platform, iparams: unknown, countRequest?: () => void): SyncDeps {
  return {
    chat: createFreshchatClient(platform.request, countRequest),
    caller: createFreshcallerClient(platform.request, countRequest),
    store: createStore(platform.db),
    schedule: platform.schedule,
    logger: platform.logger,
    settings: readSettings(iparams),
    now: () => platform.now(),
  };
}
