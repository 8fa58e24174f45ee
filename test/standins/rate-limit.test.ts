import { createFreshcallerStandin, createFreshchatStandin, type FreshcallerStandin, type FreshchatStandin } from '../../tools/standins';
import { CALLER_KEY, CHAT_TOKEN, caller, chat, manualClock } from './helpers';

const clock = manualClock();
let freshcaller: FreshcallerStandin;
let freshchat: FreshchatStandin;

beforeAll(async () => {
  freshcaller = createFreshcallerStandin({ apiKey: CALLER_KEY, now: clock.now, rateLimitPerMinute: 3, seed: { users: [{ id: 1, name: 'A', email: 'a@example.com' }] } });
  freshchat = createFreshchatStandin({ apiKey: CHAT_TOKEN, now: clock.now, rateLimitPerMinute: 2 });
  await Promise.all([freshcaller.listen(), freshchat.listen()]);
});

afterAll(() => Promise.all([freshcaller.close(), freshchat.close()]));

const rateHeaders = (headers: Headers, names: string[]) => Object.fromEntries(names.map((n) => [n, headers.get(n)]));
const CALLER_HEADERS = ['x-ratelimit-total', 'x-ratelimit-remaining', 'x-ratelimit-used-currentrequest'];

test('Freshcaller: 001 headers count down, then 429 with Retry-After, then a new minute', async () => {
  clock.set(Date.UTC(2024, 4, 14, 15, 0, 15));
  const seen = [];
  for (let i = 0; i < 3; i += 1) {
    const res = await caller(freshcaller, '/api/v1/users/1');
    expect(res.status).toBe(200);
    seen.push(rateHeaders(res.headers, CALLER_HEADERS));
  }
  expect(seen).toEqual([
    { 'x-ratelimit-total': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-used-currentrequest': '1' },
    { 'x-ratelimit-total': '3', 'x-ratelimit-remaining': '1', 'x-ratelimit-used-currentrequest': '1' },
    { 'x-ratelimit-total': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-used-currentrequest': '1' },
  ]);

  const limited = await caller(freshcaller, '/api/v1/users/1');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('45');
  expect(rateHeaders(limited.headers, CALLER_HEADERS)).toEqual({
    'x-ratelimit-total': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-used-currentrequest': '0',
  });
  expect(limited.body).toEqual({ error_type: 'too_many_requests', message: 'rate limit of 3 requests exceeded', errors: [] });

  clock.advance(44_000); // 15:00:59: same minute, still limited, one second to go
  const stillLimited = await caller(freshcaller, '/api/v1/users/1');
  expect(stillLimited.status).toBe(429);
  expect(stillLimited.headers.get('retry-after')).toBe('1');

  clock.advance(1_000); // 15:01:00: a new window
  const fresh = await caller(freshcaller, '/api/v1/users/1');
  expect(fresh.status).toBe(200);
  expect(fresh.headers.get('x-ratelimit-remaining')).toBe('2');
});

test('Freshchat: 003 headers, and 429 in Freshchat error shape', async () => {
  clock.set(Date.UTC(2024, 4, 14, 16, 0, 0));
  const first = await chat(freshchat, '/v2/accounts/configuration');
  expect(rateHeaders(first.headers, ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimitreset'])).toEqual({
    'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimitreset': '60',
  });
  await chat(freshchat, '/v2/accounts/configuration');
  const limited = await chat(freshchat, '/v2/accounts/configuration');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('60');
  expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(limited.body).toEqual({ code: 429, status: 'TOO_MANY_REQUESTS', message: 'rate limit of 2 requests exceeded' });
  expect(freshchat.requests[freshchat.requests.length - 1]).toMatchObject({ status: 429, violations: [] });

  clock.advance(60_000);
  expect((await chat(freshchat, '/v2/accounts/configuration')).status).toBe(200);
});

test('the defaults: Freshcaller 100 a minute, Freshchat far more', async () => {
  const defaultCaller = createFreshcallerStandin({ apiKey: CALLER_KEY });
  const defaultChat = createFreshchatStandin({ apiKey: CHAT_TOKEN });
  await Promise.all([defaultCaller.listen(), defaultChat.listen()]);
  try {
    expect((await caller(defaultCaller, '/api/v1/users')).headers.get('x-ratelimit-total')).toBe('100');
    expect(Number((await chat(defaultChat, '/v2/accounts/configuration')).headers.get('x-ratelimit-limit'))).toBeGreaterThanOrEqual(1000);
  } finally {
    await Promise.all([defaultCaller.close(), defaultChat.close()]);
  }
});

test('reset() gives the whole budget back', async () => {
  clock.set(Date.UTC(2024, 4, 14, 17, 0, 0));
  for (let i = 0; i < 3; i += 1) await caller(freshcaller, '/api/v1/users/1');
  expect((await caller(freshcaller, '/api/v1/users/1')).status).toBe(429);
  freshcaller.reset({ users: [{ id: 1, name: 'A', email: 'a@example.com' }] });
  const res = await caller(freshcaller, '/api/v1/users/1');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
});
