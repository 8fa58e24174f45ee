// A server-method rejection in words an agent understands. client.request.invoke rejects with
// `{ status, message }`: the method's renderData error, or the platform's own (429 when the
// installation's 50 server-method calls a minute are spent, 504 when the method ran past its
// timeout): docs/platform.md "Server methods" and "Budgets".
import { clip } from './text';

export type NoticeType = 'info' | 'success' | 'warning' | 'danger' | 'alert';

/** What showNotify gets: one of the platform's types, title ≤ 30, message ≤ 100 characters. */
export interface Notice {
  type: NoticeType;
  title: string;
  message: string;
}

export interface Problem extends Notice {
  status: number;
  /** Trying again later may work (budget, timeout, server or network trouble). */
  transient: boolean;
}

export const TITLE_MAX = 30;
export const MESSAGE_MAX = 100;

/** A notice cut to the platform's limits. */
export function notice(type: NoticeType, title: string, message: string): Notice {
  return { type, title: clip(title, TITLE_MAX), message: clip(message, MESSAGE_MAX) };
}

function readStatus(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 0;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && isFinite(status) ? status : 0;
}

function readMessage(err: unknown): string {
  if (typeof err === 'string') return err.trim();
  if (typeof err !== 'object' || err === null) return '';
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' ? message.trim() : '';
}

interface Wording {
  title: string;
  message: string;
  transient: boolean;
}

const BY_STATUS: Record<number, Wording> = {
  429: {
    title: 'Too many requests',
    message: "This app's 50 requests a minute are used up. Try again in a minute.",
    transient: true,
  },
  504: { title: 'Timed out', message: 'The app took too long to answer. Try again in a moment.', transient: true },
  0: { title: 'No answer', message: 'The app could not be reached. Check the connection and try again.', transient: true },
};

function wording(status: number, message: string): Wording {
  const known = BY_STATUS[status];
  if (known) return known;
  if (status >= 400 && status < 500) return { title: 'Request refused', message: message || 'The app refused this request.', transient: false };
  return { title: 'Something went wrong', message: message || 'The app failed to answer. Try again in a moment.', transient: true };
}

/** What to tell the agent about a rejected server-method call. */
export function describeRejection(err: unknown): Problem {
  const status = readStatus(err);
  const w = wording(status, readMessage(err));
  const n = notice(w.transient ? 'warning' : 'danger', w.title, w.message);
  return { type: n.type, title: n.title, message: n.message, status, transient: w.transient };
}
