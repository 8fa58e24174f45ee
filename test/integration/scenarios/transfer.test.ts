// Scenario 6: Ava answers Jordan and transfers the call to Dan (test_data/calls/transfer.json).
// The caller went to the CSAT survey (call metrics: transfer_made true) but no rating is there yet
// when the call ends, so the app queues one more look ten minutes later (the deferred-work queue, drained by
// the recurring schedule and its kicks), then stops.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  appNotes,
  callerRequests,
  chatRequests,
  conversation,
  costOf,
  csatPosts,
  dbOpsOf,
  FREE,
  logCodes,
  pendingItems,
  pendingQueue,
  record,
  renamed,
  replay,
  SEED,
  sequence,
  scheduleNames,
  setFreshcallerCall,
  storedRecord,
  useReplayedSample,
  useSettings,
  type LocalApp,
} from '../../support/scenario';

const ROOT = 25847740;
const LEG = 25847741;
const { jordanOpen, jordanResolved } = SEED.conversations;

describe('scenario: a transferred call whose CSAT survey is still open', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('transfer', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('one summary in the root call\'s conversation, then one follow-up naming the transfer; no note per leg', () => {
    const notes = appNotes(app, jordanOpen);
    expect(notes.map((n) => [n.callId, n.kind])).toEqual([
      [String(ROOT), 'summary'],
      [String(ROOT), 'follow-up'],
    ]);
    expect(notes[0]!.lines).toEqual([
      'Incoming call \u00b7 answered',
      'Caller: +1 415 555 0123',
      'Agent: Ava Parker',
      'Duration: 1m 02s',
      'Business number: +1 858 281 0798 \u00b7 queue Support queue',
      'Call notes: Billing question; transferred to Dan in billing.',
      'Freshcaller call ' + ROOT,
    ]);
    expect(notes[0]!.actorId).toBe(SEED.agents.ava);
    expect(notes[1]!.lines).toEqual(['Transferred to: Dan Fischer (1m 10s)']);
    expect(appNotes(app, jordanOpen, { callId: LEG })).toEqual([]);
    expect(appNotes(app, jordanResolved)).toEqual([]);
    expect(storedRecord(app, LEG)).toBeUndefined();
    expect(record(app, ROOT)).toMatchObject({
      status: 'synced',
      link: { state: 'linked', conversationId: jordanOpen },
      summary: 'written',
      resolution: 'resolved',
      csat: { state: 'waiting', rating: null, looks: 1 },
      transfers: [{ leg: String(LEG), agentName: 'Dan Fischer', durationSeconds: 70, written: true }],
    });
    // The leg's event is logged against the root call it folded into.
    expect(logCodes(results)).toEqual(['skipped', 'skipped', 'skipped', 'synced', 'synced']);
  });

  test('the conversation is resolved, no CSAT is posted yet, and one look is queued ten minutes out', () => {
    expect(conversation(app, jordanOpen).status).toBe('resolved');
    expect(csatPosts(app, jordanOpen)).toEqual([]);
    const queued = pendingItems(app);
    expect(queued.map((item) => [item.call, item.kind])).toEqual([[String(ROOT), 'look']]);
    expect(queued[0]!.due - app.clock.now()).toBe(10 * 60_000);
    expect(record(app, ROOT).csat.lookAt).toBe(queued[0]!.due);
    // No schedule per call: the recurring drain and a kick for the minute the look falls due.
    const names = scheduleNames(app);
    expect(names).toContain('call-sync-drain');
    expect(names.every((name) => name === 'call-sync-drain' || /^drain-\d$/.test(name))).toBe(true);
    const drainAt = app.runtime.schedules().map((s) => s.nextRunAt).filter((at) => at >= queued[0]!.due);
    expect(Math.min(...drainAt) - queued[0]!.due).toBeLessThanOrEqual(5 * 60_000);
  });

  test('what it cost: nothing until the root call ends, and within budget after', () => {
    expect(costOf(results[0]!)).toEqual(FREE);
    expect(costOf(results[1]!)).toEqual(FREE);
    expect(costOf(results[2]!)).toEqual(FREE); // the leg starts
    const root = costOf(results[3]!);
    expect(root.requests).toBeLessThanOrEqual(8);
    // Create the record with the claim, the caller's entry, app:state, save, what was learned
    // (the agent, the caller), mark settled, queue the look.
    expect(dbOpsOf(results[3]!)).toEqual([
      'set call:' + ROOT,
      'get cc:\u2026',
      'get app:state',
      'set call:' + ROOT,
      'update set app:state',
      'set cc:\u2026',
      expect.stringMatching(/^update set rc:\d+$/),
      expect.stringMatching(/^update set q:\d+$/),
    ]);
    // The installation's first call starts the recurring drain; the look adds one kick.
    expect(results[3]!.schedules.map((op) => op.name)).toEqual(['call-sync-drain', expect.stringMatching(/^drain-\d$/)]);
    const leg = costOf(results[4]!);
    expect(leg.requests).toBeLessThanOrEqual(3);
    expect(leg.dbOps).toBeLessThanOrEqual(5);
    expect(leg.templates.filter((t) => t === 'chatPostMessage')).toHaveLength(1);
  });

  test('with no rating in, the look runs once, writes nothing and leaves nothing queued', async () => {
    const metrics = () => callerRequests(app, 'GET', '/api/v1/calls/' + ROOT + '/call_metrics').length;
    const looked = metrics();
    const chatWrites = chatRequests(app).filter((r) => r.method !== 'GET').length;
    // The look is due in 10 minutes; kicks made before it was due fire out within 10 more.
    const fired = await advance(app, 21 * 60_000);
    // The drains that fired: one did the look (a read, recorded), the others found nothing to do.
    expect(logCodes(fired).filter((code) => code !== 'nothing')).toEqual(['recorded']);
    expect(metrics()).toBe(looked + 1);
    expect(chatRequests(app).filter((r) => r.method !== 'GET')).toHaveLength(chatWrites);
    expect(pendingQueue(app)).toEqual([]);
    expect(scheduleNames(app)).toEqual(['call-sync-drain']);
    expect(appNotes(app, jordanOpen)).toHaveLength(2);
    expect(csatPosts(app, jordanOpen)).toEqual([]);
    expect(record(app, ROOT)).toMatchObject({ status: 'synced', csat: { state: 'gave_up', looks: 2, lookAt: null } });
    // An hour of recurring drains later, nobody looks again and nothing more is written for the call.
    const later = await advance(app, 60 * 60_000);
    expect(logCodes(later).filter((code) => code !== 'nothing' && code !== 'synced')).toEqual([]);
    expect(metrics()).toBe(looked + 1);
    expect(appNotes(app, jordanOpen)).toHaveLength(2);
    expect(csatPosts(app, jordanOpen)).toEqual([]);
  });

  describe('when the rating comes in before the look', () => {
    const root = 25847840;
    const leg = 25847841;
    let fired: InvocationResult[];

    beforeAll(async () => {
      const events = renamed(sequence('transfer'), { [ROOT]: root, [LEG]: leg });
      // Freshcaller knows the call (its metrics are served only for a call it has) and the
      // caller is still in the survey.
      setFreshcallerCall(app, events[3]!.data.call);
      app.standins.freshcaller.setCallMetrics(root, { csat: { transfer_made: true, outcome: null } });
      await replay(app, events);
      expect(pendingItems(app).map((item) => [item.call, item.kind])).toEqual([[String(root), 'look']]);
      app.standins.freshcaller.setCallMetrics(root, { csat: { transfer_made: true, outcome: 5 } });
      fired = await advance(app, 11 * 60_000);
    });

    test('the look runs once and posts the rating, once, after the resolution; no CSAT note repeats it', () => {
      expect(logCodes(fired).filter((code) => code !== 'nothing')).toEqual(['synced']);
      // A rating that is posted is not repeated in a note (decide.csatForNote).
      const followUps = appNotes(app, jordanOpen, { callId: root, kind: 'follow-up' });
      expect(followUps.map((n) => n.lines)).toEqual([['Transferred to: Dan Fischer (1m 10s)']]);
      expect(appNotes(app, jordanOpen, { callId: root, kind: 'summary' })).toHaveLength(1);
      expect(csatPosts(app, jordanOpen)).toEqual([expect.objectContaining({ rating: 5, issue_resolved: true })]);
      expect(conversation(app, jordanOpen).status).toBe('resolved');
      const csatPost = chatRequests(app, 'POST', '/v2/csat/' + jordanOpen);
      expect(csatPost).toHaveLength(1);
      expect(csatPost[0]!.body).toEqual({ issue_resolved: true, rating: 5 });
      expect(record(app, root)).toMatchObject({ status: 'synced', csat: { state: 'posted', rating: 5, key: 5, lookAt: null } });
      // What the look cost besides the drains' reconciliation listing.
      // The conversation's status is read before the rating is posted: another call may have reopened it.
      expect(costOf(fired).templates.filter((t) => t !== 'callerListCalls')).toEqual(['callerGetCallMetrics', 'chatGetConversation', 'chatPostCsat']);
    });

    test('nothing is left queued after the look, and later drains leave the call alone', async () => {
      expect(pendingQueue(app)).toEqual([]);
      // No schedule per call: the recurring drain, and at most a kick left by a drain that saw the
      // look queued but not yet due (it fires and finds nothing).
      expect(scheduleNames(app).filter((name) => name !== 'call-sync-drain').every((name) => /^drain-\d$/.test(name))).toBe(true);
      const notes = appNotes(app, jordanOpen, { callId: root }).length;
      const later = await advance(app, 60 * 60_000);
      // The drains go on (reconciliation may find other calls) but none touches this call again.
      expect(logCodes(later).filter((code) => code !== 'nothing' && code !== 'synced')).toEqual([]);
      expect(later.flatMap((r) => r.requests).filter((r) => r.url.includes(String(root)))).toEqual([]);
      expect(appNotes(app, jordanOpen, { callId: root })).toHaveLength(notes);
      expect(csatPosts(app, jordanOpen)).toHaveLength(1);
      expect(scheduleNames(app)).toEqual(['call-sync-drain']);
    });
  });

  describe('with resolve_policy never, when the rating comes in before the look', () => {
    const root = 25847940;
    const leg = 25847941;
    let fired: InvocationResult[];

    beforeAll(async () => {
      useSettings(app, { resolve_policy: 'never' });
      const events = renamed(sequence('transfer'), { [ROOT]: root, [LEG]: leg });
      setFreshcallerCall(app, events[3]!.data.call);
      app.standins.freshcaller.setCallMetrics(root, { csat: { transfer_made: true, outcome: null } });
      await replay(app, events);
      expect(pendingItems(app).map((item) => [item.call, item.kind])).toEqual([[String(root), 'look']]);
      app.standins.freshcaller.setCallMetrics(root, { csat: { transfer_made: true, outcome: 5 } });
      fired = await advance(app, 11 * 60_000);
    });
    afterAll(() => useSettings(app, {}));

    test('the look writes the rating into one follow-up, posts no CSAT and changes no status', () => {
      expect(logCodes(fired).filter((code) => code !== 'nothing')).toEqual(['synced']);
      const followUps = appNotes(app, jordanOpen, { callId: root, kind: 'follow-up' });
      expect(followUps.map((n) => n.lines)).toEqual([['Transferred to: Dan Fischer (1m 10s)'], ['CSAT: 5/5 (caller pressed 5)']]);
      expect(csatPosts(app, jordanOpen)).toHaveLength(1); // the earlier call's, not this one's
      expect(record(app, root)).toMatchObject({ status: 'synced', resolution: 'none', csat: { state: 'noted', rating: 5 } });
      expect(pendingQueue(app)).toEqual([]);
    });

    test('the late CSAT follow-up is authored like the call\'s other notes: by Ava, whose email matches', () => {
      // Notes are authored by the Freshchat agent whose email matches the Freshcaller agent's email
      // (README.md "Which conversation, and what is written"); the call's agent is Ava, and its
      // summary is hers.
      const summary = appNotes(app, jordanOpen, { callId: root, kind: 'summary' })[0]!;
      expect(summary.actorId).toBe(SEED.agents.ava);
      const csatNote = appNotes(app, jordanOpen, { callId: root, kind: 'follow-up' }).find((n) => n.lines[0]!.startsWith('CSAT'));
      expect(csatNote!.actorId).toBe(SEED.agents.ava);
    });
  });
});
