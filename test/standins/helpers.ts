import type { FreshcallerStandin, FreshchatStandin } from '../../tools/standins';

export const CHAT_TOKEN = 'chat-token-for-tests';
export const CALLER_KEY = 'caller-key-for-tests';

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A JSON request to the Freshchat stand-in with the right Bearer token unless `headers` overrides it ('' sends an empty header: "missing"). */
export async function chat(standin: FreshchatStandin, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: `Bearer ${CHAT_TOKEN}`, Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(standin.url + path, {
    method: init.method || 'GET',
    headers: { ...headers, ...(init.headers || {}) },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  return reply(response);
}

export async function caller(standin: FreshcallerStandin, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'X-Api-Auth': CALLER_KEY, Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(standin.url + path, {
    method: init.method || 'GET',
    headers: { ...headers, ...(init.headers || {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return reply(response);
}

/** The body as a record, for reading fields in assertions. */
export function obj(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function list(value: unknown, key: string): Record<string, unknown>[] {
  const items = obj(value)[key];
  if (!Array.isArray(items)) throw new Error(`${key} is not an array`);
  return items as Record<string, unknown>[];
}

export function lastRequest(standin: FreshchatStandin | FreshcallerStandin) {
  const last = standin.requests[standin.requests.length - 1];
  if (!last) throw new Error('no request recorded');
  return last;
}

/** A clock tests move by hand. Starts on a minute boundary: 2024-05-14T15:00:00Z. */
export function manualClock(start = Date.UTC(2024, 4, 14, 15, 0, 0)) {
  let time = start;
  return {
    now: () => time,
    set: (t: number) => { time = t; },
    advance: (ms: number) => { time += ms; },
  };
}
