import type { HandlerOutcome, Platform } from '../ports';

/** Lets the install proceed; checking the API keys belongs to the sync (issue 3). */
export function onAppInstall(_payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  platform.logger.info('onAppInstall: installed');
  return Promise.resolve({});
}
