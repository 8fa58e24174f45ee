// The platform client the sidebar uses (docs/platform.md "Front end"), typed to what this app
// calls, and the one place that calls server methods and shows notices.
import { describeRejection, notice, type Notice, type Problem } from './view/errors';

export interface Client {
  events: { on(name: string, callback: (event?: unknown) => void): void };
  instance: {
    context(): Promise<{ location?: string }>;
    resize(size: { height: string }): unknown;
  };
  data: { get(name: string): Promise<Record<string, unknown>> };
  request: { invoke(name: string, args: Record<string, unknown>): Promise<{ response: unknown }> };
  interface: { trigger(name: string, options: Record<string, unknown>): Promise<unknown> };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Mirrors notices into the page's live region, so a screen reader (and a failed notify) still gets them. */
export function announce(message: string): void {
  const region = document.getElementById('announce');
  if (region) region.textContent = message;
}

/** showNotify with the platform's types and limits; if the host refuses it, the text stays in the page. */
export function notify(client: Client, n: Notice): Promise<void> {
  const clipped = notice(n.type, n.title, n.message);
  announce(clipped.title + ': ' + clipped.message);
  return client.interface
    .trigger('showNotify', { type: clipped.type, title: clipped.title, message: clipped.message })
    .then(() => undefined)
    .catch((err: unknown) => announce(clipped.message + ' (notice not shown: ' + String(err) + ')'));
}

/**
 * Calls a server method. Never rejects: a refusal (renderData error, 429 budget, 504 timeout)
 * is shown to the agent as a notice and comes back as a Problem for the panel's error state.
 */
export function callServer<T>(client: Client, name: string, args: Record<string, unknown>, read: (value: unknown) => T): Promise<Outcome<T>> {
  return client.request
    .invoke(name, args)
    .then((answer): Outcome<T> => ({ ok: true, value: read(answer ? answer.response : undefined) }))
    .catch((err: unknown): Promise<Outcome<T>> => {
      const problem = describeRejection(err);
      return notify(client, problem).then((): Outcome<T> => ({ ok: false, problem }));
    });
}

/** Reads one of client.data.get's wrapped results (`{ currentCall: {...} }`), or null. */
export function readData(client: Client, name: string): Promise<Record<string, unknown> | null> {
  return client.data.get(name).then((data) => {
    const value = data ? data[name] : null;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  });
}

const MAX_HEIGHT = 700;
const MIN_HEIGHT = 120;

/** The height to ask for: the content's, within the platform's 700 px. */
export function panelHeight(contentHeight: number): number {
  return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(contentHeight)));
}
