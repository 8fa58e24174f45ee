// Scenario 5: Dan calls Sam back and Sam answers (test_data/calls/outgoing-answered.json). Dan has
// no Freshchat agent (no agent there has his email), so the default agent authors the note.
import type { InvocationResult } from '../../../tools/runtime';
import {
  allAppNotes,
  appNotes,
  chatRequests,
  conversation,
  costOf,
  dbOpsOf,
  FREE,
  logCodes,
  record,
  renamed,
  replay,
  SEED,
  sequence,
  storedRecord,
  useSettings,
  useReplayedSample,
  type LocalApp,
} from '../../support/scenario';

const CALL = 25847720;
const { sam } = SEED.conversations;

describe('scenario: an answered outgoing call', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('outgoing-answered', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('one summary says outgoing, names Dan, and is authored by the default agent', () => {
    const notes = appNotes(app, sam, { callId: CALL });
    expect(notes.map((n) => n.kind)).toEqual(['summary']);
    expect(notes[0]).toMatchObject({ messageType: 'private', actorType: 'agent', actorId: SEED.agents.defaultAgent });
    expect(notes[0]!.lines).toEqual([
      'Outgoing call \u00b7 answered',
      'Called: +1 415 555 0199',
      'Agent: Dan Fischer',
      'Duration: 1m 35s',
      'Business number: +1 858 281 0798',
      'Call notes: Called back about the refund; refund issued, ref RF-20931.',
      'Freshcaller call ' + CALL,
    ]);
  });

  test('Dan was looked up once by email in Freshchat; no match, and the miss is cached', () => {
    expect(app.standins.freshcaller.requests.filter((r) => r.path === '/api/v1/users/67031')).toHaveLength(1);
    expect(chatRequests(app, 'GET', '/v2/agents')).toHaveLength(1);
    expect(app.runtime.store('freshcaller').peek('app:state')).toMatchObject({ a67031: { name: 'Dan Fischer' } });
  });

  test('the answered call resolves the conversation; there is no rating to post', () => {
    expect(conversation(app, sam).status).toBe('resolved');
    expect(app.standins.freshchat.state.csat).toEqual({});
    expect(record(app, CALL)).toMatchObject({
      status: 'synced',
      outcome: 'answered',
      link: { state: 'linked', conversationId: sam },
      summary: 'written',
      resolution: 'resolved',
      csat: { state: 'none', rating: null },
      failure: null,
    });
    expect(logCodes(results)).toEqual(['skipped', 'skipped', 'synced']);
  });

  test('what it cost: nothing until the outcome, then at most 10 requests and 7 storage operations', () => {
    expect(costOf(results[0]!)).toEqual(FREE);
    expect(costOf(results[1]!)).toEqual(FREE);
    const outcome = costOf(results[2]!);
    // Three phone forms, conversations, conversation, metrics, Dan in Freshcaller, agents, note, resolve.
    expect(outcome.requests).toBeLessThanOrEqual(10);
    expect(outcome.templates.filter((t) => t === 'chatGetConversation')).toHaveLength(1);
    // Create the record with the claim, the caller's entry, app:state, save, what was learned
    // (Dan's miss, the caller), mark settled.
    expect(dbOpsOf(results[2]!)).toEqual([
      'set call:' + CALL,
      'get cc:\u2026',
      'get app:state',
      'set call:' + CALL,
      'update set app:state',
      'set cc:\u2026',
      expect.stringMatching(/^update set rc:\d+$/),
    ]);
    expect(outcome.templates.filter((t) => t === 'chatPostMessage')).toHaveLength(1);
  });

  test('with "outgoing" unticked in log_call_types, an outgoing call writes nothing and costs nothing', async () => {
    useSettings(app, { log_call_types: ['answered', 'missed', 'voicemail', 'abandoned'] });
    try {
      const before = allAppNotes(app).length;
      const again = await replay(app, renamed(sequence('outgoing-answered'), { [CALL]: 25847721 }));
      for (const result of again) expect(costOf(result)).toEqual(FREE);
      expect(logCodes(again)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(allAppNotes(app)).toHaveLength(before);
      expect(storedRecord(app, 25847721)).toBeUndefined();
    } finally {
      useSettings(app, {});
    }
  });
});
