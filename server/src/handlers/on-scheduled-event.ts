import { readScheduledWork, runScheduledWork } from '../deferred/run-drain';
import { metered } from '../platform/metered';
import type { HandlerOutcome, Platform } from '../ports';
import { StoreError } from '../state/store';
import { syncDeps } from '../sync/handle-call-event';
import { outcome, renderOutcome, type RunOutcome } from '../sync/outcome';

/**
 * Deferred work: the recurring drain and its kicks, an overflow schedule's calls. A storage
 * refusal (budget spent) ends the run early and loses nothing: a schedule's own calls are passed
 * on to later schedules (run-drain.ts), and the queue is still there for the next drain, which
 * the recurring schedule brings within 5 minutes.
 */
export async function onScheduledEvent(payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  const body = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const work = readScheduledWork(body.data);
  const { platform: counted, meter, countRequest } = metered(platform);
  let result: RunOutcome;
  if (!work) result = outcome('skipped', null, { detail: 'not work this app scheduled' });
  else {
    try {
      result = await runScheduledWork(work, syncDeps(counted, body.iparams, countRequest), meter);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      result = outcome('storage_deferred', null, { detail: err.message + '; the next drain goes on' });
    }
  }
  const line = renderOutcome('onScheduledEvent', result) + ' · ' + meter.requests + ' requests, ' + meter.dbOps + ' storage ops';
  if (result.code === 'storage_deferred') platform.logger.error(line);
  else platform.logger.info(line);
  return {};
}
