// Robustness: Freshchat and Freshcaller failing while a call is synced, on the shipped
// server/server.js over real HTTP. Every failure is recorded on the call (`call:<id>`) with a
// stable code and a reason in plain words, logged as an error, and never crashes the event; a
// failure a later try can fix (429, 5xx, timeout, no connection) schedules a replay of the call
// (`rp-<id>`, at least 5 minutes out) that finishes the work once, and a permanent one (400, 401,
// 403, 404, 410, 422) schedules nothing.
import {
  advance,
  appNotes,
  callerRequests,
  chatRequests,
  contractWatch,
  csatPosts,
  SEED,
  setFreshcallerCall,
  startScenarioApp,
  storedRecord,
  type LocalApp,
  type Payload,
} from '../../support/scenario';
import {
  fire,
  fireOn,
  laterUpdate,
  logLines,
  outcomeOf,
  recordIn,
  recordSideRuntimes,
  schedulesFor,
  sideRuntime,
  waitFor,
} from '../../support/robustness';

const JORDAN = '+14155550123';
const SAM = '+14155550199';
const { jordanOpen, sam } = SEED.conversations;

/** A missed call from Jordan: the summary goes to Jordan's open conversation. */
function missedFromJordan(id: number): Payload {
  return outcomeOf('missed-inbound', id, JORDAN);
}

