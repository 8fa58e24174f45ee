import { createFreshcallerStandin, createFreshchatStandin, type FreshcallerStandin, type FreshchatStandin } from '../../tools/standins';
import { CALLER_KEY, CHAT_TOKEN, caller, chat, lastRequest } from './helpers';

let freshchat: FreshchatStandin;
let freshcaller: FreshcallerStandin;

beforeAll(async () => {
  freshchat = createFreshchatStandin({ apiKey: CHAT_TOKEN, seed: { account: { app_id: 'app-1' } } });
  freshcaller = createFreshcallerStandin({ apiKey: CALLER_KEY, seed: { users: [{ id: 1, name: 'Test Agent', email: 'agent@example.com' }] } });
  await Promise.all([freshchat.listen(), freshcaller.listen()]);
});

afterAll(() => Promise.all([freshchat.close(), freshcaller.close()]));

describe('Freshchat: Authorization: Bearer <token>', () => {
  test.each([
    ['missing', { Authorization: '' }, 'auth: missing Authorization header (Freshchat expects "Bearer <token>")'],
    ['wrong token', { Authorization: 'Bearer not-the-token' }, 'auth: Bearer token does not match the configured Freshchat token'],
    ['not a Bearer token', { Authorization: `Basic ${CHAT_TOKEN}` }, 'auth: Authorization is not a Bearer token'],
    ['Freshcaller header instead', { Authorization: '', 'X-Api-Auth': CHAT_TOKEN }, 'auth: missing Authorization header (Freshchat expects "Bearer <token>")'],
  ])('%s → 401 in Freshchat error shape', async (_name, headers, violation) => {
    const res = await chat(freshchat, '/v2/accounts/configuration', { headers });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, status: 'UNAUTHORIZED', message: violation });
    expect(lastRequest(freshchat).violations).toEqual([violation]);
  });

  test('the right token is accepted; the scheme is case-insensitive', async () => {
    expect((await chat(freshchat, '/v2/accounts/configuration')).status).toBe(200);
    expect((await chat(freshchat, '/v2/accounts/configuration', { headers: { Authorization: `bearer ${CHAT_TOKEN}` } })).status).toBe(200);
  });

  test('a 401 carries the rate-limit headers without using up the budget', async () => {
    const ok = await chat(freshchat, '/v2/accounts/configuration');
    const remaining = Number(ok.headers.get('x-ratelimit-remaining'));
    const denied = await chat(freshchat, '/v2/accounts/configuration', { headers: { Authorization: 'Bearer nope' } });
    expect(denied.status).toBe(401);
    expect(Number(denied.headers.get('x-ratelimit-remaining'))).toBe(remaining);
  });

  test('auth is checked before the route: an unknown route without a token is 401', async () => {
    const res = await chat(freshchat, '/v2/nowhere', { headers: { Authorization: '' } });
    expect(res.status).toBe(401);
    expect(lastRequest(freshchat).violations).toEqual([
      'auth: missing Authorization header (Freshchat expects "Bearer <token>")',
      'unknown route: GET /v2/nowhere',
    ]);
  });
});

describe('Freshcaller: X-Api-Auth: <key>', () => {
  test.each([
    ['missing', { 'X-Api-Auth': '' }, 'auth: missing X-Api-Auth header'],
    ['wrong key', { 'X-Api-Auth': 'not-the-key' }, 'auth: X-Api-Auth does not match the configured Freshcaller API key'],
    ['Freshchat header instead', { 'X-Api-Auth': '', Authorization: `Bearer ${CALLER_KEY}` }, 'auth: missing X-Api-Auth header'],
  ])('%s → 401 in Freshcaller error shape', async (_name, headers, violation) => {
    const res = await caller(freshcaller, '/api/v1/users/1', { headers });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error_type: 'unauthenticated', message: violation, errors: [] });
    expect(lastRequest(freshcaller).violations).toEqual([violation]);
  });

  test('the right key is accepted', async () => {
    expect((await caller(freshcaller, '/api/v1/users/1')).status).toBe(200);
  });
});
