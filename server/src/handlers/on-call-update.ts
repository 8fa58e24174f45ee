import { logCallEvent } from './on-call-create';
import type { HandlerOutcome, Platform } from '../ports';

export function onCallUpdate(payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  return logCallEvent('onCallUpdate', payload, platform);
}
