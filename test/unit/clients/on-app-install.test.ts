import { ApiError, type ApiErrorCode } from '../../../server/src/clients/api-error';
import { installMessage, onAppInstall } from '../../../server/src/handlers/on-app-install';
import { settle } from '../../../server/src/handlers/settle';
import { FakePlatform } from '../../support/fake-platform';
import { deferred, httpError, ok, okText, rejectWith, sentRequests, type Answer } from './helpers';

const CHAT_OK = ok({ app_id: 'a0000000-0000-4000-8000-000000000001', account_domain: 'acme.freshchat.com' });
const CALLER_OK = ok({ users: [{ id: 1, name: 'Ava', email: 'ava@example.com' }], meta: { total: 1 } });

const failures: Record<string, Answer> = {
  'auth': httpError(401),
  'forbidden': httpError(403),
  'wrong host (404)': httpError(404),
  'host unreachable': rejectWith({ status: 502, headers: {}, response: '', errorSource: 'APP', attempts: 1, message: 'Connection failed: getaddrinfo ENOTFOUND' }),
  'timeout': rejectWith({ status: 504, message: 'Timed out after 15000 ms' }),
  'rate limit': httpError(429),
  'server error': httpError(503),
  'odd answer': okText('<html>parked domain</html>'),
  'a thrown Error': rejectWith(new Error('sandbox trouble')),
};

function platformWith(chat: Answer, caller: Answer): FakePlatform {
  const platform = new FakePlatform();
  platform.responses.set('chatCheckToken', chat);
  platform.responses.set('callerCheckKey', caller);
  return platform;
}

