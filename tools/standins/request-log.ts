import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters as sent (strings; repeated names give arrays). */
  query: Record<string, string | string[]>;
  /** Lower-cased header names; credentials redacted. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  /** The status answered; 0 when a `reset` fault destroyed the connection instead. */
  status: number;
  /** Why the request broke the contract: schema errors with instance paths, unknown route, auth. */
  violations: string[];
  /** `now()` when the request arrived. */
  at: number;
  /** OpenAPI / reference operationId of the matched route. */
  operationId?: string;
  /** True when an injected fault answered (or reset the connection). */
  fault?: boolean;
  /** A `reset` fault destroyed the connection: no answer went out. */
  reset?: boolean;
  /** `afterAction` faults: the status of the stand-in's own answer, given after acting and then lost. */
  servedStatus?: number;
}

export const REDACTED = '[REDACTED]';

/** Credentials never reach the request log: the log is shown on the admin page and in test output. */
const SECRET_HEADERS = new Set(['authorization', 'x-api-auth', 'cookie', 'proxy-authorization']);

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (!SECRET_HEADERS.has(name)) {
      out[name] = text;
      continue;
    }
    const scheme = /^(Bearer|Basic|Token)\s/i.exec(text);
    out[name] = scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
  }
  return out;
}

export function rawQuery(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = values.length === 1 ? values[0] || '' : values;
  }
  return out;
}
