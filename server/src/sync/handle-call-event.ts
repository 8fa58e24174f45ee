// parse → decide → act for onCallCreate and onCallUpdate.
import { createFreshcallerClient } from '../clients/freshcaller';
import { createFreshchatClient } from '../clients/freshchat';
import { readSettings } from '../domain/settings';
import { summariseCall } from '../domain/summarise-call';
import { parseCallEvent } from '../events/call-event';
import type { HandlerOutcome, Platform } from '../ports';
import { createCallStore } from '../state/call-store';
import type { SyncDeps } from './deps';
import { syncCall } from './sync-call';
import { triageCallEvent } from './triage';

export async function handleCallEvent(event: string, payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  const parsed = parseCallEvent(payload);
  if (!parsed.ok) {
    platform.logger.error(event + ': payload rejected for call ' + (parsed.callId || 'unknown') + '; invalid at ' + parsed.failedPaths.join(', '));
    // Recorded without personal data so it can be seen and replayed from Freshcaller.
    await createCallStore(platform.db).recordRejectedPayload(parsed.callId, event, parsed.failedPaths, platform.now());
    return {};
  }
  const call = parsed.event.data.call;
  const deps = syncDeps(platform, parsed.event.iparams);
  const triage = triageCallEvent(call, parsed.event.data.changes, deps.settings);
  if (triage.kind === 'nothing') {
    platform.logger.info(event + ': ' + summariseCall(call) + ' · ' + triage.reason);
    return {};
  }
  const result = await syncCall(triage, deps);
  const line = event + ': ' + summariseCall(call) + ' · ' + triage.outcome + ' · ' + result.text;
  if (result.failed) platform.logger.error(line);
  else platform.logger.info(line);
  return {};
}

export function syncDeps(platform: Platform, iparams: unknown): SyncDeps {
  return {
    chat: createFreshchatClient(platform.request),
    caller: createFreshcallerClient(platform.request),
    store: createCallStore(platform.db),
    schedule: platform.schedule,
    logger: platform.logger,
    settings: readSettings(iparams),
    now: () => platform.now(),
  };
}
