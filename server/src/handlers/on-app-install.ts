import { toApiError, type ApiError, type ApiErrorCode, type ApiProduct } from '../clients/api-error';
import { createFreshcallerClient } from '../clients/freshcaller';
import { createFreshchatClient } from '../clients/freshchat';
import type { HandlerOutcome, Platform } from '../ports';

/**
 * Checks both credentials with one cheap request each, side by side (the platform gives
 * onAppInstall 10 s and no $db or $schedule: docs/platform.md "Loading server.js"), and blocks the install with a
 * message of at most 60 characters that names the product and what failed.
 */
export async function onAppInstall(_payload: unknown, platform: Platform): Promise<HandlerOutcome> {
  const chat = createFreshchatClient(platform.request);
  const caller = createFreshcallerClient(platform.request);
  const [chatFailure, callerFailure] = await Promise.all([
    failureOf('freshchat', 'chatCheckToken', chat.checkFreshchat()),
    failureOf('freshcaller', 'callerCheckKey', caller.checkKey()),
  ]);
  const message = installMessage(chatFailure, callerFailure);
  if (message === null) {
    platform.logger.info('onAppInstall: Freshchat and Freshcaller credentials accepted');
    return {};
  }
  platform.logger.error('onAppInstall: blocked; freshchat ' + describe(chatFailure) + ', freshcaller ' + describe(callerFailure));
  return { blockInstall: message };
}

function failureOf(product: ApiProduct, template: string, check: Promise<void>): Promise<ApiError | null> {
  return check.then(
    () => null,
    (err: unknown) => toApiError(product, template, err),
  );
}

/** What the admin reads when one product fails (each at most 60 characters). */
const ONE_FAILED: Record<ApiProduct, Record<ApiErrorCode, string>> = {
  freshchat: {
    auth: 'Freshchat rejected the API token',
    forbidden: 'Freshchat API token lacks permission',
    not_found: 'No Freshchat API at that host: check it',
    invalid: 'Freshchat refused the check: check host and token',
    rate_limited: 'Freshchat rate limit reached: try again later',
    server: 'Freshchat had a server error: try again later',
    timeout: 'Freshchat did not answer in time: try again',
    unreachable: 'Freshchat host not reachable: check it',
    bad_response: 'That host does not answer like Freshchat',
  },
  freshcaller: {
    auth: 'Freshcaller rejected the API key',
    forbidden: 'Freshcaller API key lacks permission',
    not_found: 'No Freshcaller API at that host: check it',
    invalid: 'Freshcaller refused the check: check host and key',
    rate_limited: 'Freshcaller rate limit reached: try again later',
    server: 'Freshcaller had a server error: try again later',
    timeout: 'Freshcaller did not answer in time: try again',
    unreachable: 'Freshcaller host not reachable: check it',
    bad_response: 'That host does not answer like Freshcaller',
  },
};

/** Short forms for "Freshchat: …; Freshcaller: …" when both fail differently. */
const SHORT: Record<ApiErrorCode, string> = {
  auth: 'key rejected',
  forbidden: 'no permission',
  not_found: 'no API at host',
  invalid: 'check refused',
  rate_limited: 'rate limited',
  server: 'server error',
  timeout: 'timed out',
  unreachable: 'host unreachable',
  bad_response: 'odd answer',
};

const BOTH_SAME: Partial<Record<ApiErrorCode, string>> = {
  auth: 'Freshchat and Freshcaller keys rejected',
  unreachable: 'Freshchat and Freshcaller hosts not reachable',
};

export function installMessage(chat: ApiError | null, caller: ApiError | null): string | null {
  if (chat && caller) return bothFailed(chat.code, caller.code);
  if (chat) return ONE_FAILED.freshchat[chat.code];
  if (caller) return ONE_FAILED.freshcaller[caller.code];
  return null;
}

function bothFailed(chat: ApiErrorCode, caller: ApiErrorCode): string {
  const same = chat === caller ? BOTH_SAME[chat] : undefined;
  if (same) return same;
  if (chat === caller) return 'Freshchat and Freshcaller: ' + SHORT[chat];
  return 'Freshchat: ' + SHORT[chat] + '; Freshcaller: ' + SHORT[caller];
}

/** For the log: the code and status only, never a host, key or response body. */
function describe(failure: ApiError | null): string {
  if (!failure) return 'ok';
  return failure.code + (failure.status > 0 ? ' (' + failure.status + ')' : '');
}
