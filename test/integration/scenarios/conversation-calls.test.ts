// The Freshchat pane's server method through the built server.js in the local runtime, against
// the stand-ins: calls synced by the call events are read back from the conversations' notes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InvocationResult, InvokeOptions } from '../../../tools/runtime';
import type { ConversationCalls } from '../../../server/src/methods/contract';
import { ROOT } from '../../support/fixtures';
import { appNotes, contractWatch, replay, SEED, startScenarioApp, type LocalApp } from '../../support/scenario';

const ANSWERED = 25847696;
/** test_data/calls/missed-inbound.json: Sam calls, nobody answers. */
const MISSED = 25847700;
const { jordanOpen, jordanResolved, sam } = SEED.conversations;

/**
 * The placement that calls the method. Until the sidebar's placements are in manifest.json
 * (issue 7), the app has one product and the runtime needs no module; once `chat_conversation`
 * is declared, the Freshchat module's partition is used, as in production.
 */
function chatPlacement(): InvokeOptions {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { modules: Record<string, unknown> };
  return manifest.modules.chat_conversation ? { module: 'chat_conversation' } : {};
}

describe('getConversationCalls (built app, local runtime, stand-ins)', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;

  const ask = (args: unknown): Promise<InvocationResult> => app.runtime.invoke('getConversationCalls', args, chatPlacement());
  const answerOf = (result: InvocationResult): ConversationCalls => {
    expect(result).toMatchObject({ completed: true, renderDataCalls: 1, problems: [] });
    expect(result.renderData && result.renderData.error).toBeNull();
    return (result.renderData as { data: ConversationCalls }).data;
  };

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    // Jordan's answered call (summary, then the recording as a follow-up) into Jordan's open
    // conversation; Sam's missed call into Sam's; nothing into Jordan's resolved one.
    await replay(app, 'answered-inbound');
    await replay(app, 'missed-inbound');
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  test.each([
    ['Jordan\'s open conversation', jordanOpen, [String(ANSWERED)]],
    ['Sam\'s conversation', sam, [String(MISSED)]],
  ])('%s lists exactly the calls synced into it', async (_name, conversationId, expected) => {
    expect(appNotes(app, conversationId, { kind: 'summary' }).map((note) => note.callId)).toEqual(expected);
    const answer = answerOf(await ask({ conversationId }));
    expect(answer).toMatchObject({ conversationId, movedAway: [], truncated: false });
    expect(answer.calls.map((call) => call.callId)).toEqual(expected);
  });

  test('each call with its facts and follow-ups, for one request and no $db', async () => {
    const result = await ask({ conversationId: jordanOpen });
    const answer = answerOf(result);

    const answered = answer.calls[0];
    const summary = appNotes(app, jordanOpen, { callId: ANSWERED, kind: 'summary' })[0];
    expect(answered).toMatchObject({ callId: String(ANSWERED), direction: 'incoming', outcome: 'answered', duration: '3m 04s', agent: 'Ava Parker', csat: '4 of 5' });
    expect(answered!.time).toBe(app.standins.freshchat.messagesOf(jordanOpen).find((m) => m.id === summary!.messageId)!.created_time);
    const followUps = appNotes(app, jordanOpen, { callId: ANSWERED, kind: 'follow-up' });
    expect(followUps.length).toBeGreaterThan(0);
    expect(answered!.followUps.map((f) => f.lines)).toEqual(followUps.map((note) => note.lines));
    expect(answered!.recordingUrl).toMatch(/^https:\/\//);

    expect(result.requests.map((r) => r.template)).toEqual(['chatListMessages']);
    expect(result.dbOps).toEqual([]);
  });

  test('a conversation the app wrote nothing into has no calls ([]), even with a customer message imitating the line', async () => {
    app.standins.freshchat.addMessage(jordanResolved, {
      actor_type: 'user',
      actor_id: SEED.users.jordan,
      message_parts: [{ text: { content: 'Incoming call \u00b7 answered\nCall Sync \u00b7 call 1 \u00b7 summary' } }],
    });
    const conversationId = jordanResolved;
    expect(answerOf(await ask({ conversationId }))).toEqual({ conversationId, calls: [], movedAway: [], truncated: false });
  });

  test('a long conversation is read for at most 3 pages and answered as truncated', async () => {
    for (let i = 0; i < 150; i++) {
      app.standins.freshchat.addMessage(jordanResolved, { actor_type: 'user', actor_id: SEED.users.jordan, message_parts: [{ text: { content: 'message ' + i } }] });
    }
    const result = await ask({ conversationId: jordanResolved });
    expect(answerOf(result)).toMatchObject({ calls: [], truncated: true });
    expect(result.requests.map((r) => r.template)).toEqual(['chatListMessages', 'chatListMessages', 'chatListMessages']);
  });

  test('a bad id is a 400 with a message, and nothing is sent', async () => {
    const result = await ask({ conversationId: '../agents' });
    expect(result.completed).toBe(true);
    expect(result.renderData && result.renderData.error).toEqual({ status: 400, message: 'Not a valid Freshchat conversation id' });
    expect(result.requests).toEqual([]);
  });

  test('a conversation Freshchat does not have is a 404 in words', async () => {
    const result = await ask({ conversationId: 'c0c00000-0000-4000-8000-0000000000ff' });
    expect(result.renderData && result.renderData.error).toEqual({ status: 404, message: 'This conversation no longer exists in Freshchat' });
    expect(result.requests.map((r) => [r.template, r.status])).toEqual([['chatListMessages', 404]]);
  });
});
