import { createFreshcallerClient } from '../../../server/src/clients/freshcaller';
import { FakePlatform } from '../../support/fake-platform';
import { httpError, ok, okText, rejectWith, sentRequests } from './helpers';

function setup() {
  const platform = new FakePlatform();
  return { platform, caller: createFreshcallerClient(platform.request) };
}

// 001's call object, trimmed.
const CALL = {
  id: 25847696, direction: 'incoming', parent_call_id: null, root_call_id: null, phone_number: '+18582810798',
  assigned_agent_id: 67030, call_notes: 'John needs details', bill_duration: 26,
  participants: [{ id: 25847687, caller_number: '+12132142148', participant_type: 'Customer', call_status: 10 }],
};

// 001's call metric object, trimmed.
const METRICS = {
  id: 17993533, call_id: 17993533, talk_time: 0, recording_duration: 9,
  csat: { transfer_made: true, outcome: 4, time: 0, time_unit: 'seconds' }, tags: [],
};

describe('Freshcaller client: calls', () => {
  test.each([
    ['bare (001)', CALL],
    ['wrapped as { call } (000)', { call: CALL }],
  ])('returns the raw call object, %s', async (_label, body) => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCall', ok(body));
    await expect(caller.getCall(25847696)).resolves.toEqual(CALL);
    expect(sentRequests(platform)).toEqual([{ template: 'callerGetCall', context: { call_id: '25847696' }, body: undefined, rawBody: undefined }]);
  });

  test('a bare call keeps any field it has, even one named call', async () => {
    const { platform, caller } = setup();
    const odd = Object.assign({}, CALL, { call: { note: 'not a wrapper' } });
    platform.responses.set('callerGetCall', ok(odd));
    await expect(caller.getCall('25847696')).resolves.toEqual(odd);
  });

  test('a missing call is null', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCall', httpError(404, { error_type: 'record_not_found', message: "Couldn't find Call with 'id'=1", errors: [] }));
    await expect(caller.getCall('1')).resolves.toBeNull();
  });

  test.each([
    ['an array', ok([CALL])],
    ['a wrapper holding no object', ok({ call: 'x' })],
    ['text', okText('Service Unavailable')],
  ])('%s is a bad_response', async (_label, answer) => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCall', answer);
    await expect(caller.getCall('1')).rejects.toMatchObject({ code: 'bad_response', product: 'freshcaller', template: 'callerGetCall' });
  });

  test('failures other than 404 are thrown', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCall', httpError(401));
    await expect(caller.getCall('1')).rejects.toMatchObject({ code: 'auth', reason: 'Freshcaller rejected the API key' });
    platform.responses.set('callerGetCall', rejectWith({ status: 502, message: 'Connection failed' }));
    await expect(caller.getCall('1')).rejects.toMatchObject({ code: 'unreachable', transient: true, reason: 'Freshcaller is unreachable at that host' });
  });

  test('an id that is not a Freshcaller id is refused before any request', async () => {
    const { platform, caller } = setup();
    await expect(caller.getCall('1/recording')).rejects.toMatchObject({ code: 'invalid', status: 0, reason: 'Not a valid Freshcaller id' });
    await expect(caller.getCallMetrics('../x')).rejects.toMatchObject({ code: 'invalid' });
    await expect(caller.getUser('')).rejects.toMatchObject({ code: 'invalid' });
    expect(platform.calls).toEqual([]);
  });
});

describe('Freshcaller client: call metrics', () => {
  test('reads csat.transfer_made and csat.outcome', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCallMetrics', ok(METRICS));
    await expect(caller.getCallMetrics(17993533)).resolves.toEqual({ csat: { transferMade: true, outcome: 4 } });
    expect(sentRequests(platform)).toEqual([{ template: 'callerGetCallMetrics', context: { call_id: '17993533' }, body: undefined, rawBody: undefined }]);
  });

  test.each([
    ['no survey', { csat: { transfer_made: false, outcome: null } }, { csat: { transferMade: false, outcome: null } }],
    ['a survey without a key yet', { csat: { transfer_made: true } }, { csat: { transferMade: true, outcome: null } }],
    ['the key as text', { csat: { transfer_made: true, outcome: '2' } }, { csat: { transferMade: true, outcome: 2 } }],
    ['no csat object', { talk_time: 10 }, { csat: null }],
    ['csat null', { csat: null }, { csat: null }],
    ['a { call_metric } wrapper', { call_metric: METRICS }, { csat: { transferMade: true, outcome: 4 } }],
  ])('%s', async (_label, body, expected) => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCallMetrics', ok(body));
    await expect(caller.getCallMetrics('1')).resolves.toEqual(expected);
  });

  test('metrics not there (404) are null; a malformed csat is a bad_response', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetCallMetrics', httpError(404));
    await expect(caller.getCallMetrics('1')).resolves.toBeNull();
    platform.responses.set('callerGetCallMetrics', ok({ csat: { transfer_made: 'yes' } }));
    await expect(caller.getCallMetrics('1')).rejects.toMatchObject({ code: 'bad_response', template: 'callerGetCallMetrics' });
  });
});

