// Scenario 7: events delivered twice and out of order (test_data/calls/duplicated-reordered.json):
// the newest snapshot (outcome, notes and recording) comes first, an older one twice after it,
// then a stale "agent assigned" event, then the newest again. The call notes hold a card number.
import type { InvocationResult } from '../../../tools/runtime';
import {
  allAppNotes,
  appNotes,
  costOf,
  csatPosts,
  dbOpsOf,
  FREE,
  logCodes,
  ONE_READ,
  record,
  SEED,
  storedText,
  useReplayedSample,
  type LocalApp,
  REPEATED_END,
} from '../../support/scenario';

const CALL = 25847750;
const { riley } = SEED.conversations;

describe('scenario: duplicated and reordered events of one call', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('duplicated-reordered', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('exactly one summary, holding the recording, and no follow-up at all', () => {
    const notes = appNotes(app, riley, { callId: CALL });
    expect(notes.map((n) => n.kind)).toEqual(['summary']);
    expect(notes[0]!.lines).toEqual([
      'Incoming call \u00b7 answered',
      'Caller: +1 415 555 0142',
      'Agent: Ava Parker',
      'Duration: 2m 20s',
      'Business number: +1 858 281 0798 \u00b7 queue Support queue',
      'Call notes: Updated card on file: [card number removed], order 5512-7788.',
      'Recording: https://acme.freshcaller.com/api/v1/calls/25847750/recording/13258150',
      'CSAT: 2/5 (caller pressed 2)',
      'Freshcaller call ' + CALL,
    ]);
    expect(notes[0]!.actorId).toBe(SEED.agents.ava);
    expect(allAppNotes(app)).toHaveLength(1);
    expect(csatPosts(app, riley)).toEqual([expect.objectContaining({ rating: 2, issue_resolved: true })]);
  });

  test('the card number is removed from the note and is nowhere in the app\'s store', () => {
    const card = /4111[ -]?1111[ -]?1111[ -]?1111/;
    expect(JSON.stringify(app.standins.freshchat.state.messages)).not.toMatch(card);
    expect(JSON.stringify(app.standins.freshchat.requests)).not.toMatch(card);
    expect(storedText(app)).not.toContain('4111');
    expect(storedText(app)).not.toContain('card on file');
    expect(record(app, CALL)).toMatchObject({ status: 'synced', summary: 'written', seen: '2026-11-02T19:03:20.000+00:00' });
  });

  test('each duplicate costs no request: one storage read, after a failed create when it repeats the end of the call', () => {
    expect(costOf(results[3]!)).toEqual(REPEATED_END); // the older snapshot, again (bill_duration set)
    expect(costOf(results[5]!)).toEqual(ONE_READ); // the newest snapshot, again
    expect(logCodes([results[3]!, results[5]!])).toEqual(['nothing', 'nothing']);
  });

  test('the late older snapshot costs at most one read and changes nothing (its create, tried first, fails)', () => {
    const late = costOf(results[2]!);
    expect(late.requests).toBe(0);
    expect(late.reads).toBeLessThanOrEqual(1);
    expect(results[2]!.dbOps.filter((op) => op.ok && op.op !== 'get')).toEqual([]);
    expect(late.schedules).toBe(0);
    expect(logCodes(results[2]!)).toEqual(['nothing']);
  });

  test('the stale "agent assigned" event and the creation cost nothing', () => {
    expect(costOf(results[0]!)).toEqual(FREE);
    expect(costOf(results[4]!)).toEqual(FREE);
    expect(logCodes([results[0]!, results[4]!])).toEqual(['skipped', 'skipped']);
  });

  test('the first (newest) snapshot did all the work within budget', () => {
    const first = costOf(results[1]!);
    expect(logCodes(results[1]!)).toEqual(['synced']);
    // Four phone forms (Riley is stored as digits only), conversations, conversation, metrics,
    // Ava in Freshcaller, agents, the summary, resolve, CSAT.
    expect(first.requests).toBeLessThanOrEqual(12);
    expect(first.templates.filter((t) => t === 'chatGetConversation')).toHaveLength(1);
    // The newest snapshot came first without bill_duration in its changes: read, then claim by
    // creating the record.
    expect(dbOpsOf(results[1]!)).toEqual([
      'get call:' + CALL,
      'set call:' + CALL,
      'get cc:\u2026',
      'get app:state',
      'set call:' + CALL,
      'update set app:state',
      'set cc:\u2026',
      expect.stringMatching(/^update set rc:\d+$/),
    ]);
    expect(first.templates.filter((t) => t === 'chatPostMessage')).toHaveLength(1);
    expect(first.templates.filter((t) => t === 'chatPostCsat')).toHaveLength(1);
  });
});
