// The Freshchat `conversation_user_info` controller: one getConversationCalls per conversation
// opened, cached for the session (cache.ts). Never reads the call side's store: the calls come
// from the conversation's own notes (docs/architecture.md "The sidebar").
import type { ConversationCalls } from '../../server/src/methods/contract';
import { dropCached, readCached, writeCached } from './cache';
import { callServer, readData, type Client } from './client';
import { button } from './dom/card';
import { replace } from './dom/el';
import { paneNodes } from './dom/pane';
import { emptyState, errorState, loadingState } from './dom/states';
import { paneModel } from './view/pane-view';
import { conversationIdOf, readConversationCalls } from './parse';

export interface PaneState {
  client: Client;
  root: HTMLElement;
  conversationId: string | null;
  loading: boolean;
  loadedAt: number;
}

export function paneState(client: Client, root: HTMLElement): PaneState {
  return { client, root, conversationId: null, loading: false, loadedAt: 0 };
}

export function readConversationId(state: PaneState): Promise<string | null> {
  return readData(state.client, 'conversation').then(conversationIdOf);
}

function draw(state: PaneState, calls: ConversationCalls): void {
  replace(state.root, paneNodes(paneModel(calls), () => refresh(state)));
}

/** Shows the calls of `conversationId`: from the session cache, else with one server-method call. */
export function loadPane(state: PaneState, conversationId: string | null): Promise<void> {
  if (!conversationId) {
    replace(state.root, [emptyState('No conversation is open.')]);
    return Promise.resolve();
  }
  if (state.loading && state.conversationId === conversationId) return Promise.resolve();
  state.conversationId = conversationId;
  const cached = readCached(conversationId);
  if (cached) {
    draw(state, cached);
    return Promise.resolve();
  }
  replace(state.root, [loadingState('Loading the calls of this conversation')]);
  state.loading = true;
  return callServer(state.client, 'getConversationCalls', { conversationId }, readConversationCalls).then((outcome) => {
    state.loading = false;
    state.loadedAt = Date.now();
    if (state.conversationId !== conversationId) return; // the agent moved on meanwhile
    if (outcome.ok) {
      writeCached(conversationId, outcome.value);
      draw(state, outcome.value);
    } else {
      replace(state.root, [errorState(outcome.problem, button('Try again', 'secondary', () => loadPane(state, conversationId)))]);
    }
  });
}

/** The agent's Refresh: drops this conversation's cached answer and reads it again. */
export function refresh(state: PaneState): Promise<void> {
  if (!state.conversationId) return Promise.resolve();
  dropCached(state.conversationId);
  return loadPane(state, state.conversationId);
}
