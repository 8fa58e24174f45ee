import { createFreshcallerStandin, loadSeedFile, type FreshcallerStandin } from '../../tools/standins';
import { CALLER_KEY, caller, list, obj } from './helpers';

let freshcaller: FreshcallerStandin;

beforeAll(async () => {
  const seed = loadSeedFile().freshcaller;
  freshcaller = createFreshcallerStandin({ apiKey: CALLER_KEY, seed });
  await freshcaller.listen();
});

afterAll(() => freshcaller.close());

beforeEach(() => {
  freshcaller.behaviour.singleObjects = 'wrapped';
});

describe('calls', () => {
  test('GET /calls/{id} answers wrapped in { call } (000) with the 001 call object', async () => {
    const res = await caller(freshcaller, '/api/v1/calls/25847696');
    expect(res.status).toBe(200);
    const call = obj(obj(res.body).call);
    expect(call).toMatchObject({ id: 25847696, direction: 'incoming', phone_number: '+18582810798', assigned_agent_id: 67030 });
    const customer = list(call, 'participants').find((p) => p.participant_type === 'Customer');
    expect(customer).toMatchObject({ caller_number: '+14155550123', call_status: 1 });
  });

  test('the bare switch answers the call object itself (001)', async () => {
    freshcaller.behaviour.singleObjects = 'bare';
    const res = await caller(freshcaller, '/api/v1/calls/25847700');
    expect(obj(res.body)).toMatchObject({ id: 25847700 });
    expect(obj(res.body).call).toBeUndefined();
  });

  test('an unknown call is 404 in Freshcaller error shape', async () => {
    const res = await caller(freshcaller, '/api/v1/calls/1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error_type: 'record_not_found', message: "Couldn't find Call with 'id'=1", errors: [] });
  });

  test('addCall replaces a call with the same id (a call moving through its life)', async () => {
    freshcaller.addCall({ id: 900001, direction: 'outgoing', participants: [] });
    freshcaller.addCall({ id: 900001, direction: 'outgoing', call_notes: 'updated', participants: [] });
    const res = await caller(freshcaller, '/api/v1/calls/900001');
    expect(obj(obj(res.body).call).call_notes).toBe('updated');
    expect(freshcaller.state.calls.filter((c) => c.id === 900001)).toHaveLength(1);
  });
});

describe('call metrics', () => {
  test('GET /calls/{id}/call_metrics answers the metric object bare, with csat (001)', async () => {
    const res = await caller(freshcaller, '/api/v1/calls/25847696/call_metrics');
    expect(res.status).toBe(200);
    expect(obj(res.body)).toMatchObject({
      call_id: 25847696,
      csat: { transfer_made: true, outcome: 4, time: 12, time_unit: 'seconds' },
    });
  });

  test('setCallMetrics fills csat defaults and is served at once', async () => {
    freshcaller.addCall({ id: 900002, direction: 'incoming' });
    const missing = await caller(freshcaller, '/api/v1/calls/900002/call_metrics');
    expect(missing.status).toBe(404);
    expect(obj(missing.body).message).toBe("Couldn't find CallMetric with 'call_id'=900002");

    freshcaller.setCallMetrics(900002, { talk_time: 40, csat: { transfer_made: true } });
    const res = await caller(freshcaller, '/api/v1/calls/900002/call_metrics');
    expect(obj(res.body)).toMatchObject({ call_id: 900002, talk_time: 40, csat: { transfer_made: true, outcome: null, time: 0, time_unit: 'seconds' } });
  });

  test('metrics of an unknown call are 404', async () => {
    expect((await caller(freshcaller, '/api/v1/calls/42/call_metrics')).status).toBe(404);
  });

  test('the list leaves out life_cycle unless include=life_cycle (001)', async () => {
    const plain = list((await caller(freshcaller, '/api/v1/call_metrics')).body, 'call_metrics');
    expect(plain.length).toBeGreaterThanOrEqual(3);
    expect(plain.every((m) => m.life_cycle === undefined)).toBe(true);
    const full = list((await caller(freshcaller, '/api/v1/call_metrics?include=life_cycle')).body, 'call_metrics');
    expect(full.some((m) => Array.isArray(m.life_cycle))).toBe(true);
  });
});

describe('users', () => {
  test('GET /users pages with meta (000)', async () => {
    const res = await caller(freshcaller, '/api/v1/users?page=1&per_page=1');
    expect(res.status).toBe(200);
    expect(list(res.body, 'users')).toHaveLength(1);
    expect(obj(res.body).meta).toEqual({ total_pages: 2, total: 2, current_page: 1 });
  });

  test('GET /users/{id} answers { user }, or the user bare with the switch', async () => {
    expect(obj(obj((await caller(freshcaller, '/api/v1/users/67030')).body).user)).toMatchObject({ email: 'ava.parker@example.com' });
    freshcaller.behaviour.singleObjects = 'bare';
    expect(obj((await caller(freshcaller, '/api/v1/users/67031')).body)).toMatchObject({ id: 67031, email: 'dan.fischer@example.com' });
  });

  test('an unknown user is 404 with 001\'s message', async () => {
    const res = await caller(freshcaller, '/api/v1/users/102667');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error_type: 'record_not_found', message: "Couldn't find User with 'id'=102667", errors: [] });
  });

  test('POST /users creates a user with 201', async () => {
    const res = await caller(freshcaller, '/api/v1/users', { method: 'POST', body: { name: 'New Agent', email: 'new.agent@example.com', role: 'Agent' } });
    expect(res.status).toBe(201);
    const user = obj(obj(res.body).user);
    expect(typeof user.id).toBe('number');
    expect(freshcaller.state.users.map((u) => u.email)).toContain('new.agent@example.com');
  });
});
