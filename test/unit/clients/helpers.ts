// Builders for the FakePlatform's template answers, so a client test states only the answer
// that matters to it.
import type { InvokeOptions, RequestResponse } from '../../../server/src/platform/types';
import type { FakePlatform } from '../../support/fake-platform';

export type Answer = (options: InvokeOptions) => Promise<RequestResponse>;

/** A 2xx answer with a JSON body. */
export function ok(body: unknown, status = 200): Answer {
  return () => Promise.resolve({ status, headers: { 'content-type': 'application/json' }, response: JSON.stringify(body) });
}

/** A 2xx answer whose body is this exact text. */
export function okText(text: string, status = 200): Answer {
  return () => Promise.resolve({ status, headers: {}, response: text });
}

/** What invokeTemplate rejects with for an HTTP error: `{ status, headers, response, errorSource, attempts }`. */
export function httpError(status: number, body: unknown = { code: status, status: 'ERROR', message: 'user +14155550123 not found' }): Answer {
  return () => Promise.reject({ status, headers: {}, response: JSON.stringify(body), errorSource: 'APP', attempts: 1 });
}

/** Any other rejection, as is. */
export function rejectWith(failure: unknown): Answer {
  return () => Promise.reject(failure);
}

export interface SentRequest {
  template: string;
  context: Record<string, string | number> | undefined;
  /** The body parsed back from its JSON string; undefined when none was sent. */
  body: unknown;
  rawBody: string | undefined;
}

/** Every template call the platform saw, in order. */
export function sentRequests(platform: FakePlatform): SentRequest[] {
  return platform.calls
    .filter((call) => call.api === 'request')
    .map((call) => {
      const options = (call.args[0] || {}) as InvokeOptions;
      return {
        template: call.op,
        context: options.context,
        body: typeof options.body === 'string' ? (JSON.parse(options.body) as unknown) : undefined,
        rawBody: options.body,
      };
    });
}

/** A promise answer that the test resolves when it wants. */
export function deferred(): { answer: Answer; resolve: (response: RequestResponse) => void; reject: (failure: unknown) => void } {
  let resolve: (response: RequestResponse) => void = () => undefined;
  let reject: (failure: unknown) => void = () => undefined;
  const promise = new Promise<RequestResponse>((res, rej) => { resolve = res; reject = rej; });
  return { answer: () => promise, resolve, reject };
}
