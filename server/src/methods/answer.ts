// What every server method (manifest `common.functions`, docs/platform.md "Server methods")
// shares: its arguments checked with zod, exactly one renderData once all work has settled, and
// failures in words an agent understands (contract.ts MethodError). Used by both sides: the
// Freshchat pane's method and the Freshcaller card's.
import type { ZodType } from 'zod';
import { ApiError, type ApiErrorCode, type ApiProduct } from '../clients/api-error';
import type { Render } from '../handlers/settle';
import type { Logger } from '../ports';
import { StoreError } from '../state/store';
import type { MethodError } from './contract';

/** A failure the method answers with as it is: a bad argument, something that no longer exists. */
export class MethodFailure extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'MethodFailure';
    this.status = status;
  }
}

/**
 * The arguments, checked by `schema`, or a 400 with `message`. The platform merges the
 * installation parameters into the same object (`iparams`): schemas are loose objects, so that
 * and any other extra key are ignored.
 */
export function argsOf<T>(schema: ZodType<T>, payload: unknown, message: string): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new MethodFailure(400, message);
  return result.data;
}

/** Freshchat calls its credential an API token, Freshcaller an API key (README.md "Installation parameters"). */
const CREDENTIAL: Record<ApiProduct, string> = { freshchat: 'API token', freshcaller: 'API key' };
const PRODUCT_NAME: Record<ApiProduct, string> = { freshchat: 'Freshchat', freshcaller: 'Freshcaller' };

/** Status and words per ApiError code; at most 60 characters, to fit a notice. */
const API_ANSWERS: Record<ApiErrorCode, (product: ApiProduct) => MethodError> = {
  auth: (p) => ({ status: 401, message: PRODUCT_NAME[p] + ' refused the ' + CREDENTIAL[p] + ': ask an admin to check it' }),
  forbidden: (p) => ({ status: 403, message: PRODUCT_NAME[p] + ' refused the ' + CREDENTIAL[p] + ': ask an admin to check it' }),
  not_found: (p) => ({ status: 404, message: PRODUCT_NAME[p] + ' no longer has what this asks for' }),
  invalid: (p) => ({ status: 400, message: PRODUCT_NAME[p] + ' refused the request as invalid' }),
  rate_limited: (p) => ({ status: 429, message: PRODUCT_NAME[p] + ' is busy; try again in a minute' }),
  server: (p) => ({ status: 502, message: PRODUCT_NAME[p] + ' had a problem; try again in a minute' }),
  timeout: (p) => ({ status: 504, message: PRODUCT_NAME[p] + ' did not answer in time; try again' }),
  unreachable: (p) => ({ status: 502, message: PRODUCT_NAME[p] + ' cannot be reached; try again later' }),
  bad_response: (p) => ({ status: 502, message: PRODUCT_NAME[p] + ' sent an answer the app cannot read' }),
};

export const UNEXPECTED: MethodError = { status: 500, message: 'Call Sync failed; see the app logs' };
/** The app's storage refused (its budget of 50 operations a minute, or a fault): nothing was lost. */
const STORAGE_BUSY: MethodError = { status: 503, message: 'The app storage is busy; try again in a minute' };

/** The answer for a failure; null for one that is not a MethodFailure or an ApiError (a bug). */
export function errorAnswer(err: unknown): MethodError | null {
  if (err instanceof MethodFailure) return { status: err.status, message: err.message };
  if (err instanceof StoreError) return STORAGE_BUSY;
  if (!(err instanceof ApiError)) return null;
  // An id refused before anything was sent (clients/responses.ts checkedId) is a bad argument.
  if (err.status === 0 && err.code === 'invalid') return { status: 400, message: err.reason };
  return API_ANSWERS[err.code](err.product);
}

/**
 * Runs a server method to the end and answers the platform exactly once: renderData(null, data),
 * or renderData({ status, message }). Nothing escapes: a throw would be the platform's bare 500.
 */
export function serve<P extends { logger: Logger }>(
  name: string,
  method: (payload: unknown, ports: P) => Promise<unknown>,
  payload: unknown,
  ports: P,
  render: Render,
): Promise<void> {
  return method(payload, ports).then(
    (data) => render(null, data),
    (err: unknown) => {
      const known = errorAnswer(err);
      ports.logger.error(name + ' failed: ' + (err instanceof ApiError ? err.code + ' (' + err.template + ')' : known ? 'status ' + known.status : 'unexpected error'));
      render(known || UNEXPECTED);
    },
  );
}
