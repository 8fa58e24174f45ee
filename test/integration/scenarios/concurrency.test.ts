// Scenario 9: the platform delivers the same completion event twice at the same moment. The lock
// key lets one of them act; the other must defer its work (a replay schedule), never drop it,
// and the replay must find nothing left to do.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  appNotes,
  assertPlatformClean,
  contractWatch,
  costOf,
  csatPosts,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  storedRecord,
  type LocalApp,
} from '../../support/scenario';

const CALL = 25847696;
const { jordanOpen } = SEED.conversations;

describe('scenario: two copies of the completion event at once', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  let pair: InvocationResult[];

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    const completed = sequence('answered-inbound')[4]!;
    // Freshcaller's own view of the call is the completed one (what a replay reads back).
    setFreshcallerCall(app, completed.data.call);
    app.clock.advance(60_000);
    pair = await Promise.all([app.runtime.fireEvent(completed.event, completed), app.runtime.fireEvent(completed.event, completed)]);
    pair.forEach(assertPlatformClean);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('exactly one summary is written and CSAT is posted once', () => {
    expect(appNotes(app, jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary']);
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
  });

  test('the loser makes no request and schedules a replay of the call', () => {
    const loser = pair.find((r) => r.requests.length === 0);
    const winner = pair.find((r) => r.requests.length > 0);
    expect(loser).toBeDefined();
    expect(winner).toBeDefined();
    expect(loser!.schedules.map((s) => [s.op, s.name, s.ok])).toEqual([['create', 'rp-' + CALL, true]]);
    expect(loser!.logs.map((l) => l.message)).toEqual([expect.stringContaining('another event is syncing this call; replay scheduled')]);
    expect(costOf(loser!).dbOps).toBeLessThanOrEqual(2);
    expect(app.runtime.schedules().map((s) => [s.name, s.data])).toEqual([['rp-' + CALL, { kind: 'replay', callId: String(CALL) }]]);
  });

  test('six minutes later the replay runs once, reads the call back and finds nothing left', async () => {
    const fired = await advance(app, 7 * 60_000);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.logs.map((l) => l.message)).toEqual(['[call-sync] onScheduledEvent: call ' + CALL + ': nothing new to sync']);
    expect(costOf(fired[0]!)).toMatchObject({ requests: 1, templates: ['callerGetCall'], writes: 0 });
    expect(appNotes(app, jordanOpen, { callId: CALL })).toHaveLength(1);
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
    expect(app.runtime.schedules()).toEqual([]);
    expect(storedRecord(app, CALL)).toMatchObject({ summary: true, csat: 'posted', resolved: true, error: null });
  });
});
