// Deferred work: a call event that lost the race for its call (replay from Freshcaller's
// current view of the call) or a CSAT survey that was still open (look once more, then stop).
import { mapCsat } from '../domain/csat';
import { renderFollowUp } from '../domain/render-note';
import { callSchema } from '../events/call-event';
import type { CallRecord } from '../state/call-record';
import { readDeferredWork, scheduleFollowUpWork, type DeferredWork } from './deferred';
import type { SyncDeps } from './deps';
import { syncCall } from './sync-call';
import { triageCallEvent } from './triage';

export function runDeferredWork(data: unknown, deps: SyncDeps): Promise<string> {
  const work = readDeferredWork(data);
  if (!work) return Promise.resolve('not work this app scheduled; ignored');
  if (work.kind === 'replay') return replayCall(work, deps);
  return recheckCsat(work, deps);
}

async function replayCall(work: DeferredWork, deps: SyncDeps): Promise<string> {
  const raw = await deps.caller.getCall(work.callId);
  const parsed = raw ? callSchema.safeParse(raw) : null;
  if (!parsed || !parsed.success) return 'call ' + work.callId + ' could not be read from Freshcaller; replay dropped';
  const triage = triageCallEvent(parsed.data, null, deps.settings);
  if (triage.kind === 'nothing') return 'call ' + work.callId + ': ' + triage.reason;
  return 'call ' + work.callId + ': ' + (await syncCall(triage, deps)).text;
}

async function recheckCsat(work: DeferredWork, deps: SyncDeps): Promise<string> {
  const record = await deps.store.read(work.callId);
  if (!record || record.csat !== 'waiting' || !record.conversationId) return 'call ' + work.callId + ': no CSAT to look for';
  if (!(await deps.store.claim(work.callId, record.v))) {
    // Another event holds the call: this look is postponed, not spent (the rating must not be lost).
    return 'call ' + work.callId + ': busy; CSAT check ' + (await scheduleFollowUpWork(deps, 'csat', work.callId));
  }
  const next: CallRecord = JSON.parse(JSON.stringify(record)) as CallRecord;
  next.v = record.v + 1;
  const result = await lookOnceMore(work.callId, next, deps);
  await deps.store.write(work.callId, next);
  return 'call ' + work.callId + ': ' + result;
}

/** The last look: a rating now is delivered; none means the caller left the survey. */
async function lookOnceMore(callId: string, record: CallRecord, deps: SyncDeps): Promise<string> {
  const metrics = await deps.caller.getCallMetrics(callId);
  const mapped = metrics && metrics.csat ? mapCsat(metrics.csat.outcome, deps.settings.csatScale) : null;
  if (!mapped) {
    record.csat = 'gave_up';
    return 'no CSAT came in; stopped looking';
  }
  record.csatRating = mapped.rating;
  record.csatKey = mapped.key;
  return deliverLateCsat(callId, record, mapped, deps);
}

async function deliverLateCsat(callId: string, record: CallRecord, csat: { key: number; rating: number }, deps: SyncDeps): Promise<string> {
  const conversationId = record.conversationId as string;
  // Follow-ups reuse the summary's author (call-record.ts actorId), like every other follow-up.
  const actorId = record.actorId || deps.settings.defaultAgentId;
  await deps.chat.postPrivateNote(conversationId, actorId, renderFollowUp(callId, [{ kind: 'csat', csat }]));
  if (deps.settings.resolvePolicy === 'answered' && record.resolved) {
    await deps.chat.postCsat(conversationId, csat.rating);
    record.csat = 'posted';
    return 'CSAT ' + csat.rating + '/5 posted';
  }
  record.csat = 'noted';
  return 'CSAT ' + csat.rating + '/5 noted';
}