describe('Freshcaller client: users and the key check', () => {
  const USER = { id: 100328, name: 'John Doe', email: 'john.doe@example.com', phone: '+917777774444', role: 'Agent', teams: [{ id: 5 }] };

  test.each([
    ['bare (001)', USER],
    ['wrapped as { user } (000)', { user: USER }],
  ])('reads id, name and email, %s', async (_label, body) => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetUser', ok(body));
    await expect(caller.getUser('100328')).resolves.toEqual({ id: '100328', name: 'John Doe', email: 'john.doe@example.com' });
    expect(sentRequests(platform)).toEqual([{ template: 'callerGetUser', context: { user_id: '100328' }, body: undefined, rawBody: undefined }]);
  });

  test('a user without name or email; a missing user; a user without id', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerGetUser', ok({ user: { id: 7, name: '', email: null } }));
    await expect(caller.getUser(7)).resolves.toEqual({ id: '7', name: null, email: null });
    platform.responses.set('callerGetUser', httpError(404));
    await expect(caller.getUser(7)).resolves.toBeNull();
    platform.responses.set('callerGetUser', ok({ user: { name: 'No Id' } }));
    await expect(caller.getUser(7)).rejects.toMatchObject({ code: 'bad_response' });
  });

  test.each([
    ['{ users, meta } (000)', ok({ users: [USER], meta: { total_pages: 3, total: 3, current_page: 1 } })],
    ['a bare list (001)', ok([USER])],
  ])('checkKey accepts %s', async (_label, answer) => {
    const { platform, caller } = setup();
    platform.responses.set('callerCheckKey', answer);
    await expect(caller.checkKey()).resolves.toBeUndefined();
    expect(sentRequests(platform)).toEqual([{ template: 'callerCheckKey', context: undefined, body: undefined, rawBody: undefined }]);
  });

  test.each([
    ['401', httpError(401), 'auth'],
    ['403', httpError(403), 'forbidden'],
    ['404 (no such API at the host)', httpError(404), 'not_found'],
    ['an HTML page', okText('<!doctype html><title>Acme</title>'), 'bad_response'],
    ['JSON that is no user list', ok({ status: 'ok' }), 'bad_response'],
    ['a timeout', rejectWith({ status: 504, message: 'Timed out' }), 'timeout'],
  ])('checkKey throws on %s', async (_label, answer, code) => {
    const { platform, caller } = setup();
    platform.responses.set('callerCheckKey', answer);
    await expect(caller.checkKey()).rejects.toMatchObject({ code, product: 'freshcaller', template: 'callerCheckKey' });
  });
});

describe('Freshcaller client: listing calls (reconciliation)', () => {
  const FROM = '2026-11-02T13:00:00.000Z';
  const TO = '2026-11-02T13:45:00.000Z';

  test('sends the window and the page, and returns the raw calls', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerListCalls', ok({ calls: [CALL], meta: { total_pages: 1, current: 1 } }));
    await expect(caller.listCalls(FROM, TO, 1)).resolves.toEqual({ calls: [CALL], hasMore: false });
    expect(sentRequests(platform)).toEqual([{ template: 'callerListCalls', context: { from: FROM, to: TO, page: '1' }, body: undefined, rawBody: undefined }]);
  });

  test.each([
    ['total_pages beyond the current page', { calls: [CALL], meta: { total_pages: 3, current: 2 } }, 2, true],
    ['the last page by total_pages', { calls: [CALL], meta: { total_pages: 3, current_page: 3 } }, 3, false],
    ['no meta and a short page', { calls: [CALL] }, 1, false],
    ['no meta and a full page of 100', { calls: Array.from({ length: 100 }, (_, i) => Object.assign({}, CALL, { id: i + 1 })) }, 1, true],
    ['no calls at all', {}, 1, false],
    ['meta without the current page: the page asked for', { calls: [CALL], meta: { total_pages: 2 } }, 1, true],
  ])('hasMore from %s', async (_label, body, page, hasMore) => {
    const { platform, caller } = setup();
    platform.responses.set('callerListCalls', ok(body));
    await expect(caller.listCalls(FROM, TO, page)).resolves.toMatchObject({ hasMore });
  });

  test('a page number is sent as a whole number of at least 1', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerListCalls', ok({ calls: [] }));
    await caller.listCalls(FROM, TO, 0);
    await caller.listCalls(FROM, TO, 2.7);
    expect(sentRequests(platform).map((r) => r.context && r.context.page)).toEqual(['1', '2']);
  });

  test.each([['not a time'], ['2026-11-02 13:00:00'], ['2026-11-02T13:00:00+01:00']])('a window bound that is not an ISO time in UTC (%s) is refused before any request', async (bad) => {
    const { platform, caller } = setup();
    await expect(caller.listCalls(bad, TO, 1)).rejects.toThrow('not an ISO time');
    await expect(caller.listCalls(FROM, bad, 1)).rejects.toThrow('not an ISO time');
    expect(sentRequests(platform)).toEqual([]);
  });

  test('a failure is an ApiError; an unreadable list is a bad_response', async () => {
    const { platform, caller } = setup();
    platform.responses.set('callerListCalls', httpError(429));
    await expect(caller.listCalls(FROM, TO, 1)).rejects.toMatchObject({ code: 'rate_limited', transient: true });
    platform.responses.set('callerListCalls', ok({ calls: 'many' }));
    await expect(caller.listCalls(FROM, TO, 1)).rejects.toMatchObject({ code: 'bad_response' });
  });
});

describe('Freshcaller client: counting requests for the meter', () => {
  test('every request sent is counted once, failed or not', async () => {
    const platform = new FakePlatform();
    let counted = 0;
    const caller = createFreshcallerClient(platform.request, () => { counted += 1; });
    platform.responses.set('callerGetCall', ok(CALL));
    platform.responses.set('callerGetUser', httpError(503));
    await caller.getCall(1);
    await expect(caller.getUser(2)).rejects.toMatchObject({ code: 'server' });
    expect(counted).toBe(2);
    expect(sentRequests(platform)).toHaveLength(2);
  });

  test('an id refused before sending is not counted', async () => {
    const platform = new FakePlatform();
    let counted = 0;
    const caller = createFreshcallerClient(platform.request, () => { counted += 1; });
    await expect(caller.getCall('../users')).rejects.toMatchObject({ code: 'invalid' });
    expect(counted).toBe(0);
  });
});
