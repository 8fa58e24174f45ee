// $request.invokeTemplate as the platform runs it (docs/platform.md "Request templates"):
// declared templates only, plain-text rendering, bare-domain hosts, secure iparams in headers
// only, string bodies, retries on network errors / 429 / 5xx, 15 s default timeout, the
// 50-requests-per-minute budget and the 100 KB payload / 6 MB response limits. Requests go over
// real HTTP to whatever `hostMap` maps the rendered host to; nothing leaves the machine otherwise.

import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Clock, MinuteBudget } from './clock';
import { platformError, type PlatformError } from './errors';
import { renderTemplate, type RequestTemplate } from './template';

/** Request payload at most 100 KB, response at most 6 MB (docs/platform.md "Budgets"). */
export const MAX_REQUEST_PAYLOAD_BYTES = 100 * 1024;
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
/** Default request timeout 15 s (docs/platform.md "Request templates"). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** 50 requests a minute per app per account (docs/platform.md "Budgets"). */
export const REQUESTS_PER_MINUTE = 50;

export interface InvokeTemplateOptions {
  context?: Record<string, unknown>;
  body?: unknown;
}

export interface RequestResult {
  status: number;
  headers: Record<string, string>;
  response: string;
}

/** One invokeTemplate call as the caller of the runtime sees it afterwards. */
export interface RequestRecord {
  template: string;
  method: string;
  /** The URL the platform would call (https://<rendered host><path>?<query>); empty when rendering failed. */
  url: string;
  /** Where it was really sent (hostMap target), when it was sent. */
  sentTo?: string;
  /** Final status: the response status, 502/504 for connection failure/timeout, or the refusal's status. */
  status: number;
  /** HTTP attempts made (0 when refused before sending). */
  attempts: number;
  /** Real milliseconds spent, including real retry waits (a ManualClock skips those). */
  durationMs: number;
  ok: boolean;
  /** Request headers with every value that came from a secure iparam replaced by "[REDACTED]". */
  headers: Record<string, string>;
  errorSource?: 'APP' | 'PLATFORM';
  /** Why it failed, in plain words. */
  error?: string;
  /** Runtime clock time when the call started. */
  at: number;
}

export interface RequestClientOptions {
  templates: Record<string, RequestTemplate>;
  /** Keys of manifest `modules.common.requests`. */
  declared: ReadonlySet<string>;
  iparams: () => Record<string, unknown>;
  secureIparams: ReadonlySet<string>;
  hostMap: Record<string, string>;
  clock: Clock;
  budget: MinuteBudget;
  timeoutMs: number;
  onRecord: (record: RequestRecord) => void;
}

interface AttemptOutcome {
  status: number;
  headers: Record<string, string>;
  response: string;
  /** Set when no HTTP response came back (connection failure, timeout, oversized response). */
  failure?: string;
}

export const REDACTED = '[REDACTED]';

export class RequestClient {
  constructor(private readonly opts: RequestClientOptions) {}

  /**
   * @param sink also receives this call's record (the runtime uses it to attribute the record to
   *             the invocation that made the call).
   */
  async invokeTemplate(name: unknown, options: InvokeTemplateOptions | undefined, sink?: (record: RequestRecord) => void): Promise<RequestResult> {
    const emit = (r: RequestRecord): void => {
      this.opts.onRecord(r);
      sink?.(r);
    };
    const startedAt = this.opts.clock.now();
    const t0 = performance.now();
    const base: RequestRecord = {
      template: String(name),
      method: '',
      url: '',
      status: 0,
      attempts: 0,
      durationMs: 0,
      ok: false,
      headers: {},
      at: startedAt,
    };
    const refuse = (error: PlatformError, source: 'APP' | 'PLATFORM' = 'APP'): never => {
      emit({ ...base, status: error.status, errorSource: source, error: error.message, durationMs: performance.now() - t0 });
      throw Object.assign({}, error, { errorSource: source });
    };

    // "Every template the app invokes is declared in modules.common.requests" and exists in
    // config/requests.json; the platform refuses anything else.
    if (typeof name !== 'string' || !this.opts.declared.has(name)) {
      refuse(platformError(400, `Request template '${String(name)}' is not declared in manifest.json modules.common.requests`));
    }
    const template = this.opts.templates[name as string];
    if (!template) refuse(platformError(400, `Request template '${String(name)}' is not defined in config/requests.json`));
    const tpl = template as RequestTemplate;
    base.method = tpl.schema.method;

    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      refuse(platformError(400, 'invokeTemplate options must be an object { context, body }'));
    }
    const context = (options && options.context) ?? {};
    if (typeof context !== 'object' || context === null || Array.isArray(context)) {
      refuse(platformError(400, 'invokeTemplate context must be an object'));
    }
    const body = options ? options.body : undefined;
    // "body is a string" (the app must JSON.stringify it).
    if (body !== undefined && typeof body !== 'string') {
      refuse(platformError(400, `invokeTemplate body must be a string (JSON.stringify it), got ${Array.isArray(body) ? 'array' : typeof body}`));
    }
    const bodyBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : 0;
    if (bodyBytes > MAX_REQUEST_PAYLOAD_BYTES) {
      // Status unconfirmed: the limit is documented, the exact refusal is not.
      refuse(platformError(413, `Request payload is ${bodyBytes} bytes; the platform allows at most 100 KB`));
    }

