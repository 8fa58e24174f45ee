// Scenario 6: Ava answers Jordan and transfers the call to Dan (test_data/calls/transfer.json).
// The caller went to the CSAT survey (call metrics: transfer_made true) but no rating is there yet
// when the call ends, so the app looks once more ten minutes later, then stops.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  appNotes,
  chatRequests,
  conversation,
  costOf,
  csatPosts,
  FREE,
  renamed,
  replay,
  SEED,
  sequence,
  setFreshcallerCall,
  storedRecord,
  useReplayedSample,
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
    expect(storedRecord(app, ROOT)).toMatchObject({
      conversationId: jordanOpen,
      summary: true,
      resolved: true,
      csat: 'waiting',
      transfers: [{ leg: String(LEG), agentName: 'Dan Fischer', durationSeconds: 70, posted: true }],
    });
  });

  test('the conversation is resolved, no CSAT is posted yet, and one re-check is scheduled ten minutes out', () => {
    expect(conversation(app, jordanOpen).status).toBe('resolved');
    expect(csatPosts(app, jordanOpen)).toEqual([]);
    const schedules = app.runtime.schedules();
    expect(schedules.map((s) => [s.name, s.data])).toEqual([['cs-' + ROOT, { kind: 'csat', callId: String(ROOT) }]]);
    expect(Date.parse(schedules[0]!.schedule_at) - app.clock.now()).toBe(10 * 60_000);
  });

  test('what it cost: nothing until the root call ends, and within budget after', () => {
    expect(costOf(results[0]!)).toEqual(FREE);
    expect(costOf(results[1]!)).toEqual(FREE);
    expect(costOf(results[2]!)).toEqual(FREE); // the leg starts
    const root = costOf(results[3]!);
    expect(root.requests).toBeLessThanOrEqual(8);
    expect(root.dbOps).toBeLessThanOrEqual(6);
    expect(root.schedules).toBe(1);
    const leg = costOf(results[4]!);
    expect(leg.requests).toBeLessThanOrEqual(3);
    expect(leg.dbOps).toBeLessThanOrEqual(5);
    expect(leg.templates.filter((t) => t === 'chatPostMessage')).toHaveLength(1);
  });

  test('with no rating in, the re-check runs once, writes nothing and schedules nothing more', async () => {
    const fired = await advance(app, 11 * 60_000);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.logs.map((l) => l.message)).toEqual(['[call-sync] onScheduledEvent: call ' + ROOT + ': no CSAT came in; stopped looking']);
    expect(costOf(fired[0]!)).toMatchObject({ requests: 1, templates: ['callerGetCallMetrics'], schedules: 0 });
    expect(costOf(fired[0]!).dbOps).toBeLessThanOrEqual(3);
    expect(app.runtime.schedules()).toEqual([]);
    expect(appNotes(app, jordanOpen)).toHaveLength(2);
    expect(csatPosts(app, jordanOpen)).toEqual([]);
    expect(storedRecord(app, ROOT)).toMatchObject({ csat: 'gave_up' });
    expect(await advance(app, 60 * 60_000)).toEqual([]);
  });

  describe('when the rating comes in before the re-check', () => {
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
      expect(app.runtime.schedules().map((s) => s.name)).toEqual(['cs-' + root]);
      app.standins.freshcaller.setCallMetrics(root, { csat: { transfer_made: true, outcome: 5 } });
      fired = await advance(app, 11 * 60_000);
    });

    test('the re-check runs once, posts a CSAT follow-up and the rating, once, after the resolution', () => {
      expect(fired).toHaveLength(1);
      expect(fired[0]!.logs.map((l) => l.message)).toEqual(['[call-sync] onScheduledEvent: call ' + root + ': CSAT 5/5 posted']);
      const followUps = appNotes(app, jordanOpen, { callId: root, kind: 'follow-up' });
      expect(followUps.map((n) => n.lines)).toEqual([['Transferred to: Dan Fischer (1m 10s)'], ['CSAT: 5/5 (caller pressed 5)']]);
      expect(appNotes(app, jordanOpen, { callId: root, kind: 'summary' })).toHaveLength(1);
      expect(csatPosts(app, jordanOpen)).toEqual([expect.objectContaining({ rating: 5, issue_resolved: true })]);
      expect(conversation(app, jordanOpen).status).toBe('resolved');
      const csatPost = chatRequests(app, 'POST', '/v2/csat/' + jordanOpen);
      expect(csatPost).toHaveLength(1);
      expect(csatPost[0]!.body).toEqual({ issue_resolved: true, rating: 5 });
      expect(storedRecord(app, root)).toMatchObject({ csat: 'posted', csatRating: 5, csatKey: 5 });
      expect(costOf(fired[0]!)).toMatchObject({ requests: 3, templates: ['callerGetCallMetrics', 'chatPostMessage', 'chatPostCsat'] });
    });

    test('nothing is scheduled after the re-check', async () => {
      expect(app.runtime.schedules()).toEqual([]);
      expect(await advance(app, 60 * 60_000)).toEqual([]);
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
