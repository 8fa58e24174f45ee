// Scenario 12: a payload that fails the schema is logged and recorded by its failing paths (no
// personal data) under `bad:<callId>`, so it can be seen and replayed from Freshcaller; the
// handler completes normally and the call's later, valid events still sync.
import {
  advance,
  appNotes,
  callerRequests,
  contractWatch,
  costOf,
  dbOpsOf,
  FULL_NUMBER,
  loggedOutcomes,
  logCodes,
  pendingItems,
  pendingQueue,
  record,
  scheduleNames,
  NOTES_TEXT,
  replay,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  storedKeys,
  storedRecord,
  type LocalApp,
  type Payload,
} from '../../support/scenario';
import { variant } from '../../support/fixtures';

const CALL = 25847696;

describe('scenario: a malformed call event', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  const completed = sequence('answered-inbound')[4]!;

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  function badRecord(key: string): Record<string, unknown> | undefined {
    return app.runtime.store('freshcaller').peek(key);
  }

  function expectNoPersonalData(value: unknown): void {
    const text = JSON.stringify(value);
    expect(text).not.toMatch(FULL_NUMBER);
    for (const words of NOTES_TEXT) expect(text).not.toContain(words);
    for (const name of ['Jordan', 'Rivera', 'Ava', 'Parker', 'Support queue']) expect(text).not.toContain(name);
  }

  test('is recorded under bad:<callId> with the failing path, queued to be read back, costs no request, and completes', async () => {
    const bad = variant(completed, (p) => {
      p.data.call.direction = 2;
    });
    const [result] = await replay(app, [bad]);
    expect(loggedOutcomes(result!)).toEqual([{ level: 'error', source: 'onCallUpdate', code: 'rejected', callId: String(CALL) }]);
    expect(result!.logs).toHaveLength(1);
    expect(result!.logs[0]!.message).toContain('data.call.direction');
    expect(badRecord('bad:' + CALL)).toEqual({ event: 'onCallUpdate', paths: 'data.call.direction', at: app.clock.now() });
    expectNoPersonalData(badRecord('bad:' + CALL));
    // Two writes: the bad: record and the call's retry on the queue (read back from Freshcaller later).
    expect(costOf(result!)).toMatchObject({ requests: 0, dbOps: 2, reads: 0, writes: 2 });
    expect(dbOpsOf(result!)).toEqual(['set bad:' + CALL, expect.stringMatching(/^update set q:\d+$/)]);
    expect(pendingItems(app).map((item) => [item.call, item.kind])).toEqual([[String(CALL), 'retry']]);
    expect(scheduleNames(app).every((name) => /^drain-\d$/.test(name))).toBe(true);
    expect(app.standins.freshchat.requests).toEqual([]);
    expect(app.standins.freshcaller.requests).toEqual([]);
    expect(storedRecord(app, CALL)).toBeUndefined();
  });

  test('several failing paths are all named, nothing else', async () => {
    const bad = variant(completed, (p) => {
      p.data.call.bill_duration = 'three minutes';
      p.data.call.participants[0]!.call_status = 'done';
    });
    await replay(app, [bad]);
    expect(badRecord('bad:' + CALL)).toMatchObject({ event: 'onCallUpdate', paths: 'data.call.bill_duration, data.call.participants.0.call_status' });
    expectNoPersonalData(badRecord('bad:' + CALL));
  });

  test('a bad caller number is named by its path, never by its value', async () => {
    const bad = variant(completed, (p) => {
      p.data.call.participants[0]!.caller_number = { number: '+14155550123' };
    });
    const [result] = await replay(app, [bad]);
    expect(badRecord('bad:' + CALL)).toMatchObject({ paths: expect.stringContaining('data.call.participants.0.caller_number') });
    expectNoPersonalData(badRecord('bad:' + CALL));
    expectNoPersonalData(result!.logs);
  });

  test('a payload without a usable call id is recorded as bad:unknown', async () => {
    const bad = variant(completed, (p) => {
      delete (p.data.call as Record<string, unknown>).id;
    });
    await replay(app, [bad]);
    expect(storedKeys(app)).toContain('bad:unknown');
    expect(badRecord('bad:unknown')).toMatchObject({ event: 'onCallUpdate', paths: expect.stringContaining('data.call.id') });
    expectNoPersonalData(badRecord('bad:unknown'));
  });

  test('a payload without data at all completes and is recorded', async () => {
    const [result] = await replay(app, [{ event: 'onCallCreate' } as unknown as Payload]);
    expect(loggedOutcomes(result!)).toEqual([{ level: 'error', source: 'onCallCreate', code: 'rejected', callId: 'unknown' }]);
    expect(badRecord('bad:unknown')).toMatchObject({ event: 'onCallCreate', paths: 'data' });
    // No call id: nothing to read back, nothing queued for it.
    expect(costOf(result!)).toMatchObject({ requests: 0, dbOps: 1, writes: 1, schedules: 0 });
  });

  test('the call\'s valid events still sync afterwards', async () => {
    const results = await replay(app, 'answered-inbound');
    expect(logCodes(results)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'synced', 'synced']);
    expect(appNotes(app, SEED.conversations.jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary', 'follow-up']);
    expect(record(app, CALL)).toMatchObject({ status: 'synced', summary: 'written', failure: null });
  });
});

describe('scenario: a malformed completion event and no valid one after it', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  const completed = sequence('answered-inbound')[4]!;

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    // Freshcaller's own view of the call is the completed one: what the queued retry reads back.
    setFreshcallerCall(app, completed.data.call);
    await replay(app, [variant(completed, (p) => { p.data.call.direction = 2; })]);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('the call is queued to be read back from Freshcaller; nothing is written yet', () => {
    expect(pendingQueue(app)).toEqual([String(CALL)]);
    expect(appNotes(app, SEED.conversations.jordanOpen)).toEqual([]);
    expect(storedRecord(app, CALL)).toBeUndefined();
  });

  test('within ten minutes the drain reads the call back and syncs it, once', async () => {
    const fired = await advance(app, 10 * 60_000);
    expect(logCodes(fired)).toContain('synced');
    expect(logCodes(fired).filter((code) => code !== 'nothing' && code !== 'synced')).toEqual([]);
    expect(callerRequests(app, 'GET', '/api/v1/calls/' + CALL)).toHaveLength(1);
    expect(appNotes(app, SEED.conversations.jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary']);
    expect(record(app, CALL)).toMatchObject({ status: 'synced', summary: 'written', resolution: 'resolved', failure: null });
    expect(pendingQueue(app)).toEqual([]);
  });
});
