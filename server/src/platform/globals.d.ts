// The globals the Freshworks platform puts in the sandbox that runs server/server.js
// (docs/platform.md "Loading server.js"). Nothing else exists there:
// no timers, no Buffer, no process. console has only log, info and error: console.warn makes
// the FDK's own sandbox fail the event with a 500, so it is left out on purpose.
import type { PlatformDb, PlatformRequest, PlatformSchedule } from './types';

declare global {
  const $request: PlatformRequest;
  const $db: PlatformDb;
  const $schedule: PlatformSchedule;
  function renderData(error?: { status?: number; message: string } | null, data?: unknown): void;
  const console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
}
