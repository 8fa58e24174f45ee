import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-error';
import type { Contract, ContractCheck } from './contract';
import { FaultQueue, type FaultSpec } from './faults';
import { FixedWindowLimiter, type RateWindow } from './rate-limiter';
import { rawQuery, redactHeaders, type RecordedRequest } from './request-log';

/** Options both stand-ins take. */
export interface StandinOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** The credential the stand-in accepts (Freshchat Bearer token / Freshcaller X-Api-Auth key). */
  apiKey?: string;
  /** Clock for rate-limit windows and created/updated times; default Date.now. */
  now?: () => number;
  /** Requests allowed per window before 429. */
  rateLimitPerMinute?: number;
  /** Window length; default 60 000 ms. */
  rateLimitWindowMs?: number;
  /** One line per request: product, method, route template, status. Never ids in queries, bodies or credentials. */
  log?: (line: string) => void;
}

export interface HandlerContext {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Parsed JSON body, already checked against the operation's schema (handlers cast it to its type). */
  body: unknown;
  now: number;
  /** Request path without the query string. */
  path: string;
  rawQuery: URLSearchParams;
  /** The stand-in's own base URL, e.g. http://127.0.0.1:34567. */
  baseUrl: string;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

/** An answer about to go out. */
interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface ErrorDetails {
  code?: string;
  violations?: string[];
}

/** What differs between the two products. */
export interface ProductProfile {
  name: 'freshchat' | 'freshcaller';
  contract: Contract;
  handlers: Record<string, Handler>;
  /** Null when the request carries the right credentials, else the violation. */
  checkAuth(headers: IncomingHttpHeaders): string | null;
  errorBody(status: number, message: string, details?: ErrorDetails): unknown;
  rateLimitHeaders(window: RateWindow, usedByThisRequest: number): Record<string, string>;
  snapshot(): unknown;
}

const MAX_BODY_BYTES = 1024 * 1024;

export class StandinServer {
  /** Every API request, in the order the answers went out. Admin requests are not recorded. */
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly faults = new FaultQueue();
  private readonly limiter: FixedWindowLimiter;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private address?: AddressInfo;

