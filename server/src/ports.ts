// The narrow ports handlers receive. server.ts builds them from the platform's globals;
// tests hand in fakes. Nothing else in server/src touches a platform global.
import type { PlatformDb, PlatformRequest, PlatformSchedule } from './platform/types';

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export interface Platform {
  request: PlatformRequest;
  db: PlatformDb;
  schedule: PlatformSchedule;
  logger: Logger;
  now(): number;
}

/** What a handler tells the platform when it is done. */
export interface HandlerOutcome {
  /** Blocks an app install with this message (at most 60 characters). */
  blockInstall?: string;
}

export type Handler = (payload: unknown, platform: Platform) => Promise<HandlerOutcome>;
