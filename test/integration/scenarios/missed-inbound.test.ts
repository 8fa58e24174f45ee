// Scenario 2: Sam calls and nobody answers (test_data/calls/missed-inbound.json). Freshchat holds
// Sam's phone as "(415) 555-0199": the app finds Sam through the national form of the number.
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
  REPEATED_END,
  record,
  renamed,
  replay,
  resolveAsAgent,
  SEED,
  sequence,
  useReplayedSample,
  type LocalApp,
} from '../../support/scenario';

const CALL = 25847700;
const SECOND_CALL = 25847702;
const { sam } = SEED.conversations;

describe('scenario: a missed inbound call from a number Freshchat stores in national form', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('missed-inbound', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('Sam is found through the national variant after the E.164 forms matched nobody', () => {
    // E.164, then E.164 digits without the "+" (domain/phone.ts), then national: the first match stops.
    const lookups = chatRequests(app, 'GET', '/v2/users').map((r) => r.query.phone_no);
    expect(lookups).toEqual(['+14155550199', '14155550199', '(415) 555-0199']);
    expect(logCodes(results)).toEqual(['skipped', 'synced']);
    expect(record(app, CALL)).toMatchObject({
      status: 'synced',
      outcome: 'missed',
      link: { state: 'linked', conversationId: sam, reason: 'matched user by phone \u20260199; most recent open conversation', by: 'app' },
      summary: 'written',
      // Sam's conversation was open: nothing to reopen.
      resolution: 'kept_open',
      failure: null,
    });
  });

  test('one summary note lands in Sam\'s conversation, by the default agent, and the conversation stays open', () => {
    const notes = appNotes(app, sam);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ callId: String(CALL), kind: 'summary', messageType: 'private', actorType: 'agent', actorId: SEED.agents.defaultAgent });
    expect(notes[0]!.lines).toEqual([
      'Incoming call \u00b7 missed',
      'Caller: +1 415 555 0199',
      'Duration: 31s',
      'Business number: +1 858 281 0798 \u00b7 queue Support queue',
      'Freshcaller call ' + CALL,
    ]);
    expect(conversation(app, sam).status).toBe('new');
    expect(chatRequests(app, 'PUT')).toEqual([]);
    expect(csatPosts(app, sam)).toEqual([]);
  });

  test('what it cost: nothing while ringing; the outcome at most 6 requests and 5 storage operations, no CSAT lookup', () => {
    expect(costOf(results[0]!)).toEqual(FREE);
    const outcome = costOf(results[1]!);
    // Three phone forms, the user's conversations, the conversation (its status comes with it), the note.
    expect(outcome.requests).toBeLessThanOrEqual(6);
    expect(outcome.templates).not.toContain('callerGetCallMetrics');
    // The link already read the conversation and its status: reading it again is waste.
    expect(outcome.templates.filter((t) => t === 'chatGetConversation')).toHaveLength(1);
    expect(outcome.templates.filter((t) => t === 'chatPostMessage')).toHaveLength(1);
    // Create the record with the claim (the call just ended: no read first), the caller's entry,
    // save, remember the caller, mark settled. No agent: app:state is not read.
    expect(dbOpsOf(results[1]!)).toEqual(['set call:' + CALL, 'get cc:\u2026', 'set call:' + CALL, 'set cc:\u2026', expect.stringMatching(/^update set rc:\d+$/)]);
    // The installation's first call starts the one recurring drain; nothing per call.
    expect(results[1]!.schedules.map((op) => op.op + ' ' + op.name)).toEqual(['create call-sync-drain']);
  });

  test('the same outcome event delivered again costs no request and writes nothing (a failed create, one read)', async () => {
    const [repeat] = await replay(app, sequence('missed-inbound').slice(1));
    expect(costOf(repeat!)).toEqual(REPEATED_END);
    expect(logCodes(repeat!)).toEqual(['nothing']);
    expect(appNotes(app, sam)).toHaveLength(1);
  });

  test('a missed call reopens the conversation when an agent had resolved it', async () => {
    await resolveAsAgent(app, sam);
    expect(conversation(app, sam).status).toBe('resolved');
    const second = await replay(app, renamed(sequence('missed-inbound'), { [CALL]: SECOND_CALL }));
    expect(logCodes(second)).toEqual(['skipped', 'synced']);
    const notes = appNotes(app, sam, { callId: SECOND_CALL });
    expect(notes.map((n) => n.kind)).toEqual(['summary']);
    expect(notes[0]!.lines[0]).toBe('Incoming call \u00b7 missed');
    const reopen = chatRequests(app, 'PUT', '/v2/conversations/' + sam).filter((r) => JSON.stringify(r.body) === JSON.stringify({ status: 'reopened' }));
    expect(reopen).toHaveLength(1);
    expect(conversation(app, sam).status).not.toBe('resolved');
    expect(record(app, SECOND_CALL)).toMatchObject({
      status: 'synced',
      // Sam called an hour ago: remembered, so the conversation is read once and no number looked up.
      link: { state: 'linked', conversationId: sam, reason: 'caller \u20260199 remembered from an earlier call; their conversation' },
      summary: 'written',
      resolution: 'reopened',
    });
    // The status came with the link: the conversation was read once, not again before the reopen.
    expect(costOf(second[1]!).templates.filter((t) => t === 'chatGetConversation')).toHaveLength(1);
    expect(csatPosts(app, sam)).toEqual([]);
  });
});
