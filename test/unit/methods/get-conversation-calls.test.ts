import { ApiError } from '../../../server/src/clients/api-error';
import { renderFollowUp, renderSummaryNote } from '../../../server/src/domain/render-note';
import { argsOf, errorAnswer, MethodFailure, serve, UNEXPECTED } from '../../../server/src/methods/answer';
import { BAD_ID, getConversationCalls, GONE, MAX_MESSAGE_PAGES } from '../../../server/src/methods/get-conversation-calls';
import type { InvokeOptions } from '../../../server/src/platform/types';
import { FakePlatform } from '../../support/fake-platform';
import { httpError, ok, rejectWith, sentRequests } from '../clients/helpers';
import { summaryInput } from '../domain/note-builder';
import { looseObject, string } from 'zod';

const CONVERSATION = 'c0c00000-0000-4000-8000-000000000002';
const IPARAMS = { freshchat_host: 'acme.freshchat.com', freshchat_api_key: 'secret' };

let seq = 0;
function message(text: string, minute: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq += 1;
  return Object.assign(
    { id: 'm' + seq, message_type: 'private', actor_type: 'agent', message_parts: [{ text: { content: text } }], created_time: new Date(Date.UTC(2026, 10, 2, 14, minute)).toISOString() },
    overrides,
  );
}

/** chatListMessages answers these pages of 50 (page n of the list), newest first unless told. */
function pages(platform: FakePlatform, list: Array<Array<Record<string, unknown>>>): void {
  platform.responses.set('chatListMessages', (options: InvokeOptions) => {
    const page = Number(options.context && options.context.page);
    const body = { messages: list[page - 1] || [], pagination: { current_page: page, total_pages: list.length } };
    return ok(body)(options);
  });
}

const filler = (count: number, minute: number): Array<Record<string, unknown>> =>
  Array.from({ length: count }, () => message('hello', minute, { message_type: 'normal', actor_type: 'user' }));

/** Runs the method as server.ts does and returns what renderData got. */
async function invoke(platform: FakePlatform, args: unknown): Promise<{ error: unknown; data: unknown; calls: number }> {
  const seen = { error: undefined as unknown, data: undefined as unknown, calls: 0 };
  await serve('getConversationCalls', getConversationCalls, args, platform, (error, data) => {
    seen.calls += 1;
    seen.error = error;
    seen.data = data;
  });
  return seen;
}

