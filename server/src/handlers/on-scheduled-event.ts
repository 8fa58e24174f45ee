import type { HandlerOutcome, Platform } from '../ports';

/** Deferred work replays here; nothing schedules any yet. */
export function onScheduledEvent(_payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  platform.logger.info('onScheduledEvent: nothing pending');
  return Promise.resolve({});
}
