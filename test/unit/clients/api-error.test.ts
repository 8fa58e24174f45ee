import { ApiError, reasonFor, toApiError, type ApiErrorCode } from '../../../server/src/clients/api-error';

describe('toApiError maps what invokeTemplate rejects with', () => {
  const body = JSON.stringify({ code: 404, status: 'USER_NOT_FOUND', message: 'user +14155550123 jane@example.com' });

  test.each<[string, unknown, ApiErrorCode, boolean, number, string]>([
    ['401', { status: 401, response: body }, 'auth', false, 401, 'Freshchat rejected the API token'],
    ['403', { status: 403, response: body }, 'forbidden', false, 403, 'Freshchat denied access: the API token lacks permission'],
    ['404', { status: 404, response: body }, 'not_found', false, 404, 'Freshchat has no such conversation'],
    ['400', { status: 400, response: body }, 'invalid', false, 400, 'Freshchat refused the request as invalid'],
    ['422', { status: 422, response: body }, 'invalid', false, 422, 'Freshchat refused the request as invalid'],
    ['409 (another 4xx)', { status: 409, response: body }, 'invalid', false, 409, 'Freshchat refused the request as invalid'],
    ['429', { status: 429, response: body, headers: { 'Retry-After': '30' } }, 'rate_limited', true, 429, 'Freshchat is limiting how many requests the app makes'],
    ['500', { status: 500, response: body }, 'server', true, 500, 'Freshchat had a server error'],
    ['503', { status: 503, response: '' }, 'server', true, 503, 'Freshchat had a server error'],
    ['502 connection failure', { status: 502, message: 'Connection failed: ENOTFOUND' }, 'unreachable', true, 502, 'Freshchat is unreachable at that host'],
    ['502 with an empty response', { status: 502, response: '', errorSource: 'APP', attempts: 2 }, 'unreachable', true, 502, 'Freshchat is unreachable at that host'],
    ['502 from a gateway with a page', { status: 502, response: '<html>Bad gateway</html>' }, 'server', true, 502, 'Freshchat had a server error'],
    ['504 timeout', { status: 504, message: 'Timed out after 15000 ms' }, 'timeout', true, 504, 'Freshchat did not answer in time'],
    ['408', { status: 408, response: '' }, 'timeout', true, 408, 'Freshchat did not answer in time'],
    ['a thrown Error', new TypeError('boom'), 'server', true, 0, 'Freshchat request failed unexpectedly'],
    ['a string', 'odd', 'server', true, 0, 'Freshchat request failed unexpectedly'],
    ['undefined', undefined, 'server', true, 0, 'Freshchat request failed unexpectedly'],
    ['a status that is not a number', { status: '401' }, 'server', true, 0, 'Freshchat request failed unexpectedly'],
    ['a status below 400', { status: 200, response: '{}' }, 'server', true, 0, 'Freshchat request failed unexpectedly'],
  ])('%s', (_label, failure, code, transient, status, reason) => {
    const error = toApiError('freshchat', 'chatGetConversation', failure);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ product: 'freshchat', template: 'chatGetConversation', code, transient, status, reason, name: 'ApiError' });
    expect(error.message).toContain(reason);
    expect(error.message).toContain('chatGetConversation');
    // never the response body: it can hold numbers and emails
    expect(error.message + error.reason).not.toMatch(/4155550123|example\.com|USER_NOT_FOUND|html/);
  });

  test('an ApiError passes through unchanged', () => {
    const original = new ApiError({ product: 'freshcaller', template: 'callerGetCall', status: 401, code: 'auth' });
    expect(toApiError('freshchat', 'chatGetConversation', original)).toBe(original);
  });

  test.each<[string, string]>([
    ['chatGetConversation', 'Freshchat has no such conversation'],
    ['chatPostCsat', 'Freshchat has no such conversation'],
    ['chatGetUserConversations', 'Freshchat has no such user'],
    ['chatGetAccountConfiguration', 'Freshchat API not found at that host'],
  ])('a Freshchat 404 from %s reads "%s"', (template, reason) => {
    expect(toApiError('freshchat', template, { status: 404, response: '' }).reason).toBe(reason);
  });

  test.each<[string, ApiErrorCode, string]>([
    ['callerGetCall', 'not_found', 'Freshcaller has no such call'],
    ['callerGetCallMetrics', 'not_found', 'Freshcaller has no such call'],
    ['callerGetUser', 'not_found', 'Freshcaller has no such user'],
    ['callerCheckKey', 'not_found', 'Freshcaller API not found at that host'],
    ['callerCheckKey', 'auth', 'Freshcaller rejected the API key'],
    ['callerCheckKey', 'forbidden', 'Freshcaller denied access: the API key lacks permission'],
    ['callerCheckKey', 'unreachable', 'Freshcaller is unreachable at that host'],
    ['callerGetCall', 'bad_response', 'Freshcaller sent an answer the app cannot read'],
  ])('Freshcaller %s %s reads "%s"', (template, code, reason) => {
    expect(reasonFor('freshcaller', template, code)).toBe(reason);
  });

  test('bad_response is not transient; an explicit reason wins; status 0 leaves HTTP out of the message', () => {
    const error = new ApiError({ product: 'freshcaller', template: 'callerGetUser', status: 0, code: 'bad_response', reason: 'Something specific' });
    expect(error.transient).toBe(false);
    expect(error.reason).toBe('Something specific');
    expect(error.message).toBe('Something specific (callerGetUser)');
    expect(new ApiError({ product: 'freshchat', template: 't', status: 401, code: 'auth' }).message).toBe('Freshchat rejected the API token (t, HTTP 401)');
  });
});

describe('Retry-After', () => {
  test.each<[string, Record<string, unknown> | undefined, number | null]>([
    ['seconds as text', { 'Retry-After': '30' }, 30],
    ['any case of the name', { 'retry-after': '12' }, 12],
    ['a number', { 'RETRY-AFTER': 7 }, 7],
    ['zero', { 'Retry-After': '0' }, 0],
    ['capped at a day', { 'Retry-After': '999999' }, 86400],
    ['the HTTP-date form: absent', { 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' }, null],
    ['negative: absent', { 'Retry-After': '-5' }, null],
    ['not there', { 'content-type': 'application/json' }, null],
    ['no headers', undefined, null],
  ])('%s', (_label, headers, seconds) => {
    const failure: Record<string, unknown> = { status: 429, response: '' };
    if (headers) failure.headers = headers;
    expect(toApiError('freshchat', 'chatPostMessage', failure).retryAfterSeconds).toBe(seconds);
  });

  test('an error built without one has none', () => {
    expect(new ApiError({ product: 'freshchat', template: 'chatPostMessage', status: 503, code: 'server' }).retryAfterSeconds).toBeNull();
  });
});
