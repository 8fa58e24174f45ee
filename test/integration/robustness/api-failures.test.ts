// Robustness: Freshchat and Freshcaller failing while a call is synced, on the shipped
// server/server.js over real HTTP. Every failure is recorded on the call's record (`call:<id>`,
// `failure: { code, reason, permanent }`) in plain words, logged as an error with the run code
// `deferred` or `failed`, and never crashes the event. A failure a later try can fix (429, 5xx,
// timeout, no connection) queues the call (`q:<slot>` holds `c<id>`), and the drain (the
// recurring schedule and its kicks) finishes the work exactly once; a permanent one (400, 401,
// 403, 404, 410, 422) queues nothing. A write whose answer was lost is checked before it is redone.
import {
  advance,
  allAppNotes,
  appNotes,
  callerRequests,
  chatRequests,
  contractWatch,
  csatPosts,
  renamed,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  type LocalApp,
  type Payload,
} from '../../support/scenario';
import type { LocalRuntime } from '../../../tools/runtime';
import {
  fire,
  fireOn,
  laterUpdate,
  logLines,
  outcomeOf,
  pause,
  primeDrain,
  queued,
  recordIn,
  recordSideRuntimes,
  sideRuntimeLogLeaks,
  runCodes,
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
  const record = (id: number) => recordIn(app.runtime, id);

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    await primeDrain(app.runtime);
  });
  afterEach(() => {
    app.standins.freshchat.clearFaults();
    app.standins.freshcaller.clearFaults();
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
    expect(sideRuntimeLogLeaks(app)).toEqual([]);
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
      /** What the failed post may have done: a 5xx may have written the note. */
      uncertain: string[];
      /** A 404 on the conversation the app linked: linked again by the next run. */
      link: string;
      id: number;
    }
    const cases: Case[] = [
      { status: 400, code: 'invalid', reason: 'Freshchat refused the request as invalid', transient: false, uncertain: [], link: 'linked', id: 26000400 },
      { status: 401, code: 'auth', reason: 'Freshchat rejected the API token', transient: false, uncertain: [], link: 'linked', id: 26000401 },
      { status: 403, code: 'forbidden', reason: 'Freshchat denied access: the API token lacks permission', transient: false, uncertain: [], link: 'linked', id: 26000403 },
      // The conversation was deleted between the lookup and the post.
      { status: 404, code: 'not_found', reason: 'Freshchat has no such conversation', transient: false, uncertain: [], link: 'none', id: 26000404 },
      { status: 410, code: 'invalid', reason: 'Freshchat refused the request as invalid', transient: false, uncertain: [], link: 'linked', id: 26000410 },
      { status: 422, code: 'invalid', reason: 'Freshchat refused the request as invalid', transient: false, uncertain: [], link: 'linked', id: 26000422 },
      { status: 429, code: 'rate_limited', reason: 'Freshchat is limiting how many requests the app makes', transient: true, retryAfter: 120, uncertain: [], link: 'linked', id: 26000429 },
      { status: 500, code: 'server', reason: 'Freshchat had a server error', transient: true, uncertain: ['summary'], link: 'linked', id: 26000500 },
      // A gateway in front of Freshchat answering with a body: the API is there but failing.
      { status: 502, code: 'server', reason: 'Freshchat had a server error', transient: true, uncertain: ['summary'], link: 'linked', id: 26000502 },
      { status: 503, code: 'server', reason: 'Freshchat had a server error', transient: true, uncertain: ['summary'], link: 'linked', id: 26000503 },
    ];
    test.each(cases)('$status: recorded as $code with a plain-words reason; queued for a retry: $transient', async (c) => {
      const event = missedFromJordan(c.id);
      setFreshcallerCall(app, event.data.call); // what a retry reads back
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: c.status, retryAfter: c.retryAfter });
      const result = await fire(app, event);

      expect(result.problems).toEqual([]);
      expect(result.completed).toBe(true);
      expect(runCodes(result)).toEqual([['error', c.transient ? 'deferred' : 'failed']]);
      // The error is stored with the call in plain words; the note is not written.
      expect(record(c.id)).toMatchObject({
        status: c.transient ? 'retrying' : 'failed',
        outcome: 'missed',
        summary: 'none',
        link: { state: c.link },
        uncertain: c.uncertain,
        failure: { code: c.code, reason: c.reason, status: c.status, permanent: !c.transient, at: app.clock.now() },
      });
      if (c.link === 'linked') expect(record(c.id)!.link.conversationId).toBe(jordanOpen);
      expect(appNotes(app, jordanOpen, { callId: c.id })).toEqual([]);
      // One attempt only: chatPostMessage is not retried by its template (a retried POST could post twice).
      expect(result.requests.filter((r) => r.template === 'chatPostMessage')).toEqual([expect.objectContaining({ status: c.status, attempts: 1 })]);
      // No schedule of its own per call: the call waits in the queue, or nowhere.
      expect(schedulesFor(app.runtime, c.id)).toEqual([]);
      if (c.transient) {
        const items = queued(app.runtime, c.id);
        expect(items).toEqual([expect.objectContaining({ call: String(c.id), kind: 'retry', attempts: 1 })]);
        // Not before a minute, and not before the Retry-After of 2 minutes.
        expect(items[0]!.due - app.clock.now()).toBeGreaterThanOrEqual((c.retryAfter || 60) * 1000);
        expect(record(c.id)!.failure!.nextAt).toBe(items[0]!.due);
        expect(app.runtime.schedules().map((s) => s.name)).toContain('call-sync-drain');
      } else {
        expect(queued(app.runtime, c.id)).toEqual([]);
        expect(record(c.id)!.failure!.nextAt).toBeNull();
      }
    });

    test('the same failure twice before the retry runs keeps one queued item for the call', async () => {
      const id = 26000504;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503, times: 2 });
      const first = await fire(app, event);
      // The platform delivers the same event again a minute later; Freshchat still fails.
      const second = await fire(app, event);
      expect(runCodes(first)).toEqual([['error', 'deferred']]);
      expect(runCodes(second)).toEqual([['error', 'deferred']]);
      // The second run checked the conversation before posting again (the 503 may have written it).
      expect(second.requests.map((r) => r.template)).toEqual(['chatListMessagesSince', 'chatPostMessage']);
      expect(queued(app.runtime, id)).toHaveLength(1);
      expect(record(id)).toMatchObject({ v: 2, summary: 'none', uncertain: ['summary'], failure: { code: 'server' } });
    });

    test('once Freshchat is back, the drain finishes the transient failures with one summary each; the permanent ones stay recorded', async () => {
      const transient = cases.filter((c) => c.transient).map((c) => c.id).concat(26000504);
      const permanent = cases.filter((c) => !c.transient).map((c) => c.id);
      const drains = await advance(app, 15 * 60_000);
      expect(drains.length).toBeGreaterThan(0);
      const templates = drains.flatMap((d) => d.requests.map((r) => r.template));
      // Each retry reads the call back from Freshcaller and reuses the stored link: no second search.
      expect(templates.filter((t) => t === 'callerGetCall').length).toBeGreaterThanOrEqual(transient.length);
      expect(templates).not.toContain('chatFindUsersByPhone');
      for (const id of transient) {
        const notes = appNotes(app, jordanOpen, { callId: id });
        expect(notes.map((n) => n.kind)).toEqual(['summary']);
        expect(notes[0]!.lines[0]).toBe('Incoming call \u00b7 missed');
        expect(record(id)).toMatchObject({ status: 'synced', summary: 'written', uncertain: [], failure: null });
        expect(queued(app.runtime, id)).toEqual([]);
      }
      for (const id of permanent) {
        expect(appNotes(app, jordanOpen, { callId: id })).toEqual([]);
        expect(record(id)).toMatchObject({ status: 'failed', summary: 'none', failure: { permanent: true } });
        expect(queued(app.runtime, id)).toEqual([]);
      }
      // Nothing runs them again later: no retry re-posts anything.
      const later = await advance(app, 30 * 60_000);
      expect(later.flatMap((d) => d.requests.map((r) => r.template))).not.toContain('chatPostMessage');
      for (const id of transient) expect(appNotes(app, jordanOpen, { callId: id })).toHaveLength(1);
    });
  });

  describe('Freshchat too slow or not there (another installation with a 1 s request timeout)', () => {
    async function slowInstallation(): Promise<LocalRuntime> {
      const runtime = sideRuntime(app, { requestTimeoutMs: 1000 });
      await primeDrain(runtime);
      return runtime;
    }

    test('a lookup that times out on every attempt is recorded as a timeout and queued; the drain links and writes once', async () => {
      const runtime = await slowInstallation();
      const id = 26000601;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users', delayMs: 2000, times: 2 });
      const searches = chatRequests(app, 'GET', '/v2/users').length;
      const result = await fireOn(runtime, event);
      // The slow answers arrive, too late (and are thrown away).
      await waitFor(() => chatRequests(app, 'GET', '/v2/users').length === searches + 2);

      expect(result.requests.find((r) => r.template === 'chatFindUsersByPhone')).toMatchObject({ status: 504, attempts: 2 });
      expect(runCodes(result)).toEqual([['error', 'deferred']]);
      expect(recordIn(runtime, id)).toMatchObject({
        link: { state: 'none', conversationId: null },
        summary: 'none',
        failure: { code: 'timeout', reason: 'Freshchat did not answer in time', permanent: false },
      });
      expect(queued(runtime, id)).toEqual([expect.objectContaining({ kind: 'retry' })]);

      const drains = await runtime.advance(7 * 60_000);
      drains.forEach((d) => expect(d.problems).toEqual([]));
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(recordIn(runtime, id)).toMatchObject({ status: 'synced', link: { state: 'linked', conversationId: jordanOpen }, summary: 'written', failure: null });
      expect(queued(runtime, id)).toEqual([]);
    });

    test('a summary post that times out after Freshchat accepted it is checked, not written a second time, by the retry', async () => {
      const runtime = await slowInstallation();
      const id = 26000602;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 2000 });
      const result = await fireOn(runtime, event);
      // Freshchat finishes the slow request after the app gave up on it: the note is there.
      await waitFor(() => appNotes(app, jordanOpen, { callId: id }).length === 1);

      expect(runCodes(result)).toEqual([['error', 'deferred']]);
      expect(recordIn(runtime, id)).toMatchObject({ summary: 'none', uncertain: ['summary'], failure: { code: 'timeout' } });
      expect(queued(runtime, id)).toHaveLength(1);

      const drains = await runtime.advance(7 * 60_000);
      expect(drains.flatMap((d) => d.requests.map((r) => r.template))).toContain('chatListMessagesSince');
      // README.md "Which conversation, and what is written": one private note per call, whatever the retries.
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(recordIn(runtime, id)).toMatchObject({ status: 'synced', summary: 'written', uncertain: [], failure: null });
      expect(queued(runtime, id)).toEqual([]);
    });

    test('notes edited after such a timed-out summary arrive as one "Call notes updated" follow-up; the summary is not repeated', async () => {
      const runtime = await slowInstallation();
      const id = 26000604;
      const event = missedFromJordan(id);
      event.data.call.call_notes = 'Left a message about the invoice.';
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 2000 });
      await fireOn(runtime, event);
      await waitFor(() => appNotes(app, jordanOpen, { callId: id }).length === 1);

      // Before the retry runs, the agent edits the call notes.
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
      expect(recordIn(runtime, id)).toMatchObject({ status: 'synced', summary: 'written', uncertain: [], failure: null });
    });

    test('a follow-up post that times out after Freshchat accepted it is not written a second time', async () => {
      const runtime = await slowInstallation();
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
      expect(runCodes(slow)).toEqual([['error', 'deferred']]);
      expect(recordIn(runtime, id)!.uncertainFollowUps).toHaveLength(1);
      await waitFor(() => appNotes(app, jordanOpen, { callId: id }).length === 2);

      await runtime.advance(10 * 60_000);
      const notes = appNotes(app, jordanOpen, { callId: id });
      expect(notes.map((n) => n.kind)).toEqual(['summary', 'follow-up']);
      expect(notes[1]!.lines).toEqual(['Recording ready: ' + recording.url]);
      expect(recordIn(runtime, id)).toMatchObject({ status: 'synced', uncertainFollowUps: [], failure: null, recordingFp: expect.any(String) });
    });

    test('a Freshchat host that cannot be reached is recorded as unreachable and queued', async () => {
      const hostMap = { [String(app.iparams.freshcaller_host)]: app.standins.freshcaller.url };
      const runtime = sideRuntime(app, { hostMap });
      await primeDrain(runtime);
      const id = 26000603;
      const result = await fireOn(runtime, missedFromJordan(id));
      expect(result.requests.map((r) => [r.template, r.status])).toEqual([['chatFindUsersByPhone', 502]]);
      expect(runCodes(result)).toEqual([['error', 'deferred']]);
      expect(recordIn(runtime, id)).toMatchObject({ link: { state: 'none', conversationId: null }, failure: { code: 'unreachable', reason: 'Freshchat is unreachable at that host' } });
      expect(queued(runtime, id)).toEqual([expect.objectContaining({ kind: 'retry' })]);
    });
  });

  // docs/architecture.md "the writes whose answer was lost are checked before they are redone;
  // only the check clears an uncertainty: a later unrelated run never does".
  describe('a summary post whose answer was lost, then another event of the same call', () => {
    const TRANSFER_ROOT = 25847740;
    const TRANSFER_LEG = 25847741;

    /** The transfer sample from Jordan under new ids: [root outcome, answered leg]. */
    function transferOf(root: number): [Payload, Payload] {
      const events = renamed(sequence('transfer'), { [TRANSFER_ROOT]: root, [TRANSFER_LEG]: root + 1 }, JORDAN);
      return [events[3]!, events[4]!];
    }

    /** The root's summary post is slow (2 s) on an installation that waits 1 s: its answer is lost. */
    async function lostSummary(root: Payload): Promise<LocalRuntime> {
      const runtime = sideRuntime(app, { requestTimeoutMs: 1000 });
      await primeDrain(runtime);
      setFreshcallerCall(app, root.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 2000 });
      const result = await fireOn(runtime, root);
      expect(runCodes(result)).toEqual([['error', 'deferred']]);
      expect(recordIn(runtime, Number(root.data.call.id))).toMatchObject({ summary: 'none', uncertain: ['summary'], failure: { code: 'timeout' } });
      return runtime;
    }

    describe('the same event delivered again after Freshchat finished the slow post', () => {
      const ROOT = 26000800;
      let root: Payload;
      let runtime: LocalRuntime;

      test('the summary found is adopted, not written again; the call is resolved', async () => {
        [root] = transferOf(ROOT);
        runtime = await lostSummary(root);
        await waitFor(() => allAppNotes(app, { callId: ROOT }).length === 1);
        // Within a minute of the lost answer the post may still be landing: the delivery waits.
        runtime.clock.advance(30_000);
        const early = await fireOn(runtime, root);
        expect(runCodes(early)).toEqual([['info', 'busy']]);
        expect(early.requests).toEqual([]);
        runtime.clock.advance(31_000);
        const again = await fireOn(runtime, root);
        expect(runCodes(again)).toEqual([['info', 'synced']]);
        expect(again.requests.map((r) => r.template)).toEqual(['chatListMessagesSince', 'chatUpdateConversation']);
        expect(recordIn(runtime, ROOT)).toMatchObject({ status: 'synced', summary: 'written', resolution: 'resolved', uncertain: [], failure: null });
      });

      test('the queued retry then finds nothing to do: still one note', async () => {
        await runtime.advance(10 * 60_000);
        expect(allAppNotes(app, { callId: ROOT }).map((n) => n.kind)).toEqual(['summary']);
        expect(queued(runtime, ROOT)).toEqual([]);
      });
    });

    describe('a transfer leg after Freshchat finished the slow post', () => {
      const ROOT = 26000810;
      let root: Payload;
      let leg: Payload;
      let runtime: LocalRuntime;

      test('the summary found is adopted, and the transfer it does not name still gets its line', async () => {
        [root, leg] = transferOf(ROOT);
        runtime = await lostSummary(root);
        await waitFor(() => allAppNotes(app, { callId: ROOT }).length === 1);
        runtime.clock.advance(30_000);
        await fireOn(runtime, leg);
        await runtime.advance(10 * 60_000);
        const notes = allAppNotes(app, { callId: ROOT });
        expect(notes.filter((n) => n.kind === 'summary')).toHaveLength(1);
        // The adopted summary was written before the leg was known: it does not name the transfer.
        expect(notes[0]!.lines.some((l) => l.startsWith('Transferred to'))).toBe(false);
        expect(notes.flatMap((n) => n.lines).filter((l) => l.startsWith('Transferred to'))).toEqual([expect.stringContaining('Transferred to: Dan Fischer')]);
        expect(recordIn(runtime, ROOT)).toMatchObject({ summary: 'written', uncertain: [] });
      });

      test('the root call delivered again adds no "Call notes updated" repeating the summary', async () => {
        runtime.clock.advance(60_000);
        await fireOn(runtime, root);
        const notes = allAppNotes(app, { callId: ROOT });
        expect(notes.flatMap((n) => n.lines).filter((l) => l.startsWith('Call notes updated'))).toEqual([]);
        expect(notes.filter((n) => n.kind === 'summary')).toHaveLength(1);
      });
    });

    test('the same event delivered again while the slow post is still under way: no second summary', async () => {
      const ROOT = 26000820;
      const [root] = transferOf(ROOT);
      const runtime = await lostSummary(root);
      // Freshchat is still working on the first post when the platform delivers the event again.
      runtime.clock.advance(30_000);
      await fireOn(runtime, root);
      await waitFor(() => allAppNotes(app, { callId: ROOT }).length >= 1);
      await pause(2500);
      await runtime.advance(10 * 60_000);
      expect(allAppNotes(app, { callId: ROOT, kind: 'summary' })).toHaveLength(1);
    });

    test('a transfer leg while the slow post is still under way: the uncertainty stays, and the retry writes no second summary', async () => {
      const ROOT = 26000830;
      const [root, leg] = transferOf(ROOT);
      const runtime = await lostSummary(root);
      runtime.clock.advance(30_000);
      const folded = await fireOn(runtime, leg);
      // A leg writes nothing of its own; whatever it read, it cannot know the slow post failed.
      expect(folded.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(recordIn(runtime, ROOT)).toMatchObject({ summary: 'none', uncertain: ['summary'] });
      await waitFor(() => allAppNotes(app, { callId: ROOT }).length >= 1);
      await pause(2500);
      await runtime.advance(10 * 60_000);
      expect(allAppNotes(app, { callId: ROOT, kind: 'summary' })).toHaveLength(1);
    });
  });

  describe('a fresh installation', () => {
    test('the first call\'s retry, queued before any drain ran, is run by the first drain', async () => {
      // Its own store and clock, and no drain run yet: `app:state` does not exist.
      const runtime = sideRuntime(app);
      const id = 26000900;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      runtime.clock.advance(60_000);
      expect(runCodes(await fireOn(runtime, event))).toEqual([['error', 'deferred']]);
      expect(queued(runtime, id)).toHaveLength(1);
      expect(runtime.store('freshcaller').peek('app:state')).toBeUndefined();

      const drains = await runtime.advance(10 * 60_000);
      expect(drains.length).toBeGreaterThan(0);
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(recordIn(runtime, id)).toMatchObject({ status: 'synced', failure: null });
      expect(queued(runtime, id)).toEqual([]);
    });
  });

  describe('Freshchat failing for more than a day', () => {
    const id = 26000950;
    let runtime: LocalRuntime;
    let conversationId: string;
    let start: number;
    /** The most copies of the call the queue held at once. */
    let copies = 0;
    let postsIn2h = 0;
    const posts = () => chatRequests(app, 'POST', '/v2/conversations/' + conversationId + '/messages').length;

    /** Simulated time in 5-minute steps; the stand-ins count their rate limits on the app's clock, which stays put. */
    async function wait(ms: number): Promise<void> {
      for (let at = 0; at < ms; at += 5 * 60_000) {
        app.standins.freshcaller.resetRateLimit();
        app.standins.freshchat.resetRateLimit();
        (await runtime.advance(5 * 60_000)).forEach((r) => expect(r.problems).toEqual([]));
        copies = Math.max(copies, queued(runtime, id).length);
      }
    }

    beforeAll(async () => {
      runtime = sideRuntime(app);
      await primeDrain(runtime);
      const phone = '+14155550157';
      const user = app.standins.freshchat.addUser({ phone, first_name: 'Outage' });
      conversationId = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000f5', users: [{ id: user.id }], status: 'new' }).conversation_id;
      const event = outcomeOf('missed-inbound', id, phone, (call) => {
        // A call that ended just now: reconciliation lists it 15 minutes later, like a real one.
        call.created_time = new Date(runtime.clock.now() - 120_000).toISOString();
        call.updated_time = new Date(runtime.clock.now()).toISOString();
      });
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: '/v2/conversations/' + conversationId + '/messages', status: 503, times: Infinity });
      start = runtime.clock.now();
      expect(runCodes(await fireOn(runtime, event))).toEqual([['error', 'deferred']]);
      await wait(2 * 3600_000);
      postsIn2h = posts();
      await wait(23 * 3600_000);
    }, 120_000);
    afterAll(() => app.standins.freshchat.clearFaults());

    test('the retries back off from 1 to 30 minutes: far fewer tries than drains (24 in 2 hours)', () => {
      expect(postsIn2h).toBeGreaterThan(3);
      expect(postsIn2h).toBeLessThanOrEqual(10);
    });

    test('the call is never queued twice, whatever else runs it (reconciliation lists it too)', () => {
      expect(copies).toBe(1);
    });

    test('after 24 hours the failure is recorded as permanent (gave_up), in plain words, and nothing tries again', async () => {
      expect(runtime.clock.now() - start).toBeLessThanOrEqual(25 * 3600_000);
      expect(recordIn(runtime, id)).toMatchObject({ status: 'failed', failure: { code: 'gave_up', permanent: true, nextAt: null } });
      expect(recordIn(runtime, id)!.failure!.reason).toMatch(/^gave up after 24 hours of retries: Freshchat had a server error/);
      expect(queued(runtime, id)).toEqual([]);
      expect(appNotes(app, conversationId, { callId: id })).toEqual([]);
      const tries = posts();
      await wait(2 * 3600_000);
      expect(posts()).toBe(tries);
    }, 60_000);
  });

  describe('Freshcaller fails', () => {
    test('call metrics answering 500 on every attempt: recorded before anything is written, then retried with the CSAT', async () => {
      const id = 26000700;
      const event = outcomeOf('answered-inbound', id, SAM);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 5 } });
      app.standins.freshcaller.injectFault({ method: 'GET', path: '/api/v1/calls/' + id + '/call_metrics', status: 500, times: 2 });
      const result = await fire(app, event);

      expect(result.requests.find((r) => r.template === 'callerGetCallMetrics')).toMatchObject({ status: 500, attempts: 2 });
      expect(result.requests.map((r) => r.template).filter((t) => /^chat(Post|Update|Create)/.test(t))).toEqual([]);
      expect(runCodes(result)).toEqual([['error', 'deferred']]);
      expect(record(id)).toMatchObject({ summary: 'none', csat: { state: 'unknown' }, failure: { code: 'server', reason: 'Freshcaller had a server error' } });
      expect(appNotes(app, sam, { callId: id })).toEqual([]);
      expect(queued(app.runtime, id)).toHaveLength(1);

      await advance(app, 7 * 60_000);
      const notes = appNotes(app, sam, { callId: id });
      expect(notes.map((n) => n.kind)).toEqual(['summary']);
      expect(notes[0]!.lines).toContain('CSAT: 5/5 (caller pressed 5)');
      expect(csatPosts(app, sam)).toEqual([expect.objectContaining({ rating: 5, issue_resolved: true })]);
      expect(record(id)).toMatchObject({ status: 'synced', summary: 'written', resolution: 'resolved', csat: { state: 'posted', rating: 5 }, failure: null });
    });

    test('the reconciliation\'s call list failing (500): the scheduled event still completes, and the queue is still drained', async () => {
      const id = 26000704;
      const event = missedFromJordan(id);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      expect(runCodes(await fire(app, event))).toEqual([['error', 'deferred']]);
      app.standins.freshcaller.injectFault({ method: 'GET', path: /^\/api\/v1\/calls$/, status: 500, times: Infinity });
      // advance() fails on an invocation the platform would count as failed (an exception out of the handler).
      const drains = await advance(app, 7 * 60_000);
      expect(drains.flatMap((d) => d.requests.map((r) => r.template))).toContain('callerListCalls');
      expect(appNotes(app, jordanOpen, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(id)).toMatchObject({ status: 'synced', failure: null });
    });

    test('call metrics answering 401: a permanent error naming the Freshcaller key; nothing queued', async () => {
      const id = 26000701;
      app.standins.freshcaller.injectFault({ method: 'GET', path: '/api/v1/calls/' + id + '/call_metrics', status: 401 });
      const result = await fire(app, outcomeOf('answered-inbound', id, SAM));
      expect(runCodes(result)).toEqual([['error', 'failed']]);
      expect(record(id)).toMatchObject({ status: 'failed', summary: 'none', failure: { code: 'auth', reason: 'Freshcaller rejected the API key', permanent: true } });
      expect(queued(app.runtime, id)).toEqual([]);
      expect(schedulesFor(app.runtime, id)).toEqual([]);
    });

    test('no metrics for the call (404): the call syncs without a rating', async () => {
      const id = 26000702;
      const result = await fire(app, outcomeOf('answered-inbound', id, SAM));
      expect(callerRequests(app, 'GET', '/api/v1/calls/' + id + '/call_metrics').map((r) => r.status)).toEqual([404]);
      expect(runCodes(result)).toEqual([['info', 'synced']]);
      expect(record(id)).toMatchObject({ summary: 'written', csat: { state: 'none', rating: null }, failure: null });
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
      expect(record(id)).toMatchObject({ summary: 'written', actorId: SEED.agents.defaultAgent, agentName: 'Pat Quinn', failure: null });
      // The miss is cached, so the next call of this agent costs no lookup.
      expect(app.runtime.store('freshcaller').peek('app:state')).toMatchObject({ a67099: { name: 'Pat Quinn' } });
    });
  });

  describe('the install check when both products fail', () => {
    test('differently: the message names each product\'s failure', async () => {
      app.standins.freshchat.injectFault({ path: '/v2/accounts/configuration', status: 503 });
      app.standins.freshcaller.injectFault({ path: '/api/v1/users', status: 403 });
      const result = await app.runtime.fireEvent('onAppInstall', {});
      expect(result.problems).toEqual([]);
      expect(result.installBlocked).toBe('Freshchat: server error; Freshcaller: no permission');
      expect(logLines(result)).toEqual([['error', expect.stringContaining('freshchat server (503), freshcaller forbidden (403)')]]);
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
