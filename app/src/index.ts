// The sidebar's entry (built into app/scripts/app.js): one front end, two placements.
//
// Start-up: the platform's app.activated can fire before a listener registered late (after
// app.initialized() resolved and the placement was read) ever hears it, so the sidebar does
// not wait for it: it renders once as soon as it is initialized, and again on every
// app.activated. An activation for the same call or conversation while its first load is
// still under way, or just after it, is the same opening and is folded (view/opening.ts;
// docs/platform.md "Front end").
import { announce, panelHeight, type Client } from './client';
import { cardState, loadCard, readCallId, type CardState } from './card';
import { errorState } from './dom/states';
import { replace } from './dom/el';
import { describeRejection } from './view/errors';
import { isSameOpening } from './view/opening';
import { loadPane, paneState, readConversationId, type PaneState } from './pane';

declare const app: { initialized(): Promise<Client> };

type Placement = 'conversation_card' | 'conversation_user_info';

interface Sizing {
  height: number;
}

/** Keeps the frame as tall as its content, at most 700 px (client.instance.resize). */
function watchHeight(client: Client, root: HTMLElement): void {
  const sizing: Sizing = { height: 0 };
  const fit = (): void => {
    const height = panelHeight(root.getBoundingClientRect().height + 24);
    if (height === sizing.height) return;
    sizing.height = height;
    Promise.resolve(client.instance.resize({ height: height + 'px' })).catch((err: unknown) =>
      root.setAttribute('data-resize-error', String(err)),
    );
  };
  new ResizeObserver(fit).observe(root);
  fit();
}

function placementOf(client: Client): Promise<Placement> {
  return client.instance
    .context()
    .then((context) => (context ? context.location : undefined))
    .catch((err: unknown) => {
      document.body.setAttribute('data-context-error', String(err));
      return undefined;
    })
    .then((location) => {
      if (location === 'conversation_card' || location === 'conversation_user_info') return location;
      // no usable context: the card's data has a currentCall, the pane's has not
      return client.data.get('currentCall').then(
        (): Placement => 'conversation_card',
        (): Placement => 'conversation_user_info',
      );
    });
}

function activateCard(state: CardState, force: boolean): Promise<void> {
  return readCallId(state).then((callId) => {
    if (!force && isSameOpening(state.callId, callId, state.loading, state.loadedAt, Date.now())) return undefined;
    return loadCard(state, callId);
  });
}

function activatePane(state: PaneState): Promise<void> {
  return readConversationId(state).then((id) => {
    if (isSameOpening(state.conversationId, id, state.loading, state.loadedAt, Date.now())) return undefined;
    return loadPane(state, id);
  });
}

function showFailure(root: HTMLElement, err: unknown): void {
  const problem = describeRejection(err);
  announce(problem.message);
  replace(root, [errorState(problem, null)]);
}

function startCard(client: Client, root: HTMLElement): Promise<void> {
  const state = cardState(client, root);
  const run = (force: boolean): Promise<void> => activateCard(state, force).catch((err: unknown) => showFailure(root, err));
  client.events.on('app.activated', () => run(false));
  // the call's outcome is written once it ends: read the card again
  client.events.on('call.ended', () => run(true));
  return run(false);
}

function startPane(client: Client, root: HTMLElement): Promise<void> {
  const state = paneState(client, root);
  const run = (): Promise<void> => activatePane(state).catch((err: unknown) => showFailure(root, err));
  client.events.on('app.activated', run);
  return run();
}

function start(client: Client): Promise<void> {
  const root = document.getElementById('panel') as HTMLElement;
  watchHeight(client, root);
  return placementOf(client).then((placement) => {
    document.body.setAttribute('data-placement', placement);
    return placement === 'conversation_card' ? startCard(client, root) : startPane(client, root);
  });
}

app
  .initialized()
  .then(start)
  .catch((err: unknown) => showFailure(document.getElementById('panel') as HTMLElement, err));
