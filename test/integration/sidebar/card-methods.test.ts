// The Freshcaller card's server methods through the built server.js in the local runtime, against
// the stand-ins (docs/architecture.md "The sidebar"): what the card shows for a synced call, a
// live call and an unknown one; Retry after a permanent failure; Re-link before and after the
// outcome, moving a written note.
import type { InvocationResult } from '../../../tools/runtime';
import type { ActionAnswer, CallerConversations, CallSyncView, ConversationCalls } from '../../../server/src/methods/contract';
import { advance, appNotes, conversation, csatPosts, record, replay, SEED, sequence, renamed, startScenarioApp, type LocalApp } from '../../support/scenario';
import { pendingWork } from '../../support/pending-work';

const CALL = 25847696;
const { jordanOpen, jordanResolved, sam } = SEED.conversations;

function invoke(app: LocalApp, method: string, args: Record<string, unknown>): Promise<InvocationResult> {
  return app.runtime.invoke(method, args, { module: 'caller_conversation' });
}

async function answer<T>(app: LocalApp, method: string, args: Record<string, unknown>): Promise<T> {
  const result = await invoke(app, method, args);
  expect(result.problems).toEqual([]);
  expect(result.renderDataCalls).toBe(1);
  const rendered = result.renderData as { error: unknown; data: unknown };
  expect(rendered.error).toBeNull();
  return rendered.data as T;
}

async function refusal(app: LocalApp, method: string, args: Record<string, unknown>): Promise<{ status: number; message: string; requests: number }> {
  const result = await invoke(app, method, args);
  expect(result.problems).toEqual([]);
  const error = (result.renderData as { error: { status: number; message: string } }).error;
  return { status: error.status, message: error.message, requests: result.requests.length };
}

/** A call still ringing in Freshcaller, from Jordan's number, with a new id. */
function liveCall(app: LocalApp, id: number, callerNumber?: string): void {
  const seeded = app.standins.freshcaller.state.calls.find((c) => c.id === CALL);
  const call = JSON.parse(JSON.stringify(seeded)) as { id: number; participants: Array<{ call_id: number; call_status: number }>; bill_duration: number | null; recording: unknown };
  call.id = id;
  call.bill_duration = null;
  call.recording = null;
  for (const p of call.participants as Array<{ call_id: number; call_status: number; participant_type?: string; caller_number?: string }>) {
    p.call_id = id;
    p.call_status = 8;
    if (callerNumber && p.participant_type === 'Customer') p.caller_number = callerNumber;
  }
  app.standins.freshcaller.addCall(call as never);
}