    const rendered = renderTemplate(tpl, {
      context: context as Record<string, unknown>,
      iparams: this.opts.iparams(),
      secureIparams: this.opts.secureIparams,
    });
    if ('error' in rendered) refuse(rendered.error);
    const req = (rendered as Extract<typeof rendered, { request: unknown }>).request;
    const protocol = tpl.schema.protocol ?? 'https';
    base.url = `${protocol}://${req.host}${req.pathAndQuery}`;
    base.headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, req.secureHeaders.includes(k) ? REDACTED : v]),
    );

    const maxAttempts = tpl.options?.maxAttempts ?? 1;
    // Default retry delay when a template sets maxAttempts but no retryDelay: unconfirmed; 0.
    const retryDelay = tpl.options?.retryDelay ?? 0;
    const target = this.opts.hostMap[req.host];
    if (target !== undefined) base.sentTo = `${target.replace(/\/+$/, '')}${req.pathAndQuery}`;

    let outcome: AttemptOutcome | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // "50 requests per minute per app": every HTTP attempt counts; one over the budget is not
      // sent and fails with 429 from the platform itself.
      if (!this.opts.budget.take()) {
        base.attempts = attempts;
        refuse(
          platformError(429, `Rate limit exceeded: the platform allows ${REQUESTS_PER_MINUTE} requests per minute per app`, {
            attempts,
          }),
          'PLATFORM',
        );
      }
      attempts = attempt;
      outcome = await this.sendOnce(req.method, req.host, req.pathAndQuery, req.headers, body as string | undefined, target);
      // "options.maxAttempts 1 to 5 (retries on network errors, 429 and 5xx)"
      const retryable = outcome.status === 429 || outcome.status >= 500;
      if (!retryable || attempt === maxAttempts) break;
      if (retryDelay > 0) await this.opts.clock.sleep(retryDelay);
    }
    const out = outcome as AttemptOutcome;
    const record: RequestRecord = {
      ...base,
      status: out.status,
      attempts,
      ok: out.status < 400,
      durationMs: performance.now() - t0,
    };
    if (out.status < 400) {
      emit(record);
      return { status: out.status, headers: out.headers, response: out.response };
    }
    record.errorSource = 'APP';
    record.error = out.failure ?? `HTTP ${out.status}`;
    emit(record);
    // "A status of 400 or more rejects with { status, headers, response, errorSource: "APP",
    // attempts }; connection failure 502, timeout 504".
    const rejection: Record<string, unknown> = {
      status: out.status,
      headers: out.headers,
      response: out.response,
      errorSource: 'APP',
      attempts,
    };
    if (out.failure !== undefined) rejection.message = out.failure;
    throw rejection;
  }

  private sendOnce(
    method: string,
    host: string,
    pathAndQuery: string,
    headers: Record<string, string>,
    body: string | undefined,
    target: string | undefined,
  ): Promise<AttemptOutcome> {
    if (target === undefined) {
      // No request leaves the machine: an unmapped host behaves like an unreachable one.
      return Promise.resolve({
        status: 502,
        headers: {},
        response: '',
        failure: `Connection failed: host '${host}' is not in the runtime's hostMap`,
      });
    }
    let url: URL;
    try {
      url = new URL(`${target.replace(/\/+$/, '')}${pathAndQuery}`);
    } catch (e) {
      return Promise.resolve({ status: 502, headers: {}, response: '', failure: `Connection failed: bad URL (${(e as Error).message})` });
    }
    const lib = url.protocol === 'https:' ? https : http;
    const sendHeaders: Record<string, string> = { ...headers };
    if (!Object.keys(sendHeaders).some((h) => h.toLowerCase() === 'host')) sendHeaders.Host = host;
    if (body !== undefined) sendHeaders['Content-Length'] = String(Buffer.byteLength(body, 'utf8'));
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const finish = (o: AttemptOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      let request: http.ClientRequest;
      try {
        request = lib.request(url, { method, headers: sendHeaders, agent: false });
      } catch (e) {
        finish({ status: 502, headers: {}, response: '', failure: `Connection failed: ${(e as Error).message}` });
        return;
      }
      const timer = setTimeout(() => {
        finish({ status: 504, headers: {}, response: '', failure: `Timed out after ${this.opts.timeoutMs} ms` });
        request.destroy();
      }, this.opts.timeoutMs);
      request.on('error', (e) => finish({ status: 502, headers: {}, response: '', failure: `Connection failed: ${e.message}` }));
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            // Unconfirmed how the platform reports it; the 6 MB limit itself is documented.
            finish({ status: 502, headers: {}, response: '', failure: 'Response exceeds the 6 MB limit' });
            request.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => finish({ status: 502, headers: {}, response: '', failure: `Connection failed: ${e.message}` }));
        res.on('end', () => {
          const outHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          finish({ status: res.statusCode ?? 502, headers: outHeaders, response: Buffer.concat(chunks).toString('utf8') });
        });
      });
      if (body !== undefined) request.write(body);
      request.end();
    });
  }
}
