// Scenario 9: the platform delivers the same completion event twice at the same moment. The claim
// on the record's version lets one of them act; the other is busy and must queue its work (the
// deferred-work queue, `q:<slot>`), never drop it, and the drain must find nothing left to do.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  appNotes,
  assertPlatformClean,
  contractWatch,
  callerRequests,
  csatPosts,
  dbOpsOf,
  logCodes,
  pendingItems,
  pendingQueue,
  record,
  scheduleNames,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
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

  test('the loser makes no request, is busy, and queues the call for the drain', () => {
    const loser = pair.find((r) => r.requests.length === 0);
    const winner = pair.find((r) => r.requests.length > 0);
    expect(loser).toBeDefined();
    expect(winner).toBeDefined();
    expect(logCodes(winner!)).toEqual(['synced']);
    expect(logCodes(loser!)).toEqual(['busy']);
    // The create it tried first (the winner's record exists), the record with the winner's claim
    // inside (a live run), one queue write.
    expect(dbOpsOf(loser!)).toEqual(['set call:' + CALL, 'get call:' + CALL, expect.stringMatching(/^update set q:\d+$/)]);
    expect(pendingItems(app).map((item) => [item.call, item.kind])).toEqual([[String(CALL), 'retry']]);
    // No schedule per call: only the recurring drain and kicks.
    expect(scheduleNames(app).every((name) => name === 'call-sync-drain' || /^drain-\d$/.test(name))).toBe(true);
    expect(scheduleNames(app)).toContain('call-sync-drain');
  });

  test('within ten minutes the drain runs the queued call once, reads it back and finds nothing left', async () => {
    const fired = await advance(app, 10 * 60_000);
    expect(logCodes(fired).filter((code) => code !== 'nothing' && code !== 'synced')).toEqual([]);
    expect(callerRequests(app, 'GET', '/api/v1/calls/' + CALL)).toHaveLength(1);
    expect(pendingQueue(app)).toEqual([]);
    expect(appNotes(app, jordanOpen, { callId: CALL })).toHaveLength(1);
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
    expect(record(app, CALL)).toMatchObject({ v: 1, status: 'synced', summary: 'written', csat: { state: 'posted' }, resolution: 'resolved', failure: null });
  });
});
