import type { Handler, Platform } from '../ports';

export type Render = (error?: { status?: number; message: string } | null, data?: unknown) => void;

/**
 * Runs a handler to the end and then answers the platform exactly once.
 * The platform calls a handler without awaiting it and treats renderData as completion
 * (docs/platform.md "Loading server.js"), so nothing may still be running when renderData is called, and an
 * exception must not escape: it would become a bare 500 with nothing recorded.
 */
export function settle(handler: Handler, payload: unknown, platform: Platform, render: Render): Promise<void> {
  return handler(payload, platform).then(
    (outcome) => {
      if (outcome.blockInstall) render({ message: outcome.blockInstall.slice(0, 60) });
      else render();
    },
    (err: unknown) => {
      platform.logger.error('handler failed: ' + describeError(err));
      render({ status: 500, message: 'Call Sync failed; see the app logs' });
    },
  );
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name + ': ' + err.message;
  if (typeof err === 'object' && err !== null && 'status' in err) return 'status ' + String((err as { status: unknown }).status);
  return 'unexpected error';
}
