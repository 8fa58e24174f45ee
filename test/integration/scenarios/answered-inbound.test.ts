// Scenario 1: Jordan calls, Ava answers, the caller rates the call 4 in the CSAT survey, the
// recording arrives a little later (test_data/calls/answered-inbound.json).
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
  pendingQueue,
  record,
  renamed,
  replay,
  scheduleNames,
  SEED,
  sequence,
  settledCalls,
  useReplayedSample,
  type LocalApp,
} from '../../support/scenario';

const CALL = 25847696;
const { jordanOpen, jordanResolved } = SEED.conversations;

describe('scenario: an answered inbound call with a CSAT rating', () => {
  let app: LocalApp;
  let results: InvocationResult[];
  useReplayedSample('answered-inbound', (started, replayed) => {
    app = started;
    results = replayed;
  });

  test('events before the outcome (created, agent assigned, hold on, hold off) cost nothing', () => {
    for (const result of results.slice(0, 4)) expect(costOf(result)).toEqual(FREE);
    expect(logCodes(results)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'synced', 'synced']);
  });

  test('the outcome writes exactly one summary note, private, by Ava, in Jordan\'s most recent open conversation', () => {
    const summaries = appNotes(app, jordanOpen, { kind: 'summary' });
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary).toMatchObject({ callId: String(CALL), messageType: 'private', actorType: 'agent', actorId: SEED.agents.ava });
    expect(summary.lines).toEqual([
      'Incoming call \u00b7 answered',
      'Caller: +1 415 555 0123',
      'Agent: Ava Parker',
      'Duration: 3m 04s',
      'Business number: +1 858 281 0798 \u00b7 queue Support queue',
      'Call notes: Customer asked to move the delivery to Friday. Confirmed new slot.',
      'CSAT: 4/5 (caller pressed 4)',
      'Freshcaller call ' + CALL,
    ]);
    // Not the older, resolved conversation.
    expect(appNotes(app, jordanResolved)).toEqual([]);
  });

  test('the recording arrives later as one follow-up that names it, not a second summary', () => {
    const notes = appNotes(app, jordanOpen, { callId: CALL });
    expect(notes.map((n) => n.kind)).toEqual(['summary', 'follow-up']);
    const followUp = notes[1]!;
    expect(followUp.lines).toEqual(['Recording ready: https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090']);
    expect(followUp).toMatchObject({ messageType: 'private', actorId: SEED.agents.ava });
    // The summary written before the recording existed does not mention one.
    expect(notes[0]!.text).not.toContain('Recording');
  });

  test('the conversation ends resolved and CSAT 4 is posted exactly once, after the resolution', () => {
    expect(conversation(app, jordanOpen).status).toBe('resolved');
    expect(conversation(app, jordanResolved).status).toBe('resolved');
    expect(csatPosts(app, jordanOpen)).toEqual([expect.objectContaining({ rating: 4, issue_resolved: true })]);
    const writes = chatRequests(app).filter((r) => r.method !== 'GET');
    const resolvedAt = writes.findIndex((r) => r.method === 'PUT' && r.path === '/v2/conversations/' + jordanOpen);
    const csatAt = writes.findIndex((r) => r.method === 'POST' && r.path === '/v2/csat/' + jordanOpen);
    expect(writes[resolvedAt]!.body).toEqual({ status: 'resolved' });
    expect(resolvedAt).toBeGreaterThanOrEqual(0);
    expect(csatAt).toBeGreaterThan(resolvedAt);
    expect(writes.map((r) => r.method + ' ' + r.path)).toEqual([
      'POST /v2/conversations/' + jordanOpen + '/messages',
      'PUT /v2/conversations/' + jordanOpen,
      'POST /v2/csat/' + jordanOpen,
      'POST /v2/conversations/' + jordanOpen + '/messages',
    ]);
  });

  test('the stored record says where the call went and why', () => {
    expect(record(app, CALL)).toMatchObject({
      status: 'synced',
      outcome: 'answered',
      link: { state: 'linked', conversationId: jordanOpen, reason: 'matched user by phone \u20260123; most recent open conversation', by: 'app', ambiguous: false },
      summary: 'written',
      resolution: 'resolved',
      csat: { state: 'posted', rating: 4 },
      uncertain: [],
      failure: null,
    });
    // Settled: the reconciliation index knows it, and nothing is left queued.
    expect(settledCalls(app)).toEqual([String(CALL)]);
    expect(pendingQueue(app)).toEqual([]);
  });

  test('what the call cost: the outcome 9 requests and 7 storage operations, the recording 1 and 3', () => {
    expect(costOf(results[4]!)).toMatchObject({
      requests: 9,
      dbOps: 7,
      templates: [
        'chatFindUsersByPhone',
        'chatGetUserConversations',
        'chatGetConversation',
        'callerGetCallMetrics',
        'callerGetUser',
        'chatListAgents',
        'chatPostMessage',
        'chatUpdateConversation',
        'chatPostCsat',
      ],
    });
    // The call just ended: create the record with the claim (no read first), the caller's entry
    // (none: a first-time caller), app:state (agents, number form, backlog), save, then what was
    // learned (the agent, the caller), mark settled.
    expect(dbOpsOf(results[4]!)).toEqual([
      'set call:' + CALL,
      'get cc:\u2026',
      'get app:state',
      'set call:' + CALL,
      'update set app:state',
      'set cc:\u2026',
      expect.stringMatching(/^update set rc:\d+$/),
    ]);
    // The recording follow-up reuses the summary's author and link: no lookup, no cache read.
    expect(costOf(results[5]!)).toMatchObject({ requests: 1, dbOps: 3, reads: 1, templates: ['chatPostMessage'] });
    expect(dbOpsOf(results[5]!)).toEqual(['get call:' + CALL, 'set lk:' + CALL + ':1', 'set call:' + CALL]);
    expect(costOf(results)).toMatchObject({ requests: 10, dbOps: 10 });
    // The one recurring drain, created by the first call; nothing per call.
    expect(scheduleNames(app)).toEqual(['call-sync-drain']);
  });

  test('a repeat of the whole call later changes nothing: one storage read per event that matters', async () => {
    const again = await replay(app, 'answered-inbound');
    for (const result of again.slice(0, 4)) expect(costOf(result)).toEqual(FREE);
    // The event that ended the call tries to create the record first (it exists): 2 operations.
    expect(costOf(again[4]!)).toMatchObject({ requests: 0, dbOps: 2, reads: 1 });
    expect(costOf(again[5]!)).toMatchObject({ requests: 0, dbOps: 1, reads: 1 });
    expect(logCodes(again.slice(4))).toEqual(['nothing', 'nothing']);
    expect(appNotes(app, jordanOpen, { callId: CALL })).toHaveLength(2);
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
  });

  test('Jordan calls again: the remembered conversation written to unread; once an agent deletes it, the next call is looked up afresh in the same run', async () => {
    const second = await replay(app, renamed(sequence('answered-inbound'), { [CALL]: CALL + 1 }));
    expect(logCodes(second.slice(4))).toEqual(['synced', 'synced']);
    // An answered call resolves whatever the status: no read of the conversation, no phone lookup.
    const templates = costOf(second[4]!).templates;
    expect(templates).not.toContain('chatGetConversation');
    expect(templates).not.toContain('chatFindUsersByPhone');
    expect(appNotes(app, jordanOpen, { callId: CALL + 1, kind: 'summary' })).toHaveLength(1);
    expect(record(app, CALL + 1).link).toMatchObject({ conversationId: jordanOpen, reason: expect.stringContaining('remembered from an earlier call') });

    expect(app.standins.freshchat.removeConversation(jordanOpen)).toBe(true);
    const third = await replay(app, renamed(sequence('answered-inbound'), { [CALL]: CALL + 2 }));
    expect(logCodes(third.slice(4))).toEqual(['synced', 'synced']);
    // The note to the deleted conversation was refused; the caller was looked up again and the note written once, in the other conversation.
    const posts = third[4]!.requests.filter((r) => r.template === 'chatPostMessage');
    expect(posts.map((r) => r.status)).toEqual([404, 200]);
    expect(costOf(third[4]!).templates).toContain('chatFindUsersByPhone');
    expect(record(app, CALL + 2)).toMatchObject({ status: 'synced', summary: 'written', failure: null, link: { state: 'linked', conversationId: jordanResolved } });
    expect(appNotes(app, jordanResolved, { callId: CALL + 2, kind: 'summary' })).toHaveLength(1);

    // What was found replaced the caller's entry: the next call goes straight there.
    const fourth = await replay(app, renamed(sequence('answered-inbound'), { [CALL]: CALL + 3 }));
    expect(fourth[4]!.requests.filter((r) => r.template === 'chatPostMessage').map((r) => r.status)).toEqual([200]);
    expect(record(app, CALL + 3).link.conversationId).toBe(jordanResolved);
  });
});