describe('the card on a synced call', () => {
  let app: LocalApp;
  beforeAll(async () => {
    app = await startScenarioApp();
    await replay(app, 'answered-inbound');
  });
  afterAll(() => app.stop());

  test('opening costs one storage read and no request, and shows where, why and what was written, with times', async () => {
    const result = await invoke(app, 'getCallSync', { callId: CALL });
    expect(result.requests).toHaveLength(0);
    expect(result.dbOps.map((op) => op.op)).toEqual(['get']);
    const view = (result.renderData as { data: CallSyncView }).data;
    expect(view).toMatchObject({
      callId: String(CALL),
      status: 'synced',
      outcome: 'answered',
      link: { state: 'linked', conversationId: jordanOpen, ambiguous: false, by: 'app' },
      csat: { state: 'posted', rating: 4, conversationId: null },
      failure: null,
      pending: [],
      canRelink: true,
    });
    expect(view.link.reason).toContain('most recent open conversation');
    expect(view.written.map((w) => w.what)).toEqual(['summary', 'resolved', 'csat', 'follow_up']);
    expect(view.written.every((w) => w.conversationId === jordanOpen && typeof w.at === 'number')).toBe(true);
    expect(view.written[3]!.detail).toBe('recording');
  });

  test('the ids the card hands over may be numbers or digits; anything else is refused before any read', async () => {
    await expect(answer<CallSyncView>(app, 'getCallSync', { callId: String(CALL) })).resolves.toMatchObject({ status: 'synced' });
    for (const callId of ['25847696; drop', '', -3, null, '../calls']) {
      const refused = await refusal(app, 'getCallSync', { callId });
      expect(refused).toMatchObject({ status: 400, requests: 0 });
      expect(refused.message).toContain('call id');
    }
  });

  test('a call Freshcaller does not know: unknown, nothing stored', async () => {
    const view = await answer<CallSyncView>(app, 'getCallSync', { callId: 99999001 });
    expect(view).toMatchObject({ status: 'unknown', canRetry: false, canRelink: false });
    expect(app.runtime.store('freshcaller').peek('call:99999001')).toBeUndefined();
  });

  test("the picker lists the caller's conversations newest first, the current one marked", async () => {
    const list = await answer<CallerConversations>(app, 'listCallerConversations', { callId: CALL });
    expect(list.matchedBy).toBe('link');
    expect(list.conversations.map((c) => [c.id, c.status, c.current])).toEqual([
      [jordanOpen, 'resolved', true],
      [jordanResolved, 'resolved', false],
    ]);
    expect(list.more).toBe(false);
  });

  test('re-linking a written call moves its note: the summary with every fact folded in, a moved note left behind, the rating stays', async () => {
    const moved = await answer<ActionAnswer>(app, 'relinkCall', { callId: CALL, conversationId: jordanResolved });
    expect(moved.code).toBe('synced');
    const summaries = appNotes(app, jordanResolved, { callId: CALL, kind: 'summary' });
    expect(summaries).toHaveLength(1);
    // the recording came as a follow-up in the old conversation; the moved summary carries it
    expect(summaries[0]!.lines.some((line) => line.indexOf('Recording: ') === 0)).toBe(true);
    expect(summaries[0]!.actorId).toBe(SEED.agents.ava);
    expect(appNotes(app, jordanOpen, { callId: CALL }).map((n) => n.kind)).toEqual(['summary', 'follow-up', 'moved']);
    expect(appNotes(app, jordanOpen, { kind: 'moved' })[0]!.lines.join(' ')).toContain(jordanResolved);
    // posted once, where it was; the card says so
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
    expect(csatPosts(app, jordanResolved)).toHaveLength(0);
    expect(moved.view).toMatchObject({ status: 'synced', link: { conversationId: jordanResolved, by: 'agent' }, csat: { state: 'posted', conversationId: jordanOpen }, pending: [] });
    expect(moved.view.written.slice(-3).map((w) => [w.what, w.conversationId])).toEqual([
      ['summary', jordanResolved],
      ['moved', jordanOpen],
      ['resolved', jordanResolved],
    ]);
    expect(conversation(app, jordanResolved).status).toBe('resolved');
  });

  test('the Freshchat pane of each conversation reads the move back from the notes', async () => {
    const calls = async (conversationId: string): Promise<ConversationCalls> => {
      const result = await app.runtime.invoke('getConversationCalls', { conversationId }, { module: 'chat_conversation' });
      return (result.renderData as { data: ConversationCalls }).data;
    };
    const old = await calls(jordanOpen);
    expect(old.calls.map((c) => c.callId)).not.toContain(String(CALL));
    expect(old.movedAway).toEqual([{ callId: String(CALL), toConversationId: jordanResolved }]);
    const now = await calls(jordanResolved);
    expect(now.calls.map((c) => [c.callId, c.outcome, c.csat])).toEqual([[String(CALL), 'answered', '4 of 5']]);
  });

  test('re-linking to the conversation it is in changes nothing', async () => {
    const before = app.standins.freshchat.requests.filter((r) => r.method !== 'GET').length;
    const again = await answer<ActionAnswer>(app, 'relinkCall', { callId: CALL, conversationId: jordanResolved });
    expect(again.view.link.conversationId).toBe(jordanResolved);
    expect(app.standins.freshchat.requests.filter((r) => r.method !== 'GET').length).toBe(before);
  });

  test('a conversation that does not exist is refused in words, and the link stays', async () => {
    const refused = await refusal(app, 'relinkCall', { callId: CALL, conversationId: 'c0c00000-0000-4000-8000-00000000dead' });
    expect(refused.status).toBe(404);
    expect(refused.message).toContain('no longer exists');
    expect(record(app, CALL).link).toMatchObject({ conversationId: jordanResolved });
  });
});

