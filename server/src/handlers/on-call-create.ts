import { parseCallEvent } from '../events/call-event';
import { summariseCall } from '../domain/summarise-call';
import type { HandlerOutcome, Platform } from '../ports';

export function onCallCreate(payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  return logCallEvent('onCallCreate', payload, platform);
}

/** Parses a call event and logs one PII-free line about it; the sync itself comes later. */
export function logCallEvent(event: string, payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  const parsed = parseCallEvent(payload);
  if (!parsed.ok) {
    platform.logger.error(
      event + ': payload rejected for call ' + (parsed.callId || 'unknown') + '; invalid at ' + parsed.failedPaths.join(', '),
    );
    return Promise.resolve({});
  }
  const changes = parsed.event.data.changes ? Object.keys(parsed.event.data.changes) : [];
  const changed = changes.length ? ' · changed ' + changes.join(', ') : '';
  platform.logger.info(event + ': ' + summariseCall(parsed.event.data.call) + changed);
  return Promise.resolve({});
}
