import { createFreshcallerStandin, createFreshchatStandin, loadSeedFile, type FreshcallerStandin, type FreshchatStandin } from '../../tools/standins';
import { CALLER_KEY, CHAT_TOKEN, caller, chat, lastRequest, obj } from './helpers';

const AVA = 'a9e00000-0000-4000-8000-000000000001';
const JORDAN_RESOLVED = 'c0c00000-0000-4000-8000-000000000001';
const JORDAN_OPEN = 'c0c00000-0000-4000-8000-000000000002';
const MESSAGES = /\/messages$/;
const note = (content: string) => ({ message_type: 'private', actor_type: 'agent', actor_id: AVA, message_parts: [{ text: { content } }] });
const postNote = (content: string, headers?: Record<string, string>) =>
  chat(freshchat, `/v2/conversations/${JORDAN_OPEN}/messages`, { method: 'POST', body: note(content), headers });
const notesOfJordan = (): string[] => freshchat.messagesOf(JORDAN_OPEN).map((m) => JSON.stringify(m.message_parts));

let freshchat: FreshchatStandin;
let freshcaller: FreshcallerStandin;

beforeAll(async () => {
  freshchat = createFreshchatStandin({ apiKey: CHAT_TOKEN });
  freshcaller = createFreshcallerStandin({
    apiKey: CALLER_KEY,
    seed: { calls: [{ id: 7, direction: 'incoming' }], call_metrics: [{ call_id: 7 }] },
  });
  await Promise.all([freshchat.listen(), freshcaller.listen()]);
});

afterAll(() => Promise.all([freshchat.close(), freshcaller.close()]));

beforeEach(() => freshchat.reset(loadSeedFile().freshchat));

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

describe('reset: the connection is destroyed without an answer', () => {
  test('the client gets no status and no body; nothing is stored; the next request is served', async () => {
    const before = notesOfJordan();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, reset: true });
    await expect(postNote('lost')).rejects.toThrow();
    expect(lastRequest(freshchat)).toMatchObject({ method: 'POST', status: 0, reset: true, fault: true, violations: [] });
    expect(lastRequest(freshchat).servedStatus).toBeUndefined();
    expect(notesOfJordan()).toEqual(before);
    expect((await postNote('next')).status).toBe(200);
  });

  test('after a delay, on Freshcaller too', async () => {
    freshcaller.injectFault({ path: '/api/v1/calls/7', reset: true, delayMs: 100 });
    await expect(caller(freshcaller, '/api/v1/calls/7')).rejects.toThrow();
    expect(lastRequest(freshcaller)).toMatchObject({ status: 0, reset: true });
  });
});

describe('afterAction: the stand-in acts, then the answer is lost', () => {
  test('the message is stored, then 503 answers', async () => {
    const before = notesOfJordan().length;
    freshchat.injectFault({ method: 'POST', path: MESSAGES, status: 503, afterAction: true });
    const res = await postNote('stored anyway');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 503, status: 'SERVICE_UNAVAILABLE', message: 'injected fault: 503' });
    expect(notesOfJordan()).toHaveLength(before + 1);
    expect(notesOfJordan()[before]).toContain('stored anyway');
    expect(lastRequest(freshchat)).toMatchObject({ status: 503, fault: true, servedStatus: 200 });
  });

  test('the conversation is resolved, then the connection is reset', async () => {
    freshchat.injectFault({ method: 'PUT', path: '/v2/conversations/', reset: true, afterAction: true });
    await expect(chat(freshchat, `/v2/conversations/${JORDAN_OPEN}`, { method: 'PUT', body: { status: 'resolved' } })).rejects.toThrow();
    expect(freshchat.state.conversations.find((c) => c.conversation_id === JORDAN_OPEN)).toMatchObject({ status: 'resolved' });
    expect(lastRequest(freshchat)).toMatchObject({ status: 0, reset: true, fault: true, servedStatus: 200 });
  });

  test('the CSAT is recorded, then 504 answers', async () => {
    freshchat.injectFault({ method: 'POST', path: '/v2/csat/', status: 504, afterAction: true });
    const res = await chat(freshchat, `/v2/csat/${JORDAN_RESOLVED}`, { method: 'POST', body: { issue_resolved: true, rating: 4 } });
    expect(res.status).toBe(504);
    expect(freshchat.state.csat[JORDAN_RESOLVED]).toEqual([expect.objectContaining({ rating: 4, issue_resolved: true })]);
    expect(lastRequest(freshchat)).toMatchObject({ status: 504, servedStatus: 201 });
  });

  test('with only delayMs: acted at once, and the real answer (as it was) comes after the delay', async () => {
    const before = notesOfJordan().length;
    freshchat.injectFault({ method: 'POST', path: MESSAGES, delayMs: 400, afterAction: true });
    const started = Date.now();
    const pending = postNote('slow answer');
    while (notesOfJordan().length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Date.now() - started).toBeLessThan(390);
    const res = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(res.status).toBe(200);
    expect(obj(res.body).id).toBe(freshchat.messagesOf(JORDAN_OPEN)[before]!.id);
    expect(lastRequest(freshchat)).toMatchObject({ status: 200, servedStatus: 200 });
    expect(lastRequest(freshchat).fault).toBeUndefined();
  });

  test('a request the stand-in refuses has no effect; servedStatus tells what was lost', async () => {
    const before = notesOfJordan();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, status: 502, afterAction: true });
    const res = await postNote('wrong token', { Authorization: 'Bearer nope' });
    expect(res.status).toBe(502);
    expect(notesOfJordan()).toEqual(before);
    expect(lastRequest(freshchat)).toMatchObject({ status: 502, servedStatus: 401 });
  });
});

test('fault specs that cannot mean anything are refused', () => {
  expect(() => freshchat.injectFault({ reset: true, status: 503 })).toThrow('a reset fault sends no answer');
  expect(() => freshchat.injectFault({ reset: true, body: {} })).toThrow('a reset fault sends no answer');
  expect(() => freshchat.injectFault({ afterAction: true })).toThrow('an afterAction fault needs status, reset or delayMs');
});
