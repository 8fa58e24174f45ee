// Scenario 12: a payload that fails the schema is logged and recorded by its failing paths (no
// personal data) under `bad:<callId>`, so it can be seen and replayed from Freshcaller; the
// handler completes normally and the call's later, valid events still sync.
import {
  appNotes,
  contractWatch,
  costOf,
  FULL_NUMBER,
  NOTES_TEXT,
  replay,
  SEED,
  sequence,
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

  test('is recorded under bad:<callId> with the failing path, costs one write and no request, and completes', async () => {
    const bad = variant(completed, (p) => {
      p.data.call.direction = 2;
    });
    const [result] = await replay(app, [bad]);
    expect(result!.logs.map((l) => [l.level, l.message])).toEqual([
      ['error', '[call-sync] onCallUpdate: payload rejected for call ' + CALL + '; invalid at data.call.direction'],
    ]);
    expect(badRecord('bad:' + CALL)).toEqual({ event: 'onCallUpdate', paths: 'data.call.direction', at: app.clock.now() });
    expectNoPersonalData(badRecord('bad:' + CALL));
    expect(costOf(result!)).toMatchObject({ requests: 0, dbOps: 1, reads: 0, writes: 1, schedules: 0 });
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
    expect(result!.logs.map((l) => l.message)).toEqual(['[call-sync] onCallCreate: payload rejected for call unknown; invalid at data']);
    expect(badRecord('bad:unknown')).toMatchObject({ event: 'onCallCreate', paths: 'data' });
  });

  test('the call\'s valid events still sync afterwards', async () => {
    await replay(app, 'answered-inbound');
    expect(appNotes(app, SEED.conversations.jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary', 'follow-up']);
    expect(storedRecord(app, CALL)).toMatchObject({ summary: true, error: null });
  });
});
