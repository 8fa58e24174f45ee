import { loadSeedFile, startStandins, type Standins } from '../../tools/standins';
import { CALLER_KEY, CHAT_TOKEN, caller, chat, lastRequest } from './helpers';

const lines: string[] = [];
let standins: Standins;

beforeAll(async () => {
  standins = await startStandins({
    seed: loadSeedFile(),
    freshchat: { apiKey: CHAT_TOKEN, log: (line) => lines.push(line) },
    freshcaller: { apiKey: CALLER_KEY, log: (line) => lines.push(line) },
  });
});

afterAll(() => standins.close());

test('credentials are redacted in the request log; the rest is kept', async () => {
  await chat(standins.freshchat, '/v2/users?phone_no=%2B14155550123');
  const recorded = lastRequest(standins.freshchat);
  expect(recorded).toMatchObject({
    method: 'GET', path: '/v2/users', query: { phone_no: '+14155550123' }, status: 200, violations: [], operationId: 'listUsers',
  });
  expect(recorded.headers.authorization).toBe('Bearer [REDACTED]');
  expect(recorded.headers.accept).toBe('application/json');

  await caller(standins.freshcaller, '/api/v1/calls/25847696', { headers: { 'X-Api-Auth': 'a-wrong-key' } });
  expect(lastRequest(standins.freshcaller).headers['x-api-auth']).toBe('[REDACTED]');

  const everything = JSON.stringify([standins.freshchat.requests, standins.freshcaller.requests]);
  expect(everything).not.toContain(CHAT_TOKEN);
  expect(everything).not.toContain(CALLER_KEY);
  expect(everything).not.toContain('a-wrong-key');
});

test('bodies are recorded parsed, as they were when sent', async () => {
  const conversation = 'c0c00000-0000-4000-8000-000000000002';
  const body = { status: 'resolved' };
  await chat(standins.freshchat, `/v2/conversations/${conversation}`, { method: 'PUT', body });
  expect(lastRequest(standins.freshchat)).toMatchObject({ method: 'PUT', body: { status: 'resolved' }, status: 200 });
});

test('log lines name the route template and status, never phone numbers, ids or credentials', async () => {
  await chat(standins.freshchat, '/v2/users?phone_no=%2B14155550199');
  await caller(standins.freshcaller, '/api/v1/calls/25847696/call_metrics');
  expect(lines).toContain('freshchat GET /v2/users -> 200');
  expect(lines).toContain('freshcaller GET /api/v1/calls/{call_id}/call_metrics -> 200');
  const all = lines.join('\n');
  expect(all).not.toMatch(/555/);
  expect(all).not.toContain('25847696');
  expect(all).not.toContain(CHAT_TOKEN);
  expect(all).not.toContain(CALLER_KEY);
});

test('GET /__admin/state shows the state without auth and is not recorded', async () => {
  const before = standins.freshchat.requests.length;
  const res = await fetch(`${standins.freshchat.url}/__admin/state`);
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  const state = await res.json() as { users: unknown[]; account: { app_id: string } };
  expect(state.users).toHaveLength(3);
  expect(state.account.app_id).toBe('a0000000-0000-4000-8000-000000000001');
  expect(standins.freshchat.requests).toHaveLength(before);

  const callerState = await (await fetch(`${standins.freshcaller.url}/__admin/state`)).json() as { calls: { id: number }[] };
  expect(callerState.calls.map((c) => c.id).slice(0, 3)).toEqual([25847696, 25847700, 25847710]);

  const requests = await (await fetch(`${standins.freshchat.url}/__admin/requests`)).json() as unknown[];
  expect(requests).toHaveLength(before);
  expect(JSON.stringify(requests)).not.toContain(CHAT_TOKEN);
});
