// Scenario 10: Freshchat fails. A transient failure (503) must lose nothing: what succeeded is
// kept, the failure is recorded in plain words, the call is queued (`q:<slot>`), and the work is
// finished later (by the next event of the call, or by the drain when no event comes) without
// duplicates. A permanent failure (401) is recorded with a clear reason and not retried.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  allAppNotes,
  appNotes,
  callerRequests,
  chatRequests,
  contractWatch,
  conversation,
  costOf,
  csatPosts,
  logCodes,
  pendingItems,
  pendingQueue,
  record,
  renamed,
  replay,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  type LocalApp,
} from '../../support/scenario';

const { jordanOpen, sam, riley } = SEED.conversations;

describe('scenario: Freshchat failures', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
  });
  afterEach(() => {
    app.standins.freshchat.clearFaults();
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  describe('a 503 on posting the summary, then the call\'s next event', () => {
    const CALL = 25847696;
    let failed: InvocationResult;

    beforeAll(async () => {
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      failed = (await replay(app, sequence('answered-inbound').slice(0, 5)))[4]!;
    });

    test('the record keeps what succeeded and the failure in plain words; nothing was written; the call is queued', () => {
      expect(failed.logs.map((l) => l.level)).toEqual(['error']);
      expect(logCodes(failed)).toEqual(['deferred']);
      expect(record(app, CALL)).toMatchObject({
        status: 'retrying',
        link: { state: 'linked', conversationId: jordanOpen, reason: 'matched user by phone \u20260123; most recent open conversation' },
        summary: 'none',
        // A 503 may have hidden a write that happened: checked before the summary is sent again.
        uncertain: ['summary'],
        resolution: 'none',
        csat: { state: 'known', rating: 4 },
        failure: { code: 'server', reason: 'Freshchat had a server error', status: 503, permanent: false, nextAt: expect.any(Number) },
      });
      expect(pendingItems(app).filter((item) => item.call === String(CALL)).map((item) => item.kind)).toEqual(['retry']);
      expect(appNotes(app, jordanOpen)).toEqual([]);
      expect(conversation(app, jordanOpen).status).toBe('assigned');
      expect(csatPosts(app, jordanOpen)).toEqual([]);
    });

    test('the next event completes the work once: one summary (with the recording), resolved, CSAT once, error cleared', async () => {
      const [next] = await replay(app, sequence('answered-inbound').slice(5));
      expect(logCodes(next!)).toEqual(['synced']);
      const notes = appNotes(app, jordanOpen, { callId: CALL });
      expect(notes.map((n) => n.kind)).toEqual(['summary']);
      expect(notes[0]!.lines).toContain('Recording: https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090');
      expect(notes[0]!.lines).toContain('CSAT: 4/5 (caller pressed 4)');
      expect(conversation(app, jordanOpen).status).toBe('resolved');
      expect(csatPosts(app, jordanOpen)).toEqual([expect.objectContaining({ rating: 4 })]);
      expect(record(app, CALL)).toMatchObject({ status: 'synced', summary: 'written', uncertain: [], resolution: 'resolved', csat: { state: 'posted' }, failure: null });
      // No second lookup of the conversation: the stored link is used.
      expect(costOf(next!).templates).not.toContain('chatFindUsersByPhone');
      expect(costOf(next!).templates).not.toContain('callerGetCallMetrics');
    });
  });

  describe('a 503 on posting the summary, and no further event for the call', () => {
    const CALL = 25847700;

    beforeAll(async () => {
      const events = sequence('missed-inbound');
      setFreshcallerCall(app, events[1]!.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      await replay(app, events);
    });

    test('the failure is recorded and the call is queued for a retry a minute or more out', () => {
      expect(record(app, CALL)).toMatchObject({
        status: 'retrying',
        link: { state: 'linked', conversationId: sam },
        summary: 'none',
        failure: { code: 'server', reason: 'Freshchat had a server error', permanent: false },
      });
      const queued = pendingItems(app).filter((item) => item.call === String(CALL));
      expect(queued.map((item) => [item.kind, item.attempts])).toEqual([['retry', 1]]);
      expect(queued[0]!.due - app.clock.now()).toBeGreaterThanOrEqual(60_000);
      // No schedule per call: the recurring drain and kicks only.
      expect(app.runtime.schedules().map((s) => s.name).every((name) => name === 'call-sync-drain' || /^drain-\d$/.test(name))).toBe(true);
    });

    test('within ten minutes the drain finishes the work: one summary in Sam\'s conversation, failure cleared', async () => {
      const fired = await advance(app, 10 * 60_000);
      expect(logCodes(fired)).toContain('synced');
      expect(callerRequests(app, 'GET', '/api/v1/calls/' + CALL)).toHaveLength(1);
      expect(appNotes(app, sam, { callId: CALL }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(app, CALL)).toMatchObject({ status: 'synced', summary: 'written', uncertain: [], failure: null });
      expect(pendingQueue(app)).not.toContain(String(CALL));
    });
  });

  describe('a 503 on posting the CSAT rating', () => {
    const CALL = 25847697;
    let events: ReturnType<typeof sequence>;

    beforeAll(async () => {
      events = renamed(sequence('answered-inbound'), { 25847696: CALL });
      setFreshcallerCall(app, events[4]!.data.call);
      app.standins.freshcaller.setCallMetrics(CALL, { csat: { transfer_made: true, outcome: 3 } });
      app.standins.freshchat.injectFault({ method: 'POST', path: /^\/v2\/csat\//, status: 503 });
      await replay(app, events.slice(0, 5));
    });

    test('keeps the summary and the resolution, and records the rating as still to post', () => {
      expect(appNotes(app, jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(app, CALL)).toMatchObject({
        status: 'retrying',
        summary: 'written',
        resolution: 'resolved',
        // A 503 answered: the rating was not taken, so it is still owed (not "unconfirmed").
        csat: { state: 'known', rating: 3 },
        failure: { code: 'server', permanent: false },
      });
      expect(pendingQueue(app)).toContain(String(CALL));
    });

    test('the next event posts the rating once and repeats nothing', async () => {
      const posted = csatPosts(app, jordanOpen).length;
      expect(logCodes(await replay(app, events.slice(5)))).toEqual(['synced']);
      expect(csatPosts(app, jordanOpen).slice(posted)).toEqual([expect.objectContaining({ rating: 3 })]);
      expect(appNotes(app, jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary', 'follow-up']);
      expect(record(app, CALL)).toMatchObject({ status: 'synced', csat: { state: 'posted', rating: 3 }, failure: null });
      // A second delivery of the same event changes nothing more.
      expect(logCodes(await replay(app, events.slice(5)))).toEqual(['nothing']);
      expect(csatPosts(app, jordanOpen).slice(posted)).toHaveLength(1);
      expect(appNotes(app, jordanOpen, { callId: CALL })).toHaveLength(2);
    });
  });

  describe('a 401 from Freshchat', () => {
    const CALL = 25847710;
    let failed: InvocationResult;

    beforeAll(async () => {
      app.standins.freshchat.injectFault({ status: 401, times: Infinity });
      failed = (await replay(app, sequence('voicemail').slice(0, 3)))[2]!;
      app.standins.freshchat.clearFaults();
    });

    test('is recorded as a permanent error with a clear reason; nothing written, nothing queued', () => {
      expect(failed.logs.map((l) => l.level)).toEqual(['error']);
      expect(logCodes(failed)).toEqual(['failed']);
      expect(record(app, CALL)).toMatchObject({
        status: 'failed',
        link: { state: 'none', conversationId: null },
        summary: 'none',
        failure: { code: 'auth', reason: 'Freshchat rejected the API token', status: 401, permanent: true, nextAt: null },
      });
      expect(costOf(failed).requests).toBe(1); // no retry of a rejected token
      expect(pendingQueue(app)).not.toContain(String(CALL));
      // Nothing scheduled for it: at most the (existing) recurring drain is asked for again.
      expect(failed.schedules.filter((op) => op.name !== 'call-sync-drain')).toEqual([]);
      expect(appNotes(app, riley)).toEqual([]);
      expect(conversation(app, riley).status).toBe('resolved');
    });
  });

  describe('a 429 once on a lookup', () => {
    const CALL = 25847750;

    test('is retried by the template and the call syncs normally', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users', status: 429, retryAfter: 1 });
      const before = allAppNotes(app).length;
      const results = await replay(app, sequence('duplicated-reordered').slice(0, 2));
      const lookups = results[1]!.requests.filter((r) => r.template === 'chatFindUsersByPhone');
      expect(lookups[0]).toMatchObject({ status: 200, attempts: 2 });
      expect(chatRequests(app, 'GET', '/v2/users').filter((r) => r.status === 429)).toHaveLength(1);
      expect(allAppNotes(app)).toHaveLength(before + 1);
      expect(appNotes(app, riley, { callId: CALL, kind: 'summary' })).toHaveLength(1);
      expect(logCodes(results)).toEqual(['skipped', 'synced']);
      expect(record(app, CALL)).toMatchObject({ status: 'synced', summary: 'written', failure: null });
    });
  });
});
