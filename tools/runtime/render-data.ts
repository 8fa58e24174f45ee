// Completion as the platform sees it (docs/platform.md "Loading server.js"): the platform does not await the handler; renderData signals the end. So a handler calls
// renderData() exactly once, after every promise it started has settled, and nothing runs after
// it. These are the rules about renderData and the problems reported when one is broken: never
// called, called twice, work started after it, promises left floating, arguments the platform
// cannot pass on.

import { describeThrown } from './errors';
import type { InvocationKind } from './invocation';
import type { StartedCall } from './platform-calls';

/** "renderData({ message }) (60 characters at most) blocks it [the install]". */
export const MAX_INSTALL_MESSAGE_LENGTH = 60;

/** How an invocation's waiting ended, for RenderDataCalls.conclude. */
export interface Ending {
  /** The time limit passed before the invocation could make no more progress. */
  timedOut: boolean;
  limitMs: number;
  /** What the limit applies to, e.g. 'product and scheduled events'. */
  limitOf: string;
  /** Labels of the platform calls still running. */
  running: string[];
  /** Every platform call the app started. */
  started: readonly StartedCall[];
}

/** One invocation's renderData calls and the completion rules about them. */
export class RenderDataCalls {
  count = 0;
  /** What the first call passed (JSON copies, as the platform passes them on). */
  first?: { error: unknown; data: unknown };
  /** onAppInstall only: the message the install is blocked with (renderData({ message })). */
  installBlocked?: string;

  constructor(
    private readonly kind: InvocationKind,
    private readonly event: string | null,
    private readonly problem: (message: string) => void,
  ) {}

  get called(): boolean {
    return this.count > 0;
  }

  /** The app called renderData(...args) while its invocation runs; `running`: platform calls not settled yet. */
  receive(args: unknown[], running: string[]): void {
    this.count++;
    if (this.count > 1) {
      this.problem('called renderData more than once; the platform uses the first call and ignores the rest');
      return;
    }
    if (running.length > 0) {
      this.problem(
        `called renderData while platform work was still running (${running.join(', ')}); await every call before renderData, code after it may never run`,
      );
    }
    const [error, data] = args;
    this.first = { error: this.toHost(error, 'error'), data: this.toHost(data, 'data') };
    if (error !== undefined && error !== null && typeof error !== 'object') {
      this.problem('renderData was given an error that is not an object; pass { status, message }');
    }
    if (this.kind === 'install' && error !== undefined && error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message !== 'string') {
        this.problem('renderData blocked the install without a message; pass { message } (60 characters at most)');
      } else if (message.length > MAX_INSTALL_MESSAGE_LENGTH) {
        this.problem(`renderData's install message is ${message.length} characters; the platform allows at most ${MAX_INSTALL_MESSAGE_LENGTH}`);
      }
      if (this.event === 'onAppInstall') this.installBlocked = typeof message === 'string' ? message : '';
    }
  }

  /** "Code after renderData may never run": a platform call started after it is reported, and not performed. */
  workAfter(label: string): void {
    this.problem(`started ${label} after calling renderData; the platform may never run code after renderData, so it was not performed`);
  }

  /** The invocation is over: renderData never called or called with work still running, promises left floating. */
  conclude(ending: Ending): void {
    if (ending.timedOut) {
      const seconds = ending.limitMs / 1000;
      if (!this.called) {
        this.problem(`did not call renderData within ${seconds} s, the platform's time limit for ${ending.limitOf}`);
      } else {
        this.problem(`platform work was still running at the ${seconds} s time limit: ${ending.running.join(', ')}`);
      }
    } else if (!this.called) {
      this.problem(
        'finished without calling renderData: every handler must call renderData() exactly once, after all its work has settled (the platform waits until its time limit otherwise)',
      );
    }
    // "every promise awaited, none left floating"
    for (const c of ending.started) {
      if (c.subscribed()) continue;
      this.problem(
        c.rejection === undefined
          ? `started ${c.label} without awaiting or handling its promise (a floating promise)`
          : `started ${c.label} without awaiting or handling its promise, and it rejected: ${describeThrown(c.rejection)}`,
      );
    }
  }

  private toHost(value: unknown, what: string): unknown {
    if (value === undefined) return undefined;
    if (Object.prototype.toString.call(value) === '[object Error]') {
      const e = value as Error & { status?: unknown };
      this.problem(`renderData's ${what} is an Error instance; the platform serialises it as JSON, which drops its message: pass { status, message }`);
      const out: Record<string, unknown> = { name: e.name, message: e.message };
      if (e.status !== undefined) out.status = e.status;
      return out;
    }
    try {
      const text = JSON.stringify(value);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch (e) {
      this.problem(`renderData's ${what} cannot be serialised as JSON: ${describeThrown(e)}`);
      return String(value);
    }
  }
}