describe('Retry after a permanent failure', () => {
  let app: LocalApp;
  beforeAll(async () => {
    app = await startScenarioApp();
  });
  afterAll(() => app.stop());

  test('Freshchat refuses the key: the card shows it as permanent; Retry syncs once the key works again', async () => {
    app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 403, times: 1 });
    await replay(app, 'missed-inbound');
    const failed = await answer<CallSyncView>(app, 'getCallSync', { callId: 25847700 });
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({ permanent: true, nextAt: null, code: 'forbidden' });
    expect(failed.canRetry).toBe(true);
    expect(failed.pending).toEqual([]);
    expect(appNotes(app, sam, { callId: 25847700 })).toEqual([]);

    const retried = await answer<ActionAnswer>(app, 'retryCallSync', { callId: 25847700 });
    expect(retried.code).toBe('synced');
    expect(retried.view).toMatchObject({ status: 'synced', failure: null, link: { conversationId: sam } });
    expect(appNotes(app, sam, { callId: 25847700, kind: 'summary' })).toHaveLength(1);
  });

  test('a second Retry of a synced call writes nothing again', async () => {
    const again = await answer<ActionAnswer>(app, 'retryCallSync', { callId: 25847700 });
    expect(again.code).toBe('nothing');
    expect(appNotes(app, sam, { callId: 25847700, kind: 'summary' })).toHaveLength(1);
  });

  test('an unknown caller: unlinked with the reason; once they have a conversation, Retry finds it', async () => {
    await replay(app, 'abandoned-unknown');
    const unlinked = await answer<CallSyncView>(app, 'getCallSync', { callId: 25847730 });
    expect(unlinked).toMatchObject({ status: 'unlinked', canRetry: true, link: { state: 'unlinked' } });
    expect(unlinked.link.reason).toContain('no Freshchat user');
    const user = app.standins.freshchat.addUser({ phone: '+14155550177', first_name: 'Morgan' });
    const opened = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000b7', users: [{ id: user.id }], status: 'new' }).conversation_id;
    const retried = await answer<ActionAnswer>(app, 'retryCallSync', { callId: 25847730 });
    expect(retried.code).toBe('synced');
    expect(retried.view.link).toMatchObject({ state: 'linked', conversationId: opened });
    expect(appNotes(app, opened, { callId: 25847730, kind: 'summary' })).toHaveLength(1);
  });

  test('Retry of a call still in progress is refused in words', async () => {
    liveCall(app, 25849001);
    const refused = await refusal(app, 'retryCallSync', { callId: 25849001 });
    expect(refused.status).toBe(409);
    expect(refused.message).toContain('in progress');
  });
});

