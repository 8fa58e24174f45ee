// Scenario 4: an unknown number calls and hangs up in the queue
// (test_data/calls/abandoned-unknown.json): nobody to write to, and nothing may be created.
import type { InvocationResult } from '../../../tools/runtime';
import { loadSeedFile } from '../../../tools/standins';
import {
  allAppNotes,
  chatRequests,
  costOf,
  dbOpsOf,
  FREE,
  logCodes,
  REPEATED_END,
  record,
  replay,
  sequence,
  settledCalls,
  useReplayedSample,
  type LocalApp,
} from '../../support/scenario';

const CALL = 25847730;
const seed = loadSeedFile().freshchat!;

describe('scenario: an abandoned call from an unknown number', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('abandoned-unknown', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('no user, no conversation and no note are created, and no status changes', () => {
    const state = app.standins.freshchat.state;
    expect(state.users.map((u) => u.id)).toEqual(seed.users!.map((u) => u.id));
    expect(state.conversations.map((c) => [c.conversation_id, c.status])).toEqual(seed.conversations!.map((c) => [c.conversation_id, c.status]));
    expect(allAppNotes(app)).toEqual([]);
    expect(chatRequests(app).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  test('the number was looked up in each form Freshchat may hold, and nothing else was asked', () => {
    expect(chatRequests(app).map((r) => r.method + ' ' + r.path + ' ' + String(r.query.phone_no))).toEqual([
      'GET /v2/users +14155550177',
      'GET /v2/users 14155550177',
      'GET /v2/users (415) 555-0177',
      'GET /v2/users 4155550177',
    ]);
    expect(app.standins.freshcaller.requests).toEqual([]);
  });

  test('the stored record marks the call unlinked, with a reason that shows only the last digits', () => {
    expect(record(app, CALL)).toMatchObject({
      status: 'unlinked',
      outcome: 'abandoned',
      link: { state: 'unlinked', conversationId: null, reason: 'no Freshchat user with phone \u20260177' },
      summary: 'none',
      resolution: 'none',
      failure: null,
    });
    // The run reports it as waiting for an agent to link it, and reconciliation leaves it be.
    expect(logCodes(results)).toEqual(['skipped', 'unlinked']);
    expect(settledCalls(app)).toEqual([String(CALL)]);
  });

  test('what it cost: nothing while queued, the outcome 4 requests (the phone forms) and 4 storage operations', () => {
    expect(costOf(results[0]!)).toEqual(FREE);
    expect(costOf(results[1]!)).toMatchObject({ requests: 4, templates: ['chatFindUsersByPhone', 'chatFindUsersByPhone', 'chatFindUsersByPhone', 'chatFindUsersByPhone'] });
    // Create the record with the claim, look for the caller's entry (none), save, mark settled;
    // nothing was found, so nothing is remembered.
    expect(dbOpsOf(results[1]!)).toEqual(['set call:' + CALL, 'get cc:\u2026', 'set call:' + CALL, expect.stringMatching(/^update set rc:\d+$/)]);
  });

  test('a repeat of the outcome costs no request (a failed create, one read)', async () => {
    const [repeat] = await replay(app, sequence('abandoned-unknown').slice(1));
    expect(costOf(repeat!)).toEqual(REPEATED_END);
    expect(logCodes(repeat!)).toEqual(['nothing']);
    expect(app.standins.freshchat.state.users).toHaveLength(seed.users!.length);
  });
});