describe('onAppInstall checks both credentials', () => {
  test('both fine: the install goes on, after one request to each product and nothing else', async () => {
    const platform = platformWith(CHAT_OK, CALLER_OK);
    await expect(onAppInstall({ iparams: { freshchat_api_key: 'secret-token' } }, platform)).resolves.toEqual({});
    expect(sentRequests(platform).map((r) => r.template).sort()).toEqual(['callerCheckKey', 'chatCheckToken']);
    expect(platform.calls.filter((c) => c.api !== 'request')).toEqual([]);
    expect(platform.logs).toEqual([{ level: 'info', message: 'onAppInstall: Freshchat and Freshcaller credentials accepted' }]);
  });

  test.each<[string, Answer, Answer, string]>([
    ['Freshchat token refused', failures['auth']!, CALLER_OK, 'Freshchat rejected the API token'],
    ['Freshcaller key refused', CHAT_OK, failures['auth']!, 'Freshcaller rejected the API key'],
    ['Freshchat host unreachable', failures['host unreachable']!, CALLER_OK, 'Freshchat host not reachable: check it'],
    ['Freshcaller host unreachable', CHAT_OK, failures['host unreachable']!, 'Freshcaller host not reachable: check it'],
    ['Freshchat timed out', failures['timeout']!, CALLER_OK, 'Freshchat did not answer in time: try again'],
    ['Freshcaller timed out', CHAT_OK, failures['timeout']!, 'Freshcaller did not answer in time: try again'],
    ['Freshchat wrong host (404)', failures['wrong host (404)']!, CALLER_OK, 'No Freshchat API at that host: check it'],
    ['Freshcaller wrong host (404)', CHAT_OK, failures['wrong host (404)']!, 'No Freshcaller API at that host: check it'],
    ['Freshchat host answering HTML', failures['odd answer']!, CALLER_OK, 'That host does not answer like Freshchat'],
    ['Freshcaller forbidden', CHAT_OK, failures['forbidden']!, 'Freshcaller API key lacks permission'],
    ['Freshchat server error', failures['server error']!, CALLER_OK, 'Freshchat had a server error: try again later'],
    ['Freshcaller rate limited', CHAT_OK, failures['rate limit']!, 'Freshcaller rate limit reached: try again later'],
    ['both keys refused', failures['auth']!, failures['auth']!, 'Freshchat and Freshcaller keys rejected'],
    ['both hosts unreachable', failures['host unreachable']!, failures['host unreachable']!, 'Freshchat and Freshcaller hosts not reachable'],
    ['both timed out', failures['timeout']!, failures['timeout']!, 'Freshchat and Freshcaller: timed out'],
    ['token refused, host unreachable', failures['auth']!, failures['host unreachable']!, 'Freshchat: key rejected; Freshcaller: host unreachable'],
    ['a thrown Error from the platform', failures['a thrown Error']!, CALLER_OK, 'Freshchat had a server error: try again later'],
  ])('%s', async (_label, chat, caller, message) => {
    const platform = platformWith(chat, caller);
    const outcome = await onAppInstall({}, platform);
    expect(outcome).toEqual({ blockInstall: message });
    expect(message.length).toBeLessThanOrEqual(60);
    // both checks ran to the end, whichever failed
    expect(sentRequests(platform).map((r) => r.template).sort()).toEqual(['callerCheckKey', 'chatCheckToken']);
    expect(platform.logs).toHaveLength(1);
    expect(platform.logs[0]!.level).toBe('error');
    expect(platform.logs[0]!.message).toMatch(/^onAppInstall: blocked; freshchat (ok|[a-z_]+( \(\d+\))?), freshcaller (ok|[a-z_]+( \(\d+\))?)$/);
  });

  test('the log names codes and statuses only', async () => {
    const platform = platformWith(failures['auth']!, failures['host unreachable']!);
    await onAppInstall({}, platform);
    expect(platform.logs[0]!.message).toBe('onAppInstall: blocked; freshchat auth (401), freshcaller unreachable (502)');
  });

  test('the two checks run side by side and both finish before the handler answers', async () => {
    const chat = deferred();
    const platform = platformWith(chat.answer, failures['auth']!);
    let settled = false;
    const running = onAppInstall({}, platform).then((outcome) => { settled = true; return outcome; });
    await new Promise((resolve) => setImmediate(resolve));
    // Freshcaller was asked while Freshchat is still pending, and its failure did not end the install early
    expect(sentRequests(platform).map((r) => r.template).sort()).toEqual(['callerCheckKey', 'chatCheckToken']);
    expect(settled).toBe(false);
    chat.resolve({ status: 200, headers: {}, response: JSON.stringify({ app_id: 'a' }) });
    await expect(running).resolves.toEqual({ blockInstall: 'Freshcaller rejected the API key' });
  });

  test('through settle, a blocked install renders { message } once', async () => {
    const render = jest.fn();
    await settle(onAppInstall, {}, platformWith(failures['auth']!, CALLER_OK), render);
    expect(render.mock.calls).toEqual([[{ message: 'Freshchat rejected the API token' }]]);
    const fine = jest.fn();
    await settle(onAppInstall, {}, platformWith(CHAT_OK, CALLER_OK), fine);
    expect(fine.mock.calls).toEqual([[]]);
  });
});

describe('installMessage', () => {
  const codes: ApiErrorCode[] = ['auth', 'forbidden', 'not_found', 'invalid', 'rate_limited', 'server', 'timeout', 'unreachable', 'bad_response'];
  const chatError = (code: ApiErrorCode) => new ApiError({ product: 'freshchat', template: 'chatCheckToken', status: 400, code });
  const callerError = (code: ApiErrorCode) => new ApiError({ product: 'freshcaller', template: 'callerCheckKey', status: 400, code });

  test('nothing failed: no message', () => {
    expect(installMessage(null, null)).toBeNull();
  });

  test.each(codes)('one product failing with %s: at most 60 characters, naming that product only', (code) => {
    const chat = installMessage(chatError(code), null)!;
    const caller = installMessage(null, callerError(code))!;
    expect(chat.length).toBeLessThanOrEqual(60);
    expect(caller.length).toBeLessThanOrEqual(60);
    expect(chat).toMatch(/Freshchat/);
    expect(chat).not.toMatch(/Freshcaller/);
    expect(caller).toMatch(/Freshcaller/);
  });

  test.each(codes.flatMap((a) => codes.map((b) => [a, b] as const)))('both failing (%s, %s): at most 60 characters, naming both', (a, b) => {
    const message = installMessage(chatError(a), callerError(b))!;
    expect(message.length).toBeLessThanOrEqual(60);
    expect(message).toMatch(/Freshchat.*Freshcaller/);
  });
});