describe('the card on a live call', () => {
  let app: LocalApp;
  beforeAll(async () => {
    app = await startScenarioApp();
  });
  afterAll(() => app.stop());

  test('it says where the outcome will be written and why, and the outcome goes there', async () => {
    liveCall(app, 25849101);
    const live = await answer<CallSyncView>(app, 'getCallSync', { callId: 25849101 });
    expect(live).toMatchObject({ status: 'live', outcome: null, link: { state: 'linked', conversationId: jordanOpen, by: 'app' }, canRelink: true });
    expect(live.link.reason).toContain('most recent open conversation');
    // opening it again reads the stored link: no request
    const again = await invoke(app, 'getCallSync', { callId: 25849101 });
    expect(again.requests).toHaveLength(0);

    await replay(app, renamed(sequence('answered-inbound'), { [CALL]: 25849101 }));
    expect(appNotes(app, jordanOpen, { callId: 25849101, kind: 'summary' })).toHaveLength(1);
  });

  test('a live call from a number Freshchat does not know: no conversation yet, and the answered outcome still creates one', async () => {
    app.runtime.iparams = Object.assign({}, app.runtime.iparams, { freshchat_channel_id: SEED.channel });
    liveCall(app, 25849103, '+14155550166');
    const live = await answer<CallSyncView>(app, 'getCallSync', { callId: 25849103 });
    expect(live).toMatchObject({ status: 'live', link: { state: 'none', conversationId: null } });
    expect(live.link.reason).toContain('no Freshchat user');
    await replay(app, renamed(sequence('answered-inbound'), { [CALL]: 25849103 }, '+14155550166'));
    const ended = record(app, 25849103);
    expect(ended).toMatchObject({ status: 'synced', link: { state: 'linked' } });
    expect(appNotes(app, ended.link.conversationId as string, { callId: 25849103, kind: 'summary' })).toHaveLength(1);
  });

  test('re-linked before the outcome, the outcome is written to the agent\'s pick and nothing is moved', async () => {
    liveCall(app, 25849102);
    await answer<CallSyncView>(app, 'getCallSync', { callId: 25849102 });
    const linked = await answer<ActionAnswer>(app, 'relinkCall', { callId: 25849102, conversationId: sam });
    expect(linked.view).toMatchObject({ status: 'live', link: { conversationId: sam, by: 'agent' } });
    await replay(app, renamed(sequence('answered-inbound'), { [CALL]: 25849102 }));
    expect(appNotes(app, sam, { callId: 25849102, kind: 'summary' })).toHaveLength(1);
    expect(appNotes(app, jordanOpen, { callId: 25849102 })).toEqual([]);
  });
});

describe('a re-link whose writes fail midway', () => {
  let app: LocalApp;
  beforeEach(async () => {
    app = await startScenarioApp();
    await replay(app, 'answered-inbound');
  });
  afterEach(() => app.stop());

  test.each([
    ['the summary is refused with a 503 (not written)', { status: 503 }],
    ['the summary is written but its answer is lost', { afterAction: true, status: 503 }],
    ['the moved note is refused with a 503', { status: 503, skip: 1 }],
    ['the moved note is written but its answer is lost', { afterAction: true, status: 503, skip: 1 }],
  ])('%s: the deferred work finishes the move, nothing written twice', async (_label, fault) => {
    const spec = Object.assign({ method: 'POST', path: /\/messages$/, times: 1 }, fault) as { skip?: number };
    if (spec.skip) {
      // let the summary through, fail the moved note after it
      app.standins.freshchat.injectFault({ method: 'POST', path: '/v2/conversations/' + jordanResolved + '/messages', delayMs: 1, times: 1 });
      delete spec.skip;
    }
    app.standins.freshchat.injectFault(spec as never);
    const moved = await answer<ActionAnswer>(app, 'relinkCall', { callId: CALL, conversationId: jordanResolved });
    expect(moved.code).toBe('deferred');
    expect(moved.view.status).toBe('retrying');
    // a re-link is refused while its lost write is being checked, or while the move is unfinished
    const again = await refusal(app, 'relinkCall', { callId: CALL, conversationId: sam });
    expect(again.status).toBe(409);
    await advance(app, 10 * 60_000);
    expect(appNotes(app, jordanResolved, { callId: CALL, kind: 'summary' })).toHaveLength(1);
    expect(appNotes(app, jordanOpen, { callId: CALL, kind: 'moved' })).toHaveLength(1);
    expect(appNotes(app, sam, { callId: CALL })).toEqual([]);
    expect(record(app, CALL)).toMatchObject({ status: 'synced', movedFrom: null, link: { conversationId: jordanResolved } });
    expect(pendingWork(app)).toEqual([]);
  });
});