  constructor(private readonly profile: ProductProfile, private readonly options: StandinOptions, defaultRateLimit: number) {
    this.now = options.now || Date.now;
    this.log = options.log || (() => undefined);
    this.limiter = new FixedWindowLimiter(options.rateLimitPerMinute || defaultRateLimit, options.rateLimitWindowMs || 60_000);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.crash(res, err));
    });
  }

  get url(): string {
    if (!this.address) throw new Error(`${this.profile.name} stand-in is not listening; await listen() first`);
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  get port(): number {
    if (!this.address) throw new Error(`${this.profile.name} stand-in is not listening; await listen() first`);
    return this.address.port;
  }

  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port || 0, this.options.host || '127.0.0.1', () => {
        this.server.off('error', reject);
        this.address = this.server.address() as AddressInfo;
        resolve(this.url);
      });
    });
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      // fetch keeps connections alive; without this close() waits for them to time out.
      this.server.closeAllConnections();
    });
  }

  injectFault(fault: FaultSpec): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Starts a fresh rate-limit window: the whole budget is available again. */
  resetRateLimit(): void {
    this.limiter.reset();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url || '/', 'http://stand-in');
    const method = (req.method || 'GET').toUpperCase();
    if (url.pathname.startsWith('/__admin/')) return this.admin(method, url.pathname, res);

    const at = this.now();
    const check = this.profile.contract.check({
      method, path: url.pathname, query: url.searchParams, rawBody, contentType: req.headers['content-type'],
    });
    const record: RecordedRequest = {
      method, path: url.pathname, query: rawQuery(url.searchParams), headers: redactHeaders(req.headers),
      body: check.body === undefined ? undefined : structuredClone(check.body), status: 0,
      violations: [...check.violations], at,
      operationId: check.operation ? check.operation.operationId : undefined,
    };
    const template = check.operation ? check.operation.template : '(unknown route)';
    const deliver = (answer: Answer | 'reset'): void => {
      this.requests.push(record);
      const count = record.violations.length;
      const acted = record.servedStatus === undefined ? '' : ` (after acting: ${record.servedStatus})`;
      const outcome = answer === 'reset' ? 'connection reset' : String(answer.status);
      this.log(`${this.profile.name} ${method} ${template} -> ${outcome}${acted}${count ? ` (${count} violation${count > 1 ? 's' : ''})` : ''}`);
      if (answer === 'reset') {
        record.reset = true;
        req.socket.destroy();
        return;
      }
      record.status = answer.status;
      writeJson(res, answer.status, answer.body, answer.headers);
    };

    // A fault answers before the request is served, or (afterAction) after it was served.
    const fault = this.faults.take(method, url.pathname);
    if (fault && !fault.afterAction) {
      if (fault.delayMs) await this.sleep(fault.delayMs);
      const replaced = this.faultAnswer(fault, record);
      if (replaced) return deliver(replaced);
    }
    const answer = this.serve(req, url, check, record, at);
    if (fault && fault.afterAction) {
      record.servedStatus = answer.status;
      // Held back: the answer as it was when served, not the state when it goes out.
      answer.body = structuredClone(answer.body);
      if (fault.delayMs) await this.sleep(fault.delayMs);
      const replaced = this.faultAnswer(fault, record);
      if (replaced) return deliver(replaced);
    }
    return deliver(answer);
  }

  /** What a fault answers instead of the stand-in, if anything (a delay-only fault answers nothing itself). */
  private faultAnswer(fault: FaultSpec, record: RecordedRequest): Answer | 'reset' | undefined {
    if (!fault.reset && fault.status === undefined) return undefined;
    record.fault = true;
    if (fault.reset) return 'reset';
    const status = fault.status as number;
    const headers = this.profile.rateLimitHeaders(this.limiter.peek(this.now()), 0);
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    const body = fault.body !== undefined ? fault.body : this.profile.errorBody(status, `injected fault: ${status}`);
    return { status, body, headers };
  }

  /** The stand-in's own answer: credentials, rate limit, contract, then the operation's handler (with its effects). */
  private serve(req: IncomingMessage, url: URL, check: ContractCheck, record: RecordedRequest, at: number): Answer {
    const authViolation = this.profile.checkAuth(req.headers);
    if (authViolation) {
      record.violations.unshift(authViolation);
      const headers = this.profile.rateLimitHeaders(this.limiter.peek(this.now()), 0);
      return { status: 401, body: this.profile.errorBody(401, authViolation), headers };
    }

    const decision = this.limiter.take(this.now());
    if (!decision.allowed) {
      const headers = this.profile.rateLimitHeaders(decision.window, 0);
      headers['Retry-After'] = String(decision.retryAfterSeconds);
      return { status: 429, body: this.profile.errorBody(429, `rate limit of ${decision.window.limit} requests exceeded`), headers };
    }
    const headers = this.profile.rateLimitHeaders(decision.window, 1);

    if (check.violations.length > 0 || !check.operation) {
      const status = check.unknownRoute ? 404 : 400;
      return { status, body: this.profile.errorBody(status, check.violations.join('; '), { violations: check.violations }), headers };
    }

    const handler = this.profile.handlers[check.operation.operationId];
    if (!handler) return { status: 501, body: this.profile.errorBody(501, `${check.operation.operationId} is not implemented`), headers };
    try {
      const result = handler({
        params: check.params, query: check.query, body: check.body, now: at,
        path: url.pathname, rawQuery: url.searchParams, baseUrl: this.url,
      });
      return { status: result.status, body: result.body, headers };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { status: err.status, body: this.profile.errorBody(err.status, err.message, { code: err.code }), headers };
    }
  }

  private admin(method: string, path: string, res: ServerResponse): void {
    // Read by the local demo page, which is served from another port.
    const cors = { 'Access-Control-Allow-Origin': '*' };
    if (method === 'GET' && path === '/__admin/state') return writeJson(res, 200, this.profile.snapshot(), cors);
    if (method === 'GET' && path === '/__admin/requests') return writeJson(res, 200, this.requests, cors);
    writeJson(res, 404, { message: 'admin routes: GET /__admin/state, GET /__admin/requests' }, cors);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private crash(res: ServerResponse, err: unknown): void {
    // The message only: a stack or request dump could carry phone numbers from bodies.
    const message = err instanceof Error ? err.message : 'unexpected failure';
    this.log(`${this.profile.name} stand-in failure: ${message}`);
    if (!res.headersSent) writeJson(res, 500, this.profile.errorBody(500, `stand-in failure: ${message}`), {});
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body over 1 MB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
