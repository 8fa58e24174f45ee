// The Freshcaller `conversation_card` controller: one getCallSync per opening (and one after
// `call.ended`), Retry through retryCallSync, Re-link through listCallerConversations (on
// demand) and relinkCall. Server methods: server/src/methods/contract.ts.
import type { CallSyncView } from '../../server/src/methods/contract';
import { callServer, notify, readData, type Client } from './client';
import { button, cardNodes, pickerNodes, setBusy } from './dom/card';
import { focusEl, replace } from './dom/el';
import { emptyState, errorState, loadingState } from './dom/states';
import { actionNotice, type Action } from './view/actions';
import { cardModel } from './view/card-view';
import type { Problem } from './view/errors';
import { formatTime, pickerModel } from './view/picker';
import { callIdOf, readAction, readCallSync, readConversations } from './parse';

export interface CardState {
  client: Client;
  root: HTMLElement;
  /** The call the card is for (from currentCall), once read. */
  callId: string | null;
  view: CallSyncView | null;
  loading: boolean;
  /** Clock ms of the last answer, to fold an activation that follows the first render. */
  loadedAt: number;
  /** The conversation picked in the Re-link picker. */
  choice: string;
}

export function cardState(client: Client, root: HTMLElement): CardState {
  return { client, root, callId: null, view: null, loading: false, loadedAt: 0, choice: '' };
}

/** The card's call id, from `client.data.get('currentCall')`. */
export function readCallId(state: CardState): Promise<string | null> {
  return readData(state.client, 'currentCall').then(callIdOf);
}

function drawView(state: CardState, view: CallSyncView): void {
  state.view = view;
  state.choice = '';
  replace(state.root, cardNodes(cardModel(view), { retry: (b) => retry(state, b), openRelink: (b) => openRelink(state, b) }));
}

function drawProblem(state: CardState, problem: Problem): void {
  replace(state.root, [errorState(problem, button('Try again', 'secondary', () => loadCard(state, state.callId)))]);
}

/** Loads and draws the card for `callId`; a load already under way is not doubled. */
export function loadCard(state: CardState, callId: string | null): Promise<void> {
  if (!callId) {
    replace(state.root, [emptyState('No call is open.', 'Open a call to see what Call Sync wrote for it.')]);
    return Promise.resolve();
  }
  if (state.loading && state.callId === callId) return Promise.resolve();
  if (state.callId !== callId || !state.view) replace(state.root, [loadingState('Loading the call sync')]);
  state.callId = callId;
  state.loading = true;
  return callServer(state.client, 'getCallSync', { callId }, readCallSync).then((outcome) => {
    state.loading = false;
    state.loadedAt = Date.now();
    if (outcome.ok) drawView(state, outcome.value);
    else drawProblem(state, outcome.problem);
  });
}

function afterAction(state: CardState, action: Action, node: HTMLElement, outcome: Awaited<ReturnType<typeof runAction>>): Promise<void> {
  if (!outcome.ok) {
    setBusy(node, false);
    return Promise.resolve();
  }
  drawView(state, outcome.value.view);
  return notify(state.client, actionNotice(action, outcome.value));
}

function runAction(state: CardState, name: 'retryCallSync' | 'relinkCall', args: Record<string, unknown>) {
  return callServer(state.client, name, args, readAction);
}

export function retry(state: CardState, node: HTMLElement): Promise<void> {
  if (!state.view) return Promise.resolve();
  setBusy(node, true);
  return runAction(state, 'retryCallSync', { callId: state.view.callId }).then((o) => afterAction(state, 'retry', node, o));
}

function closePicker(state: CardState): Promise<void> {
  state.choice = '';
  const slot = state.root.querySelector('#relink');
  if (slot) replace(slot as HTMLElement, []);
  const opener = state.root.querySelector('#relink-open');
  return opener ? focusEl(opener) : Promise.resolve();
}

function choose(state: CardState, value: string): void {
  state.choice = value;
  const confirm = state.root.querySelector('#relink-confirm');
  if (confirm && value) confirm.removeAttribute('disabled');
}

function link(state: CardState, node: HTMLElement): Promise<void> {
  if (!state.view || !state.choice) return Promise.resolve();
  setBusy(node, true);
  const args = { callId: state.view.callId, conversationId: state.choice };
  return runAction(state, 'relinkCall', args).then((o) => afterAction(state, 'relink', node, o));
}

/** Lists the caller's conversations (only when asked: it costs a server-method call) and shows the picker. */
export function openRelink(state: CardState, node: HTMLElement): Promise<void> {
  if (!state.view) return Promise.resolve();
  setBusy(node, true);
  return callServer(state.client, 'listCallerConversations', { callId: state.view.callId }, readConversations).then((outcome) => {
    setBusy(node, false);
    const slot = state.root.querySelector('#relink');
    if (!outcome.ok || !slot) return;
    const handlers = { choose: (v: string) => choose(state, v), link: (b: HTMLElement) => link(state, b), cancel: () => closePicker(state) };
    replace(slot as HTMLElement, pickerNodes(pickerModel(outcome.value, formatTime), handlers));
    const select = slot.querySelector('fw-select');
    return select ? focusEl(select) : undefined;
  });
}
