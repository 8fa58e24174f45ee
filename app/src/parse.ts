// The server methods' answers, checked at the edge before the view logic reads them: a shape
// this panel cannot read becomes a plain-words error, never a half-drawn panel.
import type { ActionAnswer, CallSyncView, CallerConversations, ConversationCalls } from '../../server/src/methods/contract';

/** What a malformed answer is reported as (a 5xx: the app, not the agent, is at fault). */
export const UNREADABLE = { status: 502, message: 'The app answered in a form this panel cannot read.' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasArrays(value: Record<string, unknown>, keys: string[]): boolean {
  return keys.every((k) => Array.isArray(value[k]));
}

function check<T>(ok: boolean, value: unknown): T {
  if (!ok) throw UNREADABLE;
  return value as T;
}

export function isCallSyncView(value: unknown): value is CallSyncView {
  return (
    isObject(value) &&
    typeof value.callId === 'string' &&
    typeof value.status === 'string' &&
    isObject(value.link) &&
    isObject(value.csat) &&
    hasArrays(value, ['written', 'pending'])
  );
}

export function readCallSync(value: unknown): CallSyncView {
  return check<CallSyncView>(isCallSyncView(value), value);
}

export function readAction(value: unknown): ActionAnswer {
  return check<ActionAnswer>(isObject(value) && typeof value.code === 'string' && isCallSyncView(value.view), value);
}

export function readConversations(value: unknown): CallerConversations {
  return check<CallerConversations>(isObject(value) && hasArrays(value, ['conversations']), value);
}

export function readConversationCalls(value: unknown): ConversationCalls {
  return check<ConversationCalls>(isObject(value) && hasArrays(value, ['calls', 'movedAway']), value);
}

/** The call id the card is for: `currentCall.id`, a number in events and maybe a string here. */
export function callIdOf(currentCall: Record<string, unknown> | null): string | null {
  const id = currentCall ? currentCall.id : null;
  if (typeof id === 'number' && isFinite(id)) return String(id);
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

/** The conversation the pane is for: `conversation.conversation_id` first, then `id`. */
export function conversationIdOf(conversation: Record<string, unknown> | null): string | null {
  if (!conversation) return null;
  for (const key of ['conversation_id', 'id']) {
    const id = conversation[key];
    if (typeof id === 'string' && id.trim() !== '') return id.trim();
    if (typeof id === 'number' && isFinite(id)) return String(id);
  }
  return null;
}
