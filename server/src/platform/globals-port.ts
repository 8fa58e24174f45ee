import type { Platform } from '../ports';

/** The one place that reads the platform's globals and hands them to handlers as a port. */
export function platformFromGlobals(): Platform {
  return {
    request: $request,
    db: $db,
    schedule: $schedule,
    logger: {
      info: (message) => console.info('[call-sync] ' + message),
      error: (message) => console.error('[call-sync] ' + message),
    },
    now: () => Date.now(),
  };
}
