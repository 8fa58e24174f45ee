// Scenario 10: Freshchat fails. A transient failure (503) must lose nothing: what succeeded is
// kept, the error is recorded in plain words, and the work is finished later (by the next event of
// the call, or by a scheduled replay when no event comes) without duplicates. A permanent failure
// (401) is recorded with a clear reason.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  allAppNotes,
  appNotes,
  chatRequests,
  contractWatch,
  conversation,
  costOf,
  csatPosts,
  renamed,
  replay,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  storedRecord,
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

    test('the record keeps what succeeded and the error in plain words; nothing was written', () => {
      expect(failed.logs.map((l) => [l.level, l.message])).toEqual([['error', expect.stringContaining('failed: Freshchat had a server error (503)')]]);
      expect(storedRecord(app, CALL)).toMatchObject({
        conversationId: jordanOpen,
        reason: 'matched user by phone \u20260123; most recent open conversation',
        summary: false,
        resolved: false,
        csat: 'to_post',
        csatRating: 4,
        error: { code: 'server', reason: 'Freshchat had a server error' },
      });
      expect(appNotes(app, jordanOpen)).toEqual([]);
      expect(conversation(app, jordanOpen).status).toBe('assigned');
      expect(csatPosts(app, jordanOpen)).toEqual([]);
    });

    test('the next event completes the work once: one summary (with the recording), resolved, CSAT once, error cleared', async () => {
      const [next] = await replay(app, sequence('answered-inbound').slice(5));
      const notes = appNotes(app, jordanOpen, { callId: CALL });
      expect(notes.map((n) => n.kind)).toEqual(['summary']);
      expect(notes[0]!.lines).toContain('Recording: https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090');
      expect(notes[0]!.lines).toContain('CSAT: 4/5 (caller pressed 4)');
      expect(conversation(app, jordanOpen).status).toBe('resolved');
      expect(csatPosts(app, jordanOpen)).toEqual([expect.objectContaining({ rating: 4 })]);
      expect(storedRecord(app, CALL)).toMatchObject({ summary: true, resolved: true, csat: 'posted', error: null });
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

    test('the failure is recorded and a replay is scheduled at least 5 minutes out', () => {
      expect(storedRecord(app, CALL)).toMatchObject({ conversationId: sam, summary: false, error: { code: 'server', reason: 'Freshchat had a server error' } });
      const replays = app.runtime.schedules().filter((s) => s.name === 'rp-' + CALL);
      expect(replays).toHaveLength(1);
      expect(Date.parse(replays[0]!.schedule_at) - app.clock.now()).toBeGreaterThanOrEqual(5 * 60_000);
    });

    test('the replay finishes the work: one summary in Sam\'s conversation, error cleared', async () => {
      await advance(app, 10 * 60_000);
      expect(appNotes(app, sam, { callId: CALL }).map((n) => n.kind)).toEqual(['summary']);
      expect(storedRecord(app, CALL)).toMatchObject({ summary: true, error: null });
      expect(app.runtime.schedules().filter((s) => s.name === 'rp-' + CALL)).toEqual([]);
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
      expect(storedRecord(app, CALL)).toMatchObject({ summary: true, resolved: true, csat: 'to_post', csatRating: 3, error: { code: 'server' } });
    });

    test('the next event posts the rating once and repeats nothing', async () => {
      const posted = csatPosts(app, jordanOpen).length;
      await replay(app, events.slice(5));
      expect(csatPosts(app, jordanOpen).slice(posted)).toEqual([expect.objectContaining({ rating: 3 })]);
      expect(appNotes(app, jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary', 'follow-up']);
      expect(storedRecord(app, CALL)).toMatchObject({ csat: 'posted', error: null });
      // A second delivery of the same event changes nothing more.
      await replay(app, events.slice(5));
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

    test('is recorded as a permanent error with a clear reason; nothing written, nothing scheduled', () => {
      expect(failed.logs.map((l) => [l.level, l.message])).toEqual([['error', expect.stringContaining('failed: Freshchat rejected the API token (401)')]]);
      expect(storedRecord(app, CALL)).toMatchObject({
        conversationId: null,
        summary: false,
        error: { code: 'auth', reason: 'Freshchat rejected the API token' },
      });
      expect(costOf(failed).requests).toBe(1); // no retry of a rejected token
      expect(failed.schedules).toEqual([]);
      expect(app.runtime.schedules().filter((s) => s.name.endsWith(String(CALL)))).toEqual([]);
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
      expect(storedRecord(app, CALL)).toMatchObject({ summary: true, error: null });
    });
  });
});
