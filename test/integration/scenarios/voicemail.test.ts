// Scenario 3: Riley leaves a voicemail; the recording is ready two minutes later
// (test_data/calls/voicemail.json). Riley's only conversation is resolved and Freshchat holds the
// number as digits only ("4155550142").
import type { InvocationResult } from '../../../tools/runtime';
import {
  appNotes,
  chatRequests,
  conversation,
  costOf,
  csatPosts,
  dbOpsOf,
  FREE,
  logCodes,
  record,
  SEED,
  useReplayedSample,
  type LocalApp,
} from '../../support/scenario';

const CALL = 25847710;
const { riley } = SEED.conversations;

describe('scenario: a voicemail with a late recording, into a resolved conversation', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('voicemail', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('Riley is found by the digits-only form, and the summary note lands in the resolved conversation', () => {
    expect(chatRequests(app, 'GET', '/v2/users').map((r) => r.query.phone_no)).toEqual(['+14155550142', '14155550142', '(415) 555-0142', '4155550142']);
    expect(logCodes(results)).toEqual(['skipped', 'skipped', 'synced', 'synced']);
    const summaries = appNotes(app, riley, { kind: 'summary' });
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ callId: String(CALL), messageType: 'private', actorId: SEED.agents.defaultAgent });
    expect(summaries[0]!.lines).toEqual([
      'Incoming call \u00b7 voicemail',
      'Caller: +1 415 555 0142',
      'Duration: 58s',
      'Business number: +1 858 281 0798 \u00b7 queue Support queue',
      'Freshcaller call ' + CALL,
    ]);
  });

  test('the conversation is reopened, once, and stays open', () => {
    const puts = chatRequests(app, 'PUT', '/v2/conversations/' + riley);
    expect(puts.map((r) => r.body)).toEqual([{ status: 'reopened' }]);
    expect(conversation(app, riley).status).not.toBe('resolved');
    expect(csatPosts(app, riley)).toEqual([]);
  });

  test('the recording arrives as one follow-up naming it, after the summary', () => {
    const notes = appNotes(app, riley, { callId: CALL });
    expect(notes.map((n) => n.kind)).toEqual(['summary', 'follow-up']);
    expect(notes[1]!.lines).toEqual(['Recording ready: https://acme.freshcaller.com/api/v1/calls/25847710/recording/13258101']);
    expect(notes[1]!.actorId).toBe(SEED.agents.defaultAgent);
  });

  test('the stored record and what each event cost', () => {
    expect(record(app, CALL)).toMatchObject({
      status: 'synced',
      outcome: 'voicemail',
      link: { state: 'linked', conversationId: riley, reason: 'matched user by phone \u20260142; most recent conversation (resolved)', by: 'app' },
      summary: 'written',
      resolution: 'reopened',
      failure: null,
    });
    expect(costOf(results[0]!)).toEqual(FREE);
    expect(costOf(results[1]!)).toEqual(FREE); // the caller is recording the voicemail
    const outcome = costOf(results[2]!);
    // Four phone forms, the user's conversations, the conversation, the note, the reopen.
    expect(outcome.requests).toBeLessThanOrEqual(8);
    expect(outcome.templates).not.toContain('callerGetCallMetrics');
    // The link read the conversation, status included: the reopen needs no second read.
    expect(outcome.templates.filter((t) => t === 'chatGetConversation')).toHaveLength(1);
    // Create the record with the claim, the caller's entry (none yet), save, remember the caller, mark settled.
    expect(dbOpsOf(results[2]!)).toEqual(['set call:' + CALL, 'get cc:\u2026', 'set call:' + CALL, 'set cc:\u2026', expect.stringMatching(/^update set rc:\d+$/)]);
    expect(costOf(results[3]!)).toMatchObject({ requests: 1, dbOps: 3, reads: 1, templates: ['chatPostMessage'] });
    expect(dbOpsOf(results[3]!)).toEqual(['get call:' + CALL, 'set lk:' + CALL + ':1', 'set call:' + CALL]);
  });
});
