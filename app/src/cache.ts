// The pane's session cache: one getConversationCalls per conversation opened (the pane reloads
// for every conversation an agent opens; docs/platform.md "Front end"). sessionStorage, keyed
// by conversation id: it lasts as long as the agent's tab and is never shared.
import type { ConversationCalls } from '../../server/src/methods/contract';
import { readConversationCalls } from './parse';

export const CACHE_PREFIX = 'callsync:conversation:';

/**
 * Storage can be switched off (blocked third-party storage in the product's iframe) or full:
 * the pane then reads afresh each time. The reason is kept on the page for whoever debugs it.
 */
function cacheOff(err: unknown): null {
  document.documentElement.setAttribute('data-cache', 'off: ' + String(err));
  return null;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch (err) {
    return cacheOff(err);
  }
}

export function readCached(conversationId: string): ConversationCalls | null {
  const store = storage();
  const raw = store ? store.getItem(CACHE_PREFIX + conversationId) : null;
  if (!raw) return null;
  try {
    return readConversationCalls(JSON.parse(raw));
  } catch (err) {
    dropCached(conversationId);
    return cacheOff(err);
  }
}

export function writeCached(conversationId: string, calls: ConversationCalls): void {
  const store = storage();
  try {
    if (store) store.setItem(CACHE_PREFIX + conversationId, JSON.stringify(calls));
  } catch (err) {
    cacheOff(err);
  }
}

export function dropCached(conversationId: string): void {
  const store = storage();
  if (store) store.removeItem(CACHE_PREFIX + conversationId);
}
