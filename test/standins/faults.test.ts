import { createFreshcallerStandin, createFreshchatStandin, type FreshcallerStandin, type FreshchatStandin } from '../../tools/standins';
import { CALLER_KEY, CHAT_TOKEN, caller, chat, lastRequest } from './helpers';

let freshchat: FreshchatStandin;
let freshcaller: FreshcallerStandin;

beforeAll(async () => {
  freshchat = createFreshchatStandin({ apiKey: CHAT_TOKEN, seed: { account: { app_id: 'app-1' } } });
  freshcaller = createFreshcallerStandin({
    apiKey: CALLER_KEY,
    seed: { calls: [{ id: 7, direction: 'incoming' }], call_metrics: [{ call_id: 7 }] },
  });
  await Promise.all([freshchat.listen(), freshcaller.listen()]);
});

afterAll(() => Promise.all([freshchat.close(), freshcaller.close()]));

afterEach(() => {
  freshchat.clearFaults();
  freshcaller.clearFaults();
});

test('429 with Retry-After, once by default, then normal service', async () => {
  freshcaller.injectFault({ path: '/api/v1/calls/7', status: 429, retryAfter: 30 });
  const limited = await caller(freshcaller, '/api/v1/calls/7/call_metrics');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('30');
  expect(limited.headers.get('x-ratelimit-total')).toBe('100');
  expect(limited.body).toEqual({ error_type: 'too_many_requests', message: 'injected fault: 429', errors: [] });
  expect(lastRequest(freshcaller)).toMatchObject({ status: 429, fault: true, violations: [] });

  expect((await caller(freshcaller, '/api/v1/calls/7/call_metrics')).status).toBe(200);
});

test('a 429 without retryAfter has no Retry-After header', async () => {
  freshchat.injectFault({ status: 429 });
  const res = await chat(freshchat, '/v2/accounts/configuration');
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBeNull();
});

test('503 for a number of times, only on the matching method and path', async () => {
  freshchat.injectFault({ method: 'get', path: /^\/v2\/accounts\//, status: 503, times: 2 });
  expect((await chat(freshchat, '/v2/users?phone_no=1')).status).toBe(200);
  const first = await chat(freshchat, '/v2/accounts/configuration');
  expect(first.status).toBe(503);
  expect(first.body).toEqual({ code: 503, status: 'SERVICE_UNAVAILABLE', message: 'injected fault: 503' });
  expect((await chat(freshchat, '/v2/accounts/configuration')).status).toBe(503);
  expect((await chat(freshchat, '/v2/accounts/configuration')).status).toBe(200);
});

test('an outage lasts until clearFaults', async () => {
  freshcaller.injectFault({ status: 500, times: Infinity, body: { error_type: 'internal_server_error', message: 'boom', errors: [] } });
  for (let i = 0; i < 3; i += 1) {
    const res = await caller(freshcaller, '/api/v1/calls/7');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error_type: 'internal_server_error', message: 'boom', errors: [] });
  }
  freshcaller.clearFaults();
  expect((await caller(freshcaller, '/api/v1/calls/7')).status).toBe(200);
});

test('a slow response still answers, normally, after the delay', async () => {
  freshcaller.injectFault({ path: '/api/v1/calls/7', delayMs: 300 });
  const started = Date.now();
  const res = await caller(freshcaller, '/api/v1/calls/7');
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ call: { id: 7 } });
  expect(lastRequest(freshcaller).fault).toBeUndefined();
});

test('a slow failure: the delay, then the status', async () => {
  freshchat.injectFault({ delayMs: 200, status: 504 });
  const started = Date.now();
  const res = await chat(freshchat, '/v2/accounts/configuration');
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  expect(res.status).toBe(504);
});

test('a fault answers even a request that breaks the contract, and the violations are still recorded', async () => {
  freshchat.injectFault({ status: 502 });
  const res = await chat(freshchat, '/v2/agents?items_per_page=500');
  expect(res.status).toBe(502);
  expect(lastRequest(freshchat).violations).toEqual(['query/items_per_page must be <= 50']);
});