describe('robustness: Freshchat and Freshcaller failures', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
  });
  afterEach(() => {
    app.standins.freshchat.clearFaults();
    app.standins.freshcaller.clearFaults();
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    recordSideRuntimes();
    await app.stop();
  });

  describe('Freshchat answers an error when the summary note is posted', () => {
    interface Case {
      status: number;
      code: string;
      reason: string;
      transient: boolean;
      retryAfter?: number;
      id: number;
    }
    const cases: Case[] = [
      { status: 400, code: 'invalid', reason: 'Freshchat refused the request as invalid', transient: false, id: 26000400 },
      { status: 401, code: 'auth', reason: 'Freshchat rejected the API token', transient: false, id: 26000401 },
      { status: 403, code: 'forbidden', reason: 'Freshchat denied access: the API token lacks permission', transient: false, id: 26000403 },
      // The conversation was deleted between the lookup and the post.
      { status: 404, code: 'not_found', reason: 'Freshchat has no such conversation', transient: false, id: 26000404 },
      { status: 410, code: 'invalid', reason: 'Freshchat refused the request as invalid', transient: false, id: 26000410 },
      { status: 422, code: 'invalid', reason: 'Freshchat refused the request as invalid', transient: false, id: 26000422 },
      { status: 429, code: 'rate_limited', reason: 'Freshchat is limiting how many requests the app makes', transient: true, retryAfter: 120, id: 26000429 },
      { status: 500, code: 'server', reason: 'Freshchat had a server error', transient: true, id: 26000500 },
      // A gateway in front of Freshchat answering with a body: the API is there but failing.
      { status: 502, code: 'server', reason: 'Freshchat had a server error', transient: true, id: 26000502 },
      { status: 503, code: 'server', reason: 'Freshchat had a server error', transient: true, id: 26000503 },
    ];
    test.each(cases)('$status: recorded as $code with a plain-words reason; replay scheduled: $transient', async (c) => {
      const event = missedFromJordan(c.id);
      setFreshcallerCall(app, event.data.call); // what a replay reads back
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: c.status, retryAfter: c.retryAfter });
      const result = await fire(app, event);

      expect(result.problems).toEqual([]);
      expect(result.completed).toBe(true);
      expect(logLines(result)).toEqual([
        ['error', expect.stringContaining('failed: ' + c.reason + ' (' + c.status + ')' + (c.transient ? '; replay scheduled' : ''))],
      ]);
      if (!c.transient) expect(logLines(result)[0]![1]).not.toContain('replay');
      // The link was found and kept; the error is stored with the call, the note is not written.
      expect(storedRecord(app, c.id)).toMatchObject({
        conversationId: jordanOpen,
        summary: false,
        outcome: 'missed',
        error: { code: c.code, reason: c.reason, at: app.clock.now() },
      });
      expect(appNotes(app, jordanOpen, { callId: c.id })).toEqual([]);
      // One attempt only: chatPostMessage is not retried by its template (a retried POST could post twice).
      expect(result.requests.filter((r) => r.template === 'chatPostMessage')).toEqual([expect.objectContaining({ status: c.status, attempts: 1 })]);
      if (c.transient) {
        expect(result.schedules).toEqual([expect.objectContaining({ op: 'create', ok: true })]);
        const [replay] = app.runtime.schedules().filter((s) => s.name === 'rp-' + c.id);
        expect(replay).toBeDefined();
        expect(replay!.data).toEqual({ kind: 'replay', callId: String(c.id) });
        // At least 5 minutes out (the platform's minimum), which is also past a Retry-After of 2 minutes.
        expect(Date.parse(replay!.schedule_at) - app.clock.now()).toBeGreaterThanOrEqual(5 * 60_000);
      } else {
        expect(result.schedules).toEqual([]);
        expect(schedulesFor(app.runtime, c.id)).toEqual([]);
      }
    });

    test('the same failure twice before the replay runs keeps one replay ("already pending")', async () => {
      const id = 26000504;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503, times: 2 });
      const first = await fire(app, event);
      // The platform delivers the same event again a minute later; Freshchat still fails.
      const second = await fire(app, event);
      expect(logLines(first)[0]![1]).toContain('failed: Freshchat had a server error (503); replay scheduled');
      expect(logLines(second)).toEqual([['error', expect.stringContaining('failed: Freshchat had a server error (503); replay already pending')]]);
      expect(schedulesFor(app.runtime, id)).toEqual(['rp-' + id]);
      expect(storedRecord(app, id)).toMatchObject({ v: 2, summary: false, error: { code: 'server' } });
    });

    test('once Freshchat is back, the replays finish the transient failures with one summary each; the permanent ones stay recorded', async () => {
      const transient = cases.filter((c) => c.transient).map((c) => c.id).concat(26000504);
      const permanent = cases.filter((c) => !c.transient).map((c) => c.id);
      const replays = await advance(app, 7 * 60_000);
      expect(replays).toHaveLength(transient.length);
      for (const replay of replays) {
        expect(logLines(replay)).toEqual([['info', expect.stringMatching(/^\[call-sync\] onScheduledEvent: call \d+: posted the summary note to conversation /)]]);
        expect(replay.requests.map((r) => r.template)).toEqual(expect.arrayContaining(['callerGetCall', 'chatPostMessage']));
        // The stored link is reused: no second search for the caller.
        expect(replay.requests.map((r) => r.template)).not.toContain('chatFindUsersByPhone');
      }
      for (const id of transient) {
        const notes = appNotes(app, jordanOpen, { callId: id });
        expect(notes.map((n) => n.kind)).toEqual(['summary']);
        expect(notes[0]!.lines[0]).toBe('Incoming call \u00b7 missed');
        expect(storedRecord(app, id)).toMatchObject({ summary: true, error: null });
        expect(schedulesFor(app.runtime, id)).toEqual([]);
      }
      for (const id of permanent) {
        expect(appNotes(app, jordanOpen, { callId: id })).toEqual([]);
        expect(storedRecord(app, id)).toMatchObject({ summary: false, error: expect.objectContaining({ code: expect.any(String) }) });
      }
      // Nothing fires later: no replay re-posts anything.
      const later = await advance(app, 30 * 60_000);
      expect(later).toEqual([]);
      for (const id of transient) expect(appNotes(app, jordanOpen, { callId: id })).toHaveLength(1);
    });
  });

  describe('Freshchat too slow or not there (another installation with a 1 s request timeout)', () => {
    test('a lookup that times out on every attempt is recorded as a timeout and replayed; the replay links and writes once', async () => {
      const runtime = sideRuntime(app, { requestTimeoutMs: 1000 });
      const id = 26000601;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users', delayMs: 2000, times: 2 });
      const searches = chatRequests(app, 'GET', '/v2/users').length;
      const result = await fireOn(runtime, event);
      // The slow answers arrive, too late (and are thrown away).
      await waitFor(() => chatRequests(app, 'GET', '/v2/users').length === searches + 2);

      expect(result.requests.find((r) => r.template === 'chatFindUsersByPhone')).toMatchObject({ status: 504, attempts: 2 });
      expect(logLines(result)).toEqual([['error', expect.stringContaining('failed: Freshchat did not answer in time (504); replay scheduled')]]);
      expect(recordIn(runtime, id)).toMatchObject({
        conversationId: null,
        summary: false,
        error: { code: 'timeout', reason: 'Freshchat did not answer in time' },
      });
      expect(schedulesFor(runtime, id)).toEqual(['rp-' + id]);

      const replays = await runtime.advance(7 * 60_000);
      expect(replays).toHaveLength(1);
      expect(replays[0]!.problems).toEqual([]);
      expect(replays[0]!.completed).toBe(true);
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(recordIn(runtime, id)).toMatchObject({ conversationId: jordanOpen, summary: true, error: null });
    });

    test('a summary post that times out after Freshchat accepted it is not written a second time by the replay', async () => {
      const runtime = sideRuntime(app, { requestTimeoutMs: 1000 });
      const id = 26000602;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 2000 });
      const result = await fireOn(runtime, event);
      // Freshchat finishes the slow request after the app gave up on it: the note is there.
      await waitFor(() => appNotes(app, jordanOpen, { callId: id }).length === 1);

      expect(logLines(result)).toEqual([['error', expect.stringContaining('failed: Freshchat did not answer in time (504); replay scheduled')]]);
      expect(recordIn(runtime, id)).toMatchObject({ summary: false, error: { code: 'timeout' } });
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);

      await runtime.advance(7 * 60_000);
      // One private summary note per call, whatever the retries
      // (README.md "Which conversation, and what is written").
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
    });

    test('notes edited after such a timed-out summary arrive as one "Call notes updated" follow-up; the summary is not repeated', async () => {
      const runtime = sideRuntime(app, { requestTimeoutMs: 1000 });
      const id = 26000604;
      const event = missedFromJordan(id);
      event.data.call.call_notes = 'Left a message about the invoice.';
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 2000 });
      await fireOn(runtime, event);
      await waitFor(() => appNotes(app, jordanOpen, { callId: id }).length === 1);

      // Before the replay runs, the agent edits the call notes.
      const edited = laterUpdate(event, 2, { call_notes: ['Left a message about the invoice. Call back Monday.', 'Left a message about the invoice.'] }, (call) => {
        call.call_notes = 'Left a message about the invoice. Call back Monday.';
      });
      setFreshcallerCall(app, edited.data.call);
      runtime.clock.advance(2 * 60_000);
      await fireOn(runtime, edited);
      await runtime.advance(10 * 60_000);
      const notes = appNotes(app, jordanOpen, { callId: id });
      expect(notes.map((n) => n.kind)).toEqual(['summary', 'follow-up']);
      expect(notes[1]!.lines).toEqual(['Call notes updated: Left a message about the invoice. Call back Monday.']);
      expect(recordIn(runtime, id)).toMatchObject({ summary: true, error: null });
    });

    test('a follow-up post that times out after Freshchat accepted it is not written a second time', async () => {
      const runtime = sideRuntime(app, { requestTimeoutMs: 1000 });
      const id = 26000605;
      const event = missedFromJordan(id);
      await fireOn(runtime, event);
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);

      const recording = { id: 3, url: 'https://acme.freshcaller.com/api/v1/calls/' + id + '/recording/3' };
      const update = laterUpdate(event, 2, { recording: [recording, null] }, (call) => {
        call.recording = recording;
      });
      setFreshcallerCall(app, update.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 2000 });
      runtime.clock.advance(2 * 60_000);
      const slow = await fireOn(runtime, update);
      expect(logLines(slow)).toEqual([['error', expect.stringContaining('failed: Freshchat did not answer in time (504); replay scheduled')]]);
      await waitFor(() => appNotes(app, jordanOpen, { callId: id }).length === 2);

      await runtime.advance(10 * 60_000);
      const notes = appNotes(app, jordanOpen, { callId: id });
      expect(notes.map((n) => n.kind)).toEqual(['summary', 'follow-up']);
      expect(notes[1]!.lines).toEqual(['Recording ready: ' + recording.url]);
      expect(recordIn(runtime, id)).toMatchObject({ summary: true, error: null });
    });

    test('a Freshchat host that cannot be reached is recorded as unreachable and replayed later', async () => {
      const hostMap = { [String(app.iparams.freshcaller_host)]: app.standins.freshcaller.url };
      const runtime = sideRuntime(app, { hostMap });
      const id = 26000603;
      const result = await fireOn(runtime, missedFromJordan(id));
      expect(result.requests.map((r) => [r.template, r.status])).toEqual([['chatFindUsersByPhone', 502]]);
      expect(logLines(result)).toEqual([['error', expect.stringContaining('failed: Freshchat is unreachable at that host (502); replay scheduled')]]);
      expect(recordIn(runtime, id)).toMatchObject({ conversationId: null, error: { code: 'unreachable', reason: 'Freshchat is unreachable at that host' } });
      expect(schedulesFor(runtime, id)).toEqual(['rp-' + id]);
    });
  });

  describe('Freshcaller fails', () => {
    test('call metrics answering 500 on every attempt: recorded before anything is written, then replayed with the CSAT', async () => {
      const id = 26000700;
      const event = outcomeOf('answered-inbound', id, SAM);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 5 } });
      app.standins.freshcaller.injectFault({ method: 'GET', path: '/api/v1/calls/' + id + '/call_metrics', status: 500, times: 2 });
      const result = await fire(app, event);

      expect(result.requests.map((r) => [r.template, r.status, r.attempts])).toEqual([['callerGetCallMetrics', 500, 2]]);
      expect(logLines(result)).toEqual([['error', expect.stringContaining('failed: Freshcaller had a server error (500); replay scheduled')]]);
      expect(storedRecord(app, id)).toMatchObject({ conversationId: null, summary: false, csat: null, error: { code: 'server', reason: 'Freshcaller had a server error' } });
      expect(appNotes(app, sam, { callId: id })).toEqual([]);

      const replays = await advance(app, 7 * 60_000);
      expect(replays).toHaveLength(1);
      const notes = appNotes(app, sam, { callId: id });
      expect(notes.map((n) => n.kind)).toEqual(['summary']);
      expect(notes[0]!.lines).toContain('CSAT: 5/5 (caller pressed 5)');
      expect(csatPosts(app, sam)).toEqual([expect.objectContaining({ rating: 5, issue_resolved: true })]);
      expect(storedRecord(app, id)).toMatchObject({ summary: true, resolved: true, csat: 'posted', error: null });
    });

    test('call metrics answering 401: a permanent error naming the Freshcaller key; nothing scheduled', async () => {
      const id = 26000701;
      app.standins.freshcaller.injectFault({ method: 'GET', path: '/api/v1/calls/' + id + '/call_metrics', status: 401 });
      const result = await fire(app, outcomeOf('answered-inbound', id, SAM));
      expect(logLines(result)).toEqual([['error', expect.stringContaining('failed: Freshcaller rejected the API key (401)')]]);
      expect(storedRecord(app, id)).toMatchObject({ summary: false, error: { code: 'auth', reason: 'Freshcaller rejected the API key' } });
      expect(result.schedules).toEqual([]);
      expect(schedulesFor(app.runtime, id)).toEqual([]);
    });

    test('no metrics for the call (404): the call syncs without a rating', async () => {
      const id = 26000702;
      const result = await fire(app, outcomeOf('answered-inbound', id, SAM));
      expect(callerRequests(app, 'GET', '/api/v1/calls/' + id + '/call_metrics').map((r) => r.status)).toEqual([404]);
      expect(logLines(result)).toEqual([['info', expect.stringContaining('posted the summary note')]]);
      expect(storedRecord(app, id)).toMatchObject({ summary: true, csat: 'none', csatRating: null, error: null });
      expect(appNotes(app, sam, { callId: id })[0]!.lines.filter((l) => l.startsWith('CSAT'))).toEqual([]);
    });

    test('the call\'s agent unknown to Freshcaller (404): the default agent authors the note, under the event\'s agent name', async () => {
      const id = 26000703;
      const event = outcomeOf('answered-inbound', id, SAM, (call) => {
        call.assigned_agent_id = 67099;
        call.assigned_agent_name = 'Pat Quinn';
        for (const p of call.participants) if (p.participant_type === 'Agent') p.participant_id = 67099;
      });
      const result = await fire(app, event);
      expect(callerRequests(app, 'GET', '/api/v1/users/67099').map((r) => r.status)).toEqual([404]);
      // No email to look for: Freshchat's agent list is not paged for nothing.
      expect(result.requests.map((r) => r.template)).not.toContain('chatListAgents');
      const [summary] = appNotes(app, sam, { callId: id });
      expect(summary).toMatchObject({ kind: 'summary', actorId: SEED.agents.defaultAgent, actorType: 'agent', messageType: 'private' });
      expect(summary!.lines).toContain('Agent: Pat Quinn');
      expect(storedRecord(app, id)).toMatchObject({ summary: true, actorId: SEED.agents.defaultAgent, agentName: 'Pat Quinn', error: null });
      // The miss is cached, so the next call of this agent costs no lookup.
      expect(app.runtime.store('freshcaller').peek('app:cache')).toMatchObject({ agents: { 67099: { chat: null, name: 'Pat Quinn' } } });
    });
  });

  describe('the install check when both products fail', () => {
    test('differently: the message names each product\'s failure', async () => {
      app.standins.freshchat.injectFault({ path: '/v2/accounts/configuration', status: 503 });
      app.standins.freshcaller.injectFault({ path: '/api/v1/users', status: 403 });
      const result = await app.runtime.fireEvent('onAppInstall', {});
      expect(result.problems).toEqual([]);
      expect(result.installBlocked).toBe('Freshchat: server error; Freshcaller: no permission');
      expect(logLines(result)).toEqual([['error', '[call-sync] onAppInstall: blocked; freshchat server (503), freshcaller forbidden (403)']]);
    });

    test('the same way: one short message for both', async () => {
      app.standins.freshchat.injectFault({ path: '/v2/accounts/configuration', status: 500 });
      app.standins.freshcaller.injectFault({ path: '/api/v1/users', status: 503 });
      const result = await app.runtime.fireEvent('onAppInstall', {});
      expect(result.problems).toEqual([]);
      expect(result.installBlocked).toBe('Freshchat and Freshcaller: server error');
      expect(chatRequests(app, 'GET', '/v2/accounts/configuration').slice(-1)[0]).toMatchObject({ status: 500, fault: true });
    });
  });
});
