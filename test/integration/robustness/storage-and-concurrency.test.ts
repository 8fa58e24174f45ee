// Robustness: the app's own state under pressure, on the shipped server/server.js: a stored record
// or cache it cannot read, the platform's 50 storage operations a minute running out in a burst of
// deliveries (before the record is read the call rides on the `drain-<n>` one-time schedule of a minute five minutes on; after a
// Freshchat write, the claim names what was under way), the 8 KB value limit, and runs of the
// same call or the same new number at the same time ("the loser defers its work, never drops
// it", README.md): the claim `lk:<root>:<v>` makes the loser `busy`, and its work is queued.
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
  type LocalApp,
  type Payload,
} from '../../support/scenario';
import { fire, laterUpdate, outcomeOf, overflowCalls, primeDrain, queued, recordIn, runCodes, runLines, stepsOf, waitFor } from '../../support/robustness';
import { variant } from '../../support/fixtures';

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
  const record = (id: number) => recordIn(app.runtime, id);

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    await primeDrain(app.runtime);
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
      expect(runCodes(result)).toEqual([['info', 'synced']]);
      expect(allAppNotes(app, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(id)).toMatchObject({ v: 1, status: 'synced', summary: 'written', failure: null });
    });

    test('an agent cache of another shape is ignored and rewritten by the next lookup', async () => {
      const id = 26300002;
      app.runtime.store('freshcaller').seed('app:state', { appId: 42, a67030: 'none', agents: { 67030: { chat: 'stale' } } });
      const result = await fire(app, outcomeOf('answered-inbound', id, SAM));
      expect(result.requests.map((r) => r.template)).toEqual(expect.arrayContaining(['callerGetUser', 'chatListAgents']));
      expect(allAppNotes(app, { callId: id })[0]).toMatchObject({ actorId: SEED.agents.ava });
      expect(app.runtime.store('freshcaller').peek('app:state')).toMatchObject({ a67030: expect.objectContaining({ chat: SEED.agents.ava, name: 'Ava Parker' }) });
    });
  });

  describe('the minute\'s 50 storage operations run out during a burst of deliveries', () => {
    const HANDLED = 26300010;
    let handled: Payload;

    beforeAll(async () => {
      const outcome = outcomeOf('missed-inbound', HANDLED, JORDAN);
      await fire(app, outcome);
      // Delivered again with no changes named: not the event that ended the call, so one read.
      handled = variant(outcome, (p) => { p.data.changes = {}; });
    });

    /** Redeliveries of a call already handled: one storage read each, in the current minute. */
    async function redeliver(times: number): Promise<void> {
      for (let n = 0; n < times; n++) expect(costOf(await fire(app, handled, 0))).toEqual(ONE_READ);
    }

    /** Completed within the platform's rules; the refused operation is reported with the code storage_deferred. */
    function expectStorageDeferred(result: InvocationResult): void {
      expect(result.problems).toEqual([]);
      expect(result.completed).toBe(true);
      expect(result.renderDataCalls).toBe(1);
      expect(result.dbOps.filter((op) => op.error && op.error.status === 429)).toHaveLength(1);
      expect(runCodes(result)).toEqual([['error', 'storage_deferred']]);
    }

    describe('no storage left at all', () => {
      const id = 26300011;

      test('nothing is written to Freshchat; the call rides on the drain schedule of a minute five minutes on', async () => {
        app.clock.advance(60_000);
        await redeliver(50);
        const event = outcomeOf('voicemail', id, RILEY);
        setFreshcallerCall(app, event.data.call);
        const result = await app.runtime.fireEvent('onCallUpdate', event);
        expectStorageDeferred(result);
        // The call just ended: its first operation is creating the record (the claim), refused.
        expect(result.dbOps.map((op) => op.op)).toEqual(['set']);
        expect(result.requests).toEqual([]);
        expect(allAppNotes(app, { callId: id })).toEqual([]);
        // Nothing could be stored: the call is carried by a schedule named for the minute.
        expect(result.schedules.filter((op) => op.ok).map((op) => op.name)).toEqual([expect.stringMatching(/^drain-\d$/)]);
        expect(overflowCalls(app.runtime)).toContain(String(id));
        expect(record(id)).toBeUndefined();
      });

      test('when the schedule fires, storage is back: the call is synced, with one summary', async () => {
        await advance(app, 6 * 60_000);
        expect(appNotes(app, riley, { callId: id, kind: 'summary' })).toHaveLength(1);
        expect(record(id)).toMatchObject({ status: 'synced', summary: 'written', failure: null });
        expect(overflowCalls(app.runtime)).not.toContain(String(id));
      });
    });

    describe('storage runs out right after the claim (the record created, its claim inside)', () => {
      const id = 26300013;

      test('nothing is written, and the failure is not taken for another run holding the call', async () => {
        app.clock.advance(60_000);
        await redeliver(49);
        const event = outcomeOf('voicemail', id, RILEY);
        setFreshcallerCall(app, event.data.call);
        const result = await app.runtime.fireEvent('onCallUpdate', event);
        expect(result.problems).toEqual([]);
        expect(runCodes(result)).toEqual([['error', 'storage_deferred']]);
        // The claim is taken; the caller's entry cannot be read, nor the failure saved.
        expect(result.dbOps.map((op) => [op.op, op.error ? op.error.status : 'ok'])).toEqual([['set', 'ok'], ['get', 429], ['set', 429]]);
        expect(result.requests).toEqual([]);
        expect(allAppNotes(app, { callId: id })).toEqual([]);
        expect(overflowCalls(app.runtime)).toContain(String(id));
      });

      test('when the schedule fires, the call is synced, with one summary', async () => {
        await advance(app, 6 * 60_000);
        expect(appNotes(app, riley, { callId: id, kind: 'summary' })).toHaveLength(1);
        expect(record(id)).toMatchObject({ status: 'synced', failure: null });
      });
    });

    // Whichever of the event's storage operations the budget runs out at (before or after the
    // summary is sent), the call must end with one summary: README.md "Which conversation, and what is written".
    // A voicemail from Riley costs 5: read the record, claim, save, mark rc:<slot>, read app:state.
    describe.each([
      // All five fit: synced.
      [45, 'synced'],
      // Only the app:state read (after the save) is refused: the call is synced all the same.
      [46, 'synced'],
      // The rc:<slot> mark and the app:state read are refused: synced, reconciliation may look again.
      [47, 'synced'],
      // The save is refused after the summary was posted: left to a minute's drain schedule.
      [48, 'storage_deferred'],
      // The claim is refused: nothing was written; left to a minute's drain schedule.
      [49, 'storage_deferred'],
    ])('the budget runs out %i operations into the minute, while a voicemail is synced', (used, code) => {
      const id = 26300200 + used;
      let outcome: Payload;
      let failed: InvocationResult;

      beforeAll(async () => {
        outcome = outcomeOf('voicemail', id, RILEY);
        setFreshcallerCall(app, outcome.data.call);
        app.clock.advance(60_000);
        await redeliver(used);
        failed = await app.runtime.fireEvent('onCallUpdate', outcome);
      });

      test('the event completes within the platform\'s rules, with at most one summary written', () => {
        expect(failed.problems).toEqual([]);
        expect(failed.completed).toBe(true);
        expect(failed.renderDataCalls).toBe(1);
        expect(appNotes(app, riley, { callId: id, kind: 'summary' }).length).toBeLessThanOrEqual(1);
      });

      test(`its code says what happened (${code}); only a call whose record was not saved rides on a minute's drain schedule`, () => {
        expect(runCodes(failed)).toEqual([[code === 'synced' ? 'info' : 'error', code]]);
        if (code === 'synced') {
          expect(overflowCalls(app.runtime)).not.toContain(String(id));
          expect(record(id)).toMatchObject({ status: 'synced', summary: 'written' });
        } else {
          expect(overflowCalls(app.runtime)).toContain(String(id));
        }
      });

      test('once storage is back, the call ends with exactly one summary, and its recording written once', async () => {
        const recording = recordingUpdate(outcome, 2);
        setFreshcallerCall(app, recording.data.call);
        await fire(app, recording, 120_000);
        await advance(app, 10 * 60_000);
        const notes = appNotes(app, riley, { callId: id });
        expect(notes.filter((n) => n.kind === 'summary')).toHaveLength(1);
        const url = String((recording.data.call.recording as { url: string }).url);
        expect(notes.filter((n) => n.text.includes(url))).toHaveLength(1);
        expect(record(id)).toMatchObject({ status: 'synced', summary: 'written', uncertain: [], uncertainFollowUps: [] });
      });
    });

    describe('the save is refused after a follow-up was posted to a linked call', () => {
      const id = 26300300;
      let outcome: Payload;
      let update: Payload;

      test('the recording follow-up is posted; the save, the 51st operation, is refused', async () => {
        outcome = outcomeOf('missed-inbound', id, RILEY);
        await fire(app, outcome);
        expect(record(id)).toMatchObject({ status: 'synced', link: { state: 'linked', conversationId: riley } });
        update = recordingUpdate(outcome, 2);
        setFreshcallerCall(app, update.data.call);
        app.clock.advance(120_000);
        await redeliver(48);
        const result = await app.runtime.fireEvent('onCallUpdate', update);
        expectStorageDeferred(result);
        expect(result.requests.map((r) => r.template)).toEqual(['chatPostMessage']);
        expect(result.dbOps.map((op) => [op.op, op.key, op.error ? op.error.status : 'ok'])).toEqual([
          ['get', 'call:' + id, 'ok'],
          ['set', 'lk:' + id + ':1', 'ok'],
          ['set', 'call:' + id, 429],
        ]);
        expect(appNotes(app, riley, { callId: id, kind: 'follow-up' })).toHaveLength(1);
      });

      test('the replay finds the claim of the run that died, checks the conversation, and does not post the follow-up again', async () => {
        await advance(app, 10 * 60_000);
        const notes = appNotes(app, riley, { callId: id });
        expect(notes.map((n) => n.kind)).toEqual(['summary', 'follow-up']);
        expect(record(id)).toMatchObject({ status: 'synced', recordingFp: expect.any(String), uncertainFollowUps: [] });
        // A later delivery of the same update finds it written.
        expect(costOf(await fire(app, update))).toEqual(ONE_READ);
      });
    });
  });

  describe('a CSAT look while another event of the call holds its claim', () => {
    const id = 26300020;
    let outcome: Payload;
    let answeredAt: number;

    beforeAll(async () => {
      outcome = outcomeOf('answered-inbound', id, JORDAN);
      setFreshcallerCall(app, outcome.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: null } });
      await fire(app, outcome);
      answeredAt = app.clock.now();
    });

    test('the survey was still open at the outcome: the rating is `waiting`, and a look is queued for 10 minutes later', () => {
      expect(record(id)).toMatchObject({ v: 1, resolution: 'resolved', csat: { state: 'waiting', looks: 1, lookAt: answeredAt + 10 * 60_000 } });
      expect(queued(app.runtime, id)).toEqual([expect.objectContaining({ kind: 'look', due: answeredAt + 10 * 60_000 })]);
      expect(app.runtime.schedules().map((s) => s.name)).not.toContain('cs-' + id);
    });

    test('the recording event is being synced when the look falls due: the look does not act on the call', async () => {
      app.clock.advance(9 * 60_000 + 50_000);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 5 } }); // the caller pressed 5
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 1000 }); // the follow-up post is slow
      const metricsReads = () => app.standins.freshcaller.requests.filter((r) => r.path === '/api/v1/calls/' + id + '/call_metrics').length;
      const readsBefore = metricsReads();
      const event = app.runtime.fireEvent('onCallUpdate', recordingUpdate(outcome, 10));
      // The event has claimed the call (its claim key exists) and is waiting for Freshchat.
      await waitFor(() => app.runtime.store('freshcaller').peek('lk:' + id + ':1') !== undefined);
      const drains = await app.runtime.advance(20_000);
      const recording = await event;
      expect(recording.problems).toEqual([]);
      expect(runCodes(recording)).toEqual([['info', 'synced']]);
      expect(stepsOf(runLines(recording)[0]!)).toEqual(['post_follow_up']);
      expect(drains.length).toBeGreaterThan(0);
      drains.forEach((d) => expect(d.problems).toEqual([]));
      // The look ran and found the call claimed (its own claim on the same version was refused):
      // busy, so it read nothing and wrote nothing, and waits in the queue.
      expect(drains.flatMap((d) => d.dbOps).filter((op) => op.key === 'lk:' + id + ':1' && op.op === 'set').map((op) => !!op.error)).toEqual([true]);
      expect(metricsReads()).toBe(readsBefore);
      expect(csatPosts(app, String(record(id)!.link.conversationId))).toEqual([]);
      expect(queued(app.runtime, id)).toEqual([expect.objectContaining({ kind: 'look' })]);
      expect(record(id)!.csat.state).toBe('waiting');
    });

    test('the rating the caller gave is still delivered, once, after the look lost the race', async () => {
      await advance(app, 30 * 60_000);
      const conversationId = String(record(id)!.link.conversationId);
      expect(csatPosts(app, conversationId).filter((p) => p.rating === 5)).toHaveLength(1);
      expect(record(id)).toMatchObject({ csat: { state: 'posted', rating: 5, looks: 2, lookAt: null } });
      expect(queued(app.runtime, id)).toEqual([]);
    });
  });

  describe('two runs at the same time', () => {
    test('the same outcome delivered twice at once: one run syncs, the other is busy and queued; one summary in the end', async () => {
      const id = 26300400;
      const event = outcomeOf('missed-inbound', id, SAM);
      setFreshcallerCall(app, event.data.call);
      app.clock.advance(60_000);
      const results = await Promise.all([app.runtime.fireEvent('onCallUpdate', event), app.runtime.fireEvent('onCallUpdate', event)]);
      results.forEach((r) => expect(r.problems).toEqual([]));
      expect(results.map((r) => runCodes(r)[0]![1]).sort()).toEqual(['busy', 'synced']);
      await advance(app, 10 * 60_000);
      expect(allAppNotes(app, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(id)).toMatchObject({ v: 1, status: 'synced' });
      expect(queued(app.runtime, id)).toEqual([]);
    });

    test('two first calls from the same new number completing together: one Freshchat user, one conversation, both summaries in it', async () => {
      const phone = '+14155550161';
      const a = outcomeOf('answered-inbound', 26300410, phone);
      const b = outcomeOf('voicemail', 26300411, phone);
      setFreshcallerCall(app, a.data.call);
      setFreshcallerCall(app, b.data.call);
      app.clock.advance(60_000);
      const results = await Promise.all([app.runtime.fireEvent('onCallUpdate', a), app.runtime.fireEvent('onCallUpdate', b)]);
      results.forEach((r) => expect(r.problems).toEqual([]));
      await advance(app, 10 * 60_000);

      const users = app.standins.freshchat.state.users.filter((u) => u.phone === phone);
      expect(users).toHaveLength(1);
      const conversations = app.standins.freshchat.state.conversations.filter((c) => c.users.some((u) => u.id === users[0]!.id));
      expect(conversations).toHaveLength(1);
      const conversationId = conversations[0]!.conversation_id;
      for (const id of [26300410, 26300411]) {
        expect(appNotes(app, conversationId, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
        expect(allAppNotes(app, { callId: id })).toHaveLength(1);
        expect(record(id)).toMatchObject({ status: 'synced', link: { state: 'linked', conversationId, userId: users[0]!.id } });
      }
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
        expect(record(26300100 + n)).toMatchObject({ summary: 'written', failure: null });
      }
    });

    test('the cache stays savable: no run lists the step cache_not_saved', () => {
      const notSaved = results.flatMap((r) => runLines(r)).filter((line) => stepsOf(line).indexOf('cache_not_saved') >= 0);
      expect(notSaved.map((line) => line.callId)).toEqual([]);
    });

    test('the last agent answering again is not looked up again (cached for a week)', async () => {
      const last = AGENTS - 1;
      app.standins.freshcaller.resetRateLimit();
      const again = await fire(app, answeredBy(26300199, 68000 + last, NAMES[last % NAMES.length] + ' ' + last));
      expect(again.requests.map((r) => r.template).filter((t) => t === 'callerGetUser' || t === 'chatListAgents')).toEqual([]);
    });
  });
});
