import type { HandlerOutcome, Platform } from '../ports';
import { handleCallEvent } from '../sync/handle-call-event';

export function onCallUpdate(payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  return handleCallEvent('onCallUpdate', payload, platform);
}
