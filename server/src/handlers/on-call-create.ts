import type { HandlerOutcome, Platform } from '../ports';
import { handleCallEvent } from '../sync/handle-call-event';

export function onCallCreate(payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  return handleCallEvent('onCallCreate', payload, platform);
}