describe('getConversationCalls', () => {
  test('answers the calls read back from the notes, with the conversation id, and never touches $db', async () => {
    const platform = new FakePlatform();
    pages(platform, [
      [
        message(renderFollowUp('25847696', [{ kind: 'recording', url: 'https://acme.freshcaller.com/r/1' }]), 9),
        message(renderSummaryNote(summaryInput({ recordingUrl: null })), 5),
        message('Call Sync \u00b7 call 1 \u00b7 summary', 4, { message_type: 'normal', actor_type: 'user' }),
      ],
    ]);
    const answer = await invoke(platform, { conversationId: CONVERSATION, iparams: IPARAMS });
    expect(answer.calls).toBe(1);
    expect(answer.error).toBeNull();
    expect(answer.data).toEqual({
      conversationId: CONVERSATION,
      calls: [expect.objectContaining({ callId: '25847696', csat: '4 of 5', recordingUrl: 'https://acme.freshcaller.com/r/1', followUps: [expect.objectContaining({ lines: ['Recording ready: https://acme.freshcaller.com/r/1'] })] })],
      movedAway: [],
      truncated: false,
    });
    expect(sentRequests(platform).map((r) => [r.template, r.context])).toEqual([['chatListMessages', { conversation_id: CONVERSATION, page: '1' }]]);
    expect(platform.dbOps()).toEqual([]);
  });

  test('an empty conversation has no calls', async () => {
    const platform = new FakePlatform();
    pages(platform, [[]]);
    expect((await invoke(platform, { conversationId: CONVERSATION })).data).toEqual({ conversationId: CONVERSATION, calls: [], movedAway: [], truncated: false });
  });

  test(`reads at most ${MAX_MESSAGE_PAGES} pages and says when more remained`, async () => {
    const platform = new FakePlatform();
    const summary = message(renderSummaryNote(summaryInput({ callId: '7' })), 1);
    pages(platform, [filler(50, 30), filler(50, 20), filler(49, 10).concat(summary), filler(50, 0)]);
    const answer = await invoke(platform, { conversationId: CONVERSATION });
    expect(sentRequests(platform).map((r) => r.context && r.context.page)).toEqual(['1', '2', '3']);
    expect(answer.data).toMatchObject({ calls: [expect.objectContaining({ callId: '7' })], truncated: true });
  });

  test('stops at the last page, and a message that shifted onto the next page counts once', async () => {
    const platform = new FakePlatform();
    const follow = message(renderFollowUp('7', [{ kind: 'csat', csat: { key: 3, rating: 3 } }]), 8);
    pages(platform, [filler(49, 9).concat(follow), [follow, message(renderSummaryNote(summaryInput({ callId: '7' })), 1)]]);
    const answer = await invoke(platform, { conversationId: CONVERSATION });
    expect(sentRequests(platform)).toHaveLength(2);
    const data = answer.data as { calls: Array<{ followUps: unknown[] }>; truncated: boolean };
    expect(data.calls[0]!.followUps).toHaveLength(1);
    expect(data.truncated).toBe(false);
  });

  test('oldest-first pages give the same answer as newest-first ones', async () => {
    const notes = [
      message(renderSummaryNote(summaryInput({ callId: '1' })), 1),
      message(renderSummaryNote(summaryInput({ callId: '2' })), 2),
      message(renderFollowUp('1', [{ kind: 'csat', csat: { key: 5, rating: 5 } }]), 3),
    ];
    const newest = new FakePlatform();
    pages(newest, [notes.slice().reverse()]);
    const oldest = new FakePlatform();
    pages(oldest, [notes]);
    const a = await invoke(newest, { conversationId: CONVERSATION });
    expect(a.data).toEqual((await invoke(oldest, { conversationId: CONVERSATION })).data);
    expect((a.data as { calls: Array<{ callId: string }> }).calls.map((c) => c.callId)).toEqual(['2', '1']);
  });

  test.each([
    ['a path', { conversationId: '../agents' }],
    ['an empty id', { conversationId: '' }],
    ['a number', { conversationId: 42 }],
    ['no id', { iparams: IPARAMS }],
    ['not an object', 'c0c00000'],
  ])('%s is a 400 with a message, and nothing is asked of Freshchat', async (_name, args) => {
    const platform = new FakePlatform();
    const answer = await invoke(platform, args);
    expect(answer.error).toEqual({ status: 400, message: BAD_ID });
    expect(platform.calls).toEqual([]);
  });

  test.each([
    [404, { status: 404, message: GONE }],
    [401, { status: 401, message: 'Freshchat refused the API token: ask an admin to check it' }],
    [403, { status: 403, message: 'Freshchat refused the API token: ask an admin to check it' }],
    [429, { status: 429, message: 'Freshchat is busy; try again in a minute' }],
    [500, { status: 502, message: 'Freshchat had a problem; try again in a minute' }],
    [504, { status: 504, message: 'Freshchat did not answer in time; try again' }],
  ])('Freshchat answering %s is told in words', async (status, expected) => {
    const platform = new FakePlatform();
    platform.responses.set('chatListMessages', httpError(status));
    const answer = await invoke(platform, { conversationId: CONVERSATION });
    expect(answer).toEqual({ error: expected, data: undefined, calls: 1 });
    expect(expected.message.length).toBeLessThanOrEqual(60);
    // The body (which names a number) is not in the log.
    expect(platform.logs.map((l) => l.message).join('\n')).not.toContain('+1415');
  });

  test('an answer the app cannot read is a 502, a bug a 500; both logged', async () => {
    const unreadable = new FakePlatform();
    unreadable.responses.set('chatListMessages', () => Promise.resolve({ status: 200, headers: {}, response: '<html>' }));
    expect((await invoke(unreadable, { conversationId: CONVERSATION })).error).toEqual({ status: 502, message: 'Freshchat sent an answer the app cannot read' });
    const broken = new FakePlatform();
    broken.responses.set('chatListMessages', rejectWith(new TypeError('boom')));
    // A rejection that is not an HTTP status becomes an ApiError in the client; a thrown bug in the method would not.
    expect((await invoke(broken, { conversationId: CONVERSATION })).error).toMatchObject({ status: 502 });
    expect(broken.logs.filter((l) => l.level === 'error')).toHaveLength(1);
  });
});

describe('answer.ts (shared by the server methods)', () => {
  test('argsOf ignores extra keys such as the merged iparams, and refuses a bad shape with the message', () => {
    const schema = looseObject({ callId: string().regex(/^\d+$/) });
    expect(argsOf(schema, { callId: '12', iparams: IPARAMS }, 'bad').callId).toBe('12');
    expect(() => argsOf(schema, { callId: 'x' }, 'Not a call id')).toThrow(new MethodFailure(400, 'Not a call id'));
  });

  test('errorAnswer: Freshcaller words, an id refused before sending, and a bug', () => {
    expect(errorAnswer(new ApiError({ product: 'freshcaller', template: 'callerGetCall', status: 401, code: 'auth' }))).toEqual({ status: 401, message: 'Freshcaller refused the API key: ask an admin to check it' });
    expect(errorAnswer(new ApiError({ product: 'freshcaller', template: 'callerGetCall', status: 0, code: 'invalid', reason: 'Not a valid Freshcaller id' }))).toEqual({ status: 400, message: 'Not a valid Freshcaller id' });
    expect(errorAnswer(new Error('boom'))).toBeNull();
  });

  test('every word fits a notice', () => {
    const codes = ['auth', 'forbidden', 'not_found', 'invalid', 'rate_limited', 'server', 'timeout', 'unreachable', 'bad_response'] as const;
    for (const product of ['freshchat', 'freshcaller'] as const) {
      for (const code of codes) {
        const answer = errorAnswer(new ApiError({ product, template: 't', status: 500, code })) as { message: string };
        expect(answer.message.length).toBeLessThanOrEqual(60);
      }
    }
  });

  test('serve answers a thrown bug with a 500 once, and logs it', async () => {
    const platform = new FakePlatform();
    const rendered: unknown[] = [];
    await serve('m', () => Promise.reject(new TypeError('x is undefined')), {}, platform, (error) => rendered.push(error));
    expect(rendered).toEqual([UNEXPECTED]);
    expect(platform.logs).toEqual([{ level: 'error', message: 'm failed: unexpected error' }]);
  });
});
