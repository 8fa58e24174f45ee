// The one error type the API clients throw. Everything `$request.invokeTemplate` rejects with
// (docs/platform.md "Request templates": `{ status, response }` or `{ status, message }`, 502 for a
// connection failure, 504 for a timeout) becomes an ApiError with a stable code, whether a retry
// can help, and a reason in plain words for the sidebar and the install screen. Response bodies
// are never copied into it: Freshchat and Freshcaller error messages can name users and numbers.

export type ApiProduct = 'freshchat' | 'freshcaller';

export type ApiErrorCode =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'unreachable'
  | 'bad_response';

export interface ApiErrorFields {
  product: ApiProduct;
  template: string;
  /** The HTTP status; 0 when no request was answered (or none was sent). */
  status: number;
  code: ApiErrorCode;
  /** Defaults to the standard reason for the product, template and code. */
  reason?: string;
  /** Seconds from a Retry-After header (429, 503), when the answer carried one. */
  retryAfterSeconds?: number | null;
}

const PRODUCT_NAME: Record<ApiProduct, string> = { freshchat: 'Freshchat', freshcaller: 'Freshcaller' };
/** Freshchat calls its credential an API token, Freshcaller an API key (README.md "Installation parameters"). */
const CREDENTIAL: Record<ApiProduct, string> = { freshchat: 'API token', freshcaller: 'API key' };

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'invalid',
  401: 'auth',
  403: 'forbidden',
  404: 'not_found',
  408: 'timeout',
  422: 'invalid',
  429: 'rate_limited',
  504: 'timeout',
};

/** Failures a later retry can fix: README.md. */
const TRANSIENT_CODES: ApiErrorCode[] = ['rate_limited', 'server', 'timeout', 'unreachable'];

/** What a 404 from each template means; templates not listed point at a missing API (wrong host). */
const NOT_FOUND_SUBJECT: Record<string, string> = {
  chatGetConversation: 'conversation',
  chatUpdateConversation: 'conversation',
  chatPostMessage: 'conversation',
  chatListMessages: 'conversation',
  chatListMessagesSince: 'conversation',
  chatPostCsat: 'conversation',
  chatGetUserConversations: 'user',
  chatFindUsersByPhone: 'user',
  callerGetCall: 'call',
  callerGetCallMetrics: 'call',
  callerGetUser: 'user',
};

export class ApiError extends Error {
  readonly product: ApiProduct;
  readonly template: string;
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly transient: boolean;
  readonly reason: string;
  readonly retryAfterSeconds: number | null;

  constructor(fields: ApiErrorFields) {
    const reason = fields.reason || reasonFor(fields.product, fields.template, fields.code);
    super(reason + ' (' + fields.template + (fields.status > 0 ? ', HTTP ' + fields.status : '') + ')');
    this.name = 'ApiError';
    this.product = fields.product;
    this.template = fields.template;
    this.status = fields.status;
    this.code = fields.code;
    this.transient = TRANSIENT_CODES.indexOf(fields.code) !== -1;
    this.reason = reason;
    this.retryAfterSeconds = typeof fields.retryAfterSeconds === 'number' ? fields.retryAfterSeconds : null;
  }
}

/** The standard plain-words reason, e.g. "Freshchat rejected the API token". */
export function reasonFor(product: ApiProduct, template: string, code: ApiErrorCode): string {
  const name = PRODUCT_NAME[product];
  const reasons: Record<ApiErrorCode, string> = {
    auth: name + ' rejected the ' + CREDENTIAL[product],
    forbidden: name + ' denied access: the ' + CREDENTIAL[product] + ' lacks permission',
    not_found: notFoundReason(name, template),
    invalid: name + ' refused the request as invalid',
    rate_limited: name + ' is limiting how many requests the app makes',
    server: name + ' had a server error',
    timeout: name + ' did not answer in time',
    unreachable: name + ' is unreachable at that host',
    bad_response: name + ' sent an answer the app cannot read',
  };
  return reasons[code];
}

function notFoundReason(name: string, template: string): string {
  const subject = NOT_FOUND_SUBJECT[template];
  return subject ? name + ' has no such ' + subject : name + ' API not found at that host';
}

/** Maps whatever invokeTemplate rejected with to an ApiError (an ApiError passes through). */
export function toApiError(product: ApiProduct, template: string, failure: unknown): ApiError {
  if (failure instanceof ApiError) return failure;
  const status = statusOf(failure);
  if (status === 0) {
    return new ApiError({ product, template, status, code: 'server', reason: PRODUCT_NAME[product] + ' request failed unexpectedly' });
  }
  return new ApiError({ product, template, status, code: codeFor(status, failure), retryAfterSeconds: retryAfterOf(failure) });
}

/** `Retry-After` in seconds, from the failure's headers in any case. */
function retryAfterOf(failure: unknown): number | null {
  const value = headerOf(failure, 'retry-after');
  const seconds = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  // The HTTP-date form is read as absent: the app's own backoff applies then.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 86400) : null;
}

function headerOf(failure: unknown, wanted: string): unknown {
  const headers = (failure as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return null;
  const record = headers as Record<string, unknown>;
  const name = Object.keys(record).find((key) => key.toLowerCase() === wanted);
  return name ? record[name] : null;
}

function codeFor(status: number, failure: unknown): ApiErrorCode {
  const known = CODE_BY_STATUS[status];
  if (known) return known;
  // The platform answers 502 itself when it cannot connect; a 502 that carries a body came from
  // a gateway in front of the API, which is up but failing.
  if (status === 502) return hasBody(failure) ? 'server' : 'unreachable';
  return status >= 500 ? 'server' : 'invalid';
}

function statusOf(failure: unknown): number {
  if (typeof failure !== 'object' || failure === null) return 0;
  const status = (failure as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 0;
}

function hasBody(failure: unknown): boolean {
  const response = (failure as { response?: unknown }).response;
  return typeof response === 'string' && response.trim().length > 0;
}
