// How a server method answers (docs/platform.md "Server methods"): arguments checked with zod
// before anything is read, exactly one renderData, data on success, `{ status, message }` with
// words an agent can act on otherwise. One log line per call, with ids and codes only.
import type { ZodType } from 'zod';
import { ApiError } from '../clients/api-error';
import type { Render } from '../handlers/settle';
import type { Platform } from '../ports';
import { StoreError } from '../state/store';

/** A failure the agent is told about as it is. */
export class MethodError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'MethodError';
  }
}

export type Method = (payload: unknown, platform: Platform) => Promise<unknown>;

/** Runs a server method to the end, then answers the platform once. */
export function answerMethod(name: string, method: Method, payload: unknown, platform: Platform, render: Render): Promise<void> {
  return method(payload, platform).then(
    (data) => {
      platform.logger.info(name + ' ok');
      render(null, data);
    },
    (err: unknown) => {
      const failure = methodFailure(err);
      const line = name + ' failed ' + failure.status + ': ' + failure.message;
      if (failure.status >= 500) platform.logger.error(line);
      else platform.logger.info(line);
      render(failure);
    },
  );
}

/** What the agent reads: an ApiError's plain reason, a refusal's words, or a generic line for a bug. */
export function methodFailure(err: unknown): { status: number; message: string } {
  if (err instanceof MethodError) return { status: err.status, message: err.message };
  if (err instanceof ApiError) return { status: err.status || 502, message: err.reason };
  if (err instanceof StoreError) return { status: err.budget ? 429 : 503, message: 'The app storage is busy; try again in a minute' };
  return { status: 500, message: 'Call Sync failed; see the app logs' };
}

/** The method's arguments, or a 400 naming the fields that are wrong (never their values). */
export function parseArgs<T>(schema: ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'arguments');
  throw new MethodError(400, 'Invalid ' + fields.filter((f, i) => fields.indexOf(f) === i).join(', '));
}

/** The installation parameters the platform merges into every server method's arguments. */
export function iparamsOf(payload: unknown): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as { iparams?: unknown }).iparams : undefined;
}
