// Robustness: the app's own state under pressure, on the shipped server/server.js: a stored record
// or cache it cannot read, the platform's 50 storage operations a minute running out in a burst of
// deliveries, the 8 KB value limit, and a scheduled CSAT re-check running while another event of
// the same call holds the call's lock: the loser schedules a replay, never drops its work
// (README.md "How an event is handled", step 4).
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  allAppNotes,
  appNotes,
  contractWatch,
  costOf,
  csatPosts,
  ONE_READ,
  SEED,
  setFreshcallerCall,
  startScenarioApp,
  storedRecord,
  type LocalApp,
  type Payload,
} from '../../support/scenario';
import { fire, laterUpdate, logLines, outcomeOf, schedulesFor, waitFor } from '../../support/robustness';

const JORDAN = '+14155550123';
const SAM = '+14155550199';
const RILEY = '+14155550142';
const { riley } = SEED.conversations;

function recordingUpdate(event: Payload, minutes: number): Payload {
  const id = Number(event.data.call.id);
  const recording = { id: 1, url: 'https://acme.freshcaller.com/api/v1/calls/' + id + '/recording/1', duration: 40 };
  return laterUpdate(event, minutes, { recording: [recording, null] }, (call) => {
    call.recording = recording;
  });
}

describe('robustness: storage and concurrency', () => {
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

  describe('state the app cannot read', () => {
    test('a stored call record of another shape (another app version) is treated as new: the call syncs once', async () => {
      const id = 26300001;
      app.runtime.store('freshcaller').seed('call:' + id, { v: 'three', summary: 'yes', conversationId: 42 });
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      expect(logLines(result)).toEqual([['info', expect.stringContaining('posted the summary note')]]);
      expect(allAppNotes(app, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(storedRecord(app, id)).toMatchObject({ v: 1, summary: true, error: null });
    });

    test('an agent cache of another shape is ignored and rewritten by the next lookup', async () => {
      const id = 26300002;
      app.runtime.store('freshcaller').seed('app:cache', { appId: 42, agents: 'none' });
      const result = await fire(app, outcomeOf('answered-inbound', id, SAM));
      expect(result.requests.map((r) => r.template)).toEqual(expect.arrayContaining(['callerGetUser', 'chatListAgents']));
      expect(allAppNotes(app, { callId: id })[0]).toMatchObject({ actorId: SEED.agents.ava });
      expect(app.runtime.store('freshcaller').peek('app:cache')).toEqual({ agents: { 67030: expect.objectContaining({ chat: SEED.agents.ava, name: 'Ava Parker' }) } });
    });
  });

  describe('the minute\'s 50 storage operations run out during a burst of deliveries', () => {
    const HANDLED = 26300010;
    let handled: Payload;

    beforeAll(async () => {
      handled = outcomeOf('missed-inbound', HANDLED, JORDAN);
      await fire(app, handled);
    });

    /** Redeliveries of a call already handled: one storage read each, in the current minute. */
    async function redeliver(times: number): Promise<void> {
      for (let n = 0; n < times; n++) expect(costOf(await fire(app, handled, 0))).toEqual(ONE_READ);
    }

    /** Completed within the platform's rules, with the refused storage operation logged as an error. */
    function expectStorageFailureReported(result: InvocationResult): void {
      expect(result.problems).toEqual([]);
      expect(result.completed).toBe(true);
      expect(result.renderDataCalls).toBe(1);
      expect(result.dbOps.filter((op) => op.error && op.error.status === 429)).toHaveLength(1);
      expect(logLines(result)).toEqual([['error', expect.stringMatching(/storage \w+ failed \(429\)/)]]);
    }

    test('no storage left at all: nothing is written to Freshchat; the failure is logged as an error', async () => {
      app.clock.advance(60_000);
      await redeliver(50);
      const id = 26300011;
      const result = await app.runtime.fireEvent('onCallUpdate', outcomeOf('voicemail', id, RILEY));
      expectStorageFailureReported(result);
      expect(result.dbOps.map((op) => op.op)).toEqual(['get']);
      expect(result.requests).toEqual([]);
      expect(allAppNotes(app, { callId: id })).toEqual([]);
      // nothing is lost: the call is replayed once storage is back
      expect(app.runtime.schedules().map((s) => s.name)).toContain('rp-' + id);
    });

    test('storage runs out at the claim: nothing is written, and the failure is not taken for another event holding the call', async () => {
      app.clock.advance(60_000);
      await redeliver(49);
      const id = 26300013;
      const result = await app.runtime.fireEvent('onCallUpdate', outcomeOf('voicemail', id, RILEY));
      expectStorageFailureReported(result);
      expect(result.dbOps.map((op) => [op.op, op.error ? op.error.status : 'ok'])).toEqual([['get', 404], ['set', 429]]);
      expect(result.requests).toEqual([]);
      expect(logLines(result)[0]![1]).not.toContain('another event');
      expect(allAppNotes(app, { callId: id })).toEqual([]);
      expect(app.runtime.schedules().map((s) => s.name)).toContain('rp-' + id);
    });

    // Whichever of the event's storage operations the budget runs out at (before or after the
    // summary is sent), the call must end with one summary: one private summary note per call
    // (README.md "Which conversation, and what is written").
    describe.each([45, 46, 47, 48, 49])('the budget runs out %i operations into the minute, while a voicemail is synced', (used) => {
      const id = 26300200 + used;
      let outcome: Payload;
      let failed: InvocationResult;

      beforeAll(async () => {
        outcome = outcomeOf('voicemail', id, RILEY);
        app.clock.advance(60_000);
        await redeliver(used);
        failed = await app.runtime.fireEvent('onCallUpdate', outcome);
      });

      test('the event completes within the platform\'s rules, with at most one summary written', () => {
        expect(failed.problems).toEqual([]);
        expect(failed.completed).toBe(true);
        expect(failed.renderDataCalls).toBe(1);
        if (failed.dbOps.some((op) => op.error && op.error.status === 429)) {
          expect(logLines(failed)).toEqual([['error', expect.stringMatching(/storage \w+ failed \(429\)/)]]);
        }
        expect(appNotes(app, riley, { callId: id, kind: 'summary' }).length).toBeLessThanOrEqual(1);
      });

      test('once storage is back, the call ends with exactly one summary, and its recording written once', async () => {
        const recording = recordingUpdate(outcome, 2);
        await fire(app, recording, 120_000);
        await advance(app, 10 * 60_000);
        const notes = appNotes(app, riley, { callId: id });
        expect(notes.filter((n) => n.kind === 'summary')).toHaveLength(1);
        const url = String((recording.data.call.recording as { url: string }).url);
        expect(notes.filter((n) => n.text.includes(url))).toHaveLength(1);
      });
    });
  });

  describe('a CSAT re-check while another event of the call holds its lock', () => {
    const id = 26300020;
    let outcome: Payload;
    let recheck: InvocationResult | undefined;

    beforeAll(async () => {
      outcome = outcomeOf('answered-inbound', id, JORDAN);
      setFreshcallerCall(app, outcome.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: null } });
      await fire(app, outcome);
    });

    test('the survey was still open at the outcome: a re-check is scheduled', () => {
      expect(storedRecord(app, id)).toMatchObject({ csat: 'waiting', resolved: true, v: 1 });
      expect(schedulesFor(app.runtime, id)).toEqual(['cs-' + id]);
    });

    test('the recording event is being synced when the re-check falls due: the re-check does not act on the call', async () => {
      app.clock.advance(9 * 60_000 + 50_000);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 5 } }); // the caller pressed 5
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 1000 }); // the follow-up post is slow
      const event = app.runtime.fireEvent('onCallUpdate', recordingUpdate(outcome, 10));
      // The event has claimed the call (its lock key exists) and is waiting for Freshchat.
      await waitFor(() => app.runtime.store('freshcaller').peek('lk:' + id + ':1') !== undefined);
      [recheck] = await app.runtime.advance(20_000);
      const recording = await event;
      expect(recording.problems).toEqual([]);
      expect(logLines(recording)).toEqual([['info', expect.stringContaining('posted a follow-up (recording)')]]);
      expect(recheck!.problems).toEqual([]);
      expect(recheck!.requests).toEqual([]);
      expect(logLines(recheck!)).toEqual([['info', expect.stringContaining('[call-sync] onScheduledEvent: call ' + id + ': busy; CSAT check')]]);
      expect(csatPosts(app, String(storedRecord(app, id)!.conversationId))).toEqual([]);
    });

    test('the rating the caller gave is still delivered, once, after the re-check lost the race', async () => {
      await advance(app, 30 * 60_000);
      const conversationId = String(storedRecord(app, id)!.conversationId);
      expect(csatPosts(app, conversationId).filter((p) => p.rating === 5)).toHaveLength(1);
      expect(storedRecord(app, id)).toMatchObject({ csat: 'posted', csatRating: 5 });
    });
  });

  describe('the agent cache against the 8 KB value limit', () => {
    const PHONE = '+14155550133';
    const AGENTS = 50;
    /** Full names with patronymics, as a Russian-speaking team enters them: about 90 bytes in UTF-8. */
    const NAMES = ['Анастасия Александровна Константинопольская', 'Святослав Владимирович Преображенский', 'Екатерина Станиславовна Верховцева-Долгорукова'];
    const results: InvocationResult[] = [];

    function answeredBy(id: number, agentId: number, name: string): Payload {
      return outcomeOf('answered-inbound', id, PHONE, (call) => {
        call.assigned_agent_id = agentId;
        call.assigned_agent_name = name;
        for (const p of call.participants) if (p.participant_type === 'Agent') p.participant_id = agentId;
      });
    }

    beforeAll(async () => {
      const user = app.standins.freshchat.addUser({ phone: PHONE, first_name: 'Mira' });
      app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000e5', users: [{ id: user.id }], status: 'new' });
      for (let n = 0; n < AGENTS; n++) {
        const name = NAMES[n % NAMES.length] + ' ' + n;
        app.standins.freshcaller.addUser({ id: 68000 + n, name, email: 'agent' + n + '@example.com' });
        app.standins.freshchat.addAgent({ email: 'agent' + n + '@example.com', first_name: name });
      }
      // Each agent answers one call; the app caches who they are, the email mapping being cached
      // for a week (README.md "Which conversation, and what is written").
      for (let n = 0; n < AGENTS; n++) {
        // A simulated minute passes between calls; the stand-ins count their rate limits in real time.
        app.standins.freshcaller.resetRateLimit();
        app.standins.freshchat.resetRateLimit();
        results.push(await fire(app, answeredBy(26300100 + n, 68000 + n, NAMES[n % NAMES.length] + ' ' + n)));
      }
    });

    test('every call was written by its own agent, whatever happened to the cache', () => {
      for (let n = 0; n < AGENTS; n++) {
        const [summary] = allAppNotes(app, { callId: 26300100 + n, kind: 'summary' });
        expect(summary).toBeDefined();
        expect(summary!.actorId).toBe(app.standins.freshchat.state.agents.find((a) => a.email === 'agent' + n + '@example.com')!.id);
        expect(storedRecord(app, 26300100 + n)).toMatchObject({ summary: true, error: null });
      }
    });

    test('the cache stays savable: no call reports "agent cache not saved"', () => {
      const notSaved = results.filter((r) => logLines(r).some(([, message]) => message.includes('agent cache not saved')));
      expect(notSaved.map((r) => logLines(r)[0]![1].replace(/^.*(agent cache not saved[^;]*).*$/, '$1'))).toEqual([]);
    });

    test('the last agent answering again is not looked up again (cached for a week)', async () => {
      const last = AGENTS - 1;
      app.standins.freshcaller.resetRateLimit();
      const again = await fire(app, answeredBy(26300199, 68000 + last, NAMES[last % NAMES.length] + ' ' + last));
      expect(again.requests.map((r) => r.template).filter((t) => t === 'callerGetUser' || t === 'chatListAgents')).toEqual([]);
    });
  });
});
