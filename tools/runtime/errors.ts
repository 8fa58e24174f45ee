// Error shapes. What the platform's APIs reject with are plain objects carrying `status` and
// `message` (a failed request template: `{ status, headers, response, errorSource, attempts }`,
// docs/platform.md "Request templates"), never Error instances, so the app's
// `err.status` / `err.message` reads work the same here as on the platform.

export interface PlatformError {
  status: number;
  message: string;
  [extra: string]: unknown;
}

export function platformError(status: number, message: string, extra: Record<string, unknown> = {}): PlatformError {
  return Object.assign({ status, message }, extra);
}

export function isPlatformError(value: unknown): value is PlatformError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'number' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * The platform refused to load the app (what `fdk run` / `fdk validate` print before any event
 * runs). A host-side Error, because the caller of the runtime, not the app, has to react.
 */
export class LoadError extends Error {
  constructor(
    message: string,
    /** The file the refusal is about, relative to the project root, when there is one. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** A value the app threw or rejected with, in one line for a problem report. */
export function describeThrown(e: unknown): string {
  if (Object.prototype.toString.call(e) === '[object Error]') {
    const err = e as Error;
    return `${err.name}: ${err.message}`;
  }
  try {
    return typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}
