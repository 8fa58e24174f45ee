import type { HandlerOutcome, Platform } from '../ports';
import { syncDeps } from '../sync/handle-call-event';
import { runDeferredWork } from '../sync/handle-scheduled-event';

/** Deferred work this app scheduled: a replay of a call, or a last look for a CSAT rating. */
export async function onScheduledEvent(payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  const body = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const result = await runDeferredWork(body.data, syncDeps(platform, body.iparams));
  platform.logger.info('onScheduledEvent: ' + result);
  return {};
}
