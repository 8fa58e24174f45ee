import { ApiError } from '../../../server/src/clients/api-error';
import { createFreshchatClient, PAGE_SIZE } from '../../../server/src/clients/freshchat';
import type { InvokeOptions } from '../../../server/src/platform/types';
import { FakePlatform } from '../../support/fake-platform';
import { httpError, ok, okText, rejectWith, sentRequests } from './helpers';

function setup() {
  const platform = new FakePlatform();
  return { platform, chat: createFreshchatClient(platform.request) };
}

const CONVERSATION = '83dd2824-7090-4a10-877d-863f394c610f';

describe('Freshchat client: account configuration and the install check', () => {
  test('reads app_id once and keeps it for the rest of the invocation', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatGetAccountConfiguration', ok({ app_id: 'app-1', account_id: 1, plan_type: 'Pro' }));
    await expect(chat.getAccountConfiguration()).resolves.toEqual({ appId: 'app-1' });
    await expect(chat.getAccountConfiguration()).resolves.toEqual({ appId: 'app-1' });
    expect(sentRequests(platform)).toEqual([{ template: 'chatGetAccountConfiguration', context: undefined, body: undefined, rawBody: undefined }]);
  });

  test('the install check makes one single-attempt request (chatCheckToken), separate from the retried read', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatCheckToken', ok({ app_id: 'app-1', account_id: 1 }));
    await expect(chat.checkFreshchat()).resolves.toBeUndefined();
    expect(sentRequests(platform)).toEqual([{ template: 'chatCheckToken', context: undefined, body: undefined, rawBody: undefined }]);
  });

  test.each([
    ['no app_id', ok({ account_id: 1 })],
    ['an HTML page', okText('<html><body>Welcome</body></html>')],
    ['an empty body', okText('')],
  ])('a host answering with %s is a bad_response', async (_label, answer) => {
    const { platform, chat } = setup();
    platform.responses.set('chatCheckToken', answer);
    await expect(chat.checkFreshchat()).rejects.toMatchObject({ code: 'bad_response', transient: false, product: 'freshchat', status: 200 });
  });

  test('a refused token is an auth ApiError', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatCheckToken', httpError(401));
    const error = await chat.checkFreshchat().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'auth', reason: 'Freshchat rejected the API token', template: 'chatCheckToken' });
  });
});

describe('Freshchat client: users and conversations', () => {
  test('finds users by phone with context.phone_no and no body', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatFindUsersByPhone', ok({
      users: [{ id: 'u-1', phone: '+14155550123', first_name: 'Jane' }, { id: 'u-2' }, { id: 'u-3', phone: 4155550123 }],
      pagination: { total_items: 3 },
    }));
    await expect(chat.findUsersByPhone('+14155550123')).resolves.toEqual([
      { id: 'u-1', phone: '+14155550123' },
      { id: 'u-2', phone: null },
      { id: 'u-3', phone: null },
    ]);
    expect(sentRequests(platform)).toEqual([{ template: 'chatFindUsersByPhone', context: { phone_no: '+14155550123' }, body: undefined, rawBody: undefined }]);
  });

  test.each([
    ['200 with an empty users list', ok({ users: [], pagination: { total_items: 0 } })],
    ['200 without a users list', ok({})],
    ['404', httpError(404, { code: 404, status: 'USER_NOT_FOUND', message: 'user not found' })],
  ])('no match answered as %s is []', async (_label, answer) => {
    const { platform, chat } = setup();
    platform.responses.set('chatFindUsersByPhone', answer);
    await expect(chat.findUsersByPhone('+14155550199')).resolves.toEqual([]);
  });

  test('other failures of a user search are thrown', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatFindUsersByPhone', httpError(429));
    await expect(chat.findUsersByPhone('+14155550199')).rejects.toMatchObject({ code: 'rate_limited', transient: true });
  });

  test('user conversation ids keep the order Freshchat returns (most recent first)', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatGetUserConversations', ok({ conversations: [{ id: 'c-3' }, { id: 'c-1' }, { id: 'c-2' }] }));
    await expect(chat.getUserConversationIds('u-1')).resolves.toEqual(['c-3', 'c-1', 'c-2']);
    expect(sentRequests(platform)[0]).toMatchObject({ template: 'chatGetUserConversations', context: { user_id: 'u-1' } });
  });

  test('an unknown user (404) has no conversations', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatGetUserConversations', httpError(404));
    await expect(chat.getUserConversationIds('u-9')).resolves.toEqual([]);
  });

  test('reads a conversation: conversation_id, status, created_time and users', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatGetConversation', ok({
      conversation_id: CONVERSATION, app_id: 'a', status: 'resolved', created_time: '2024-05-14T15:00:00.000Z',
      users: [{ id: 'u-1' }], skill_id: 0, properties: { priority: 'Low' },
    }));
    await expect(chat.getConversation(CONVERSATION)).resolves.toEqual({
      id: CONVERSATION, status: 'resolved', createdTime: '2024-05-14T15:00:00.000Z', userIds: ['u-1'],
    });
    expect(sentRequests(platform)[0]).toMatchObject({ template: 'chatGetConversation', context: { conversation_id: CONVERSATION }, body: undefined });
  });

  test('003 leaves users and created_time out of the conversation; the id asked for stands in for a missing one', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatGetConversation', ok({ status: 'assigned' }));
    await expect(chat.getConversation('c-1')).resolves.toEqual({ id: 'c-1', status: 'assigned', createdTime: null, userIds: [] });
  });

  test('a missing conversation is null; one without a status is a bad_response', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatGetConversation', httpError(404));
    await expect(chat.getConversation('c-1')).resolves.toBeNull();
    platform.responses.set('chatGetConversation', ok({ conversation_id: 'c-1' }));
    await expect(chat.getConversation('c-1')).rejects.toMatchObject({ code: 'bad_response' });
  });

  test.each(['../agents', 'a/b', 'c-1?x=1', '', 'a b'])('an id such as %p never reaches a template path', async (id) => {
    const { platform, chat } = setup();
    await expect(chat.getConversation(id)).rejects.toMatchObject({ code: 'invalid', status: 0, transient: false });
    await expect(chat.getUserConversationIds(id)).rejects.toMatchObject({ code: 'invalid' });
    await expect(chat.postPrivateNote(id, 'agent-1', 'x')).rejects.toMatchObject({ code: 'invalid' });
    await expect(chat.setConversationStatus(id, 'resolved')).rejects.toMatchObject({ code: 'invalid' });
    await expect(chat.postCsat(id, 5)).rejects.toMatchObject({ code: 'invalid' });
    await expect(chat.listMessages(id, 1)).rejects.toMatchObject({ code: 'invalid' });
    expect(platform.calls).toEqual([]);
  });
});

describe('Freshchat client: writes', () => {
  test.each(['resolved', 'reopened'] as const)('sets the status %s with a ConversationUpdate body', async (status) => {
    const { platform, chat } = setup();
    platform.responses.set('chatUpdateConversation', ok({ conversation_id: 'c-1', status }));
    await chat.setConversationStatus('c-1', status);
    expect(sentRequests(platform)).toEqual([
      { template: 'chatUpdateConversation', context: { conversation_id: 'c-1' }, body: { status }, rawBody: JSON.stringify({ status }) },
    ]);
  });

  test('posts a private note by the agent (MessageCreate)', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatPostMessage', okText(''));
    await chat.postPrivateNote('c-1', 'agent-1', 'Answered call\nCall Sync · call 1 · summary');
    const [sent] = sentRequests(platform);
    expect(sent).toEqual({
      template: 'chatPostMessage',
      context: { conversation_id: 'c-1' },
      body: { message_type: 'private', actor_type: 'agent', actor_id: 'agent-1', message_parts: [{ text: { content: 'Answered call\nCall Sync · call 1 · summary' } }] },
      rawBody: expect.any(String),
    });
  });

  test('a rejected note is thrown as an ApiError', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatPostMessage', httpError(400));
    await expect(chat.postPrivateNote('c-1', 'agent-1', 'x')).rejects.toMatchObject({ code: 'invalid', transient: false, template: 'chatPostMessage' });
  });

  test.each([200, 201])('creates a user with the E.164 number (answered %i)', async (status) => {
    const { platform, chat } = setup();
    platform.responses.set('chatCreateUser', ok({ id: 'u-new', phone: '+14155550123', restore_id: 'r' }, status));
    await expect(chat.createUser('+14155550123')).resolves.toEqual({ id: 'u-new', phone: '+14155550123' });
    expect(sentRequests(platform)).toEqual([{ template: 'chatCreateUser', context: undefined, body: { phone: '+14155550123' }, rawBody: '{"phone":"+14155550123"}' }]);
  });

  test('a created user without an id is a bad_response', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatCreateUser', ok({ phone: '+14155550123' }));
    await expect(chat.createUser('+14155550123')).rejects.toMatchObject({ code: 'bad_response', template: 'chatCreateUser' });
  });

  test('creates a conversation for the user whose first message is the private note', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatCreateConversation', ok({ conversation_id: 'c-new', status: 'new' }));
    await expect(chat.createConversation({ appId: 'app-1', channelId: 'ch-1', userId: 'u-1', actorId: 'agent-1', text: 'Voicemail' }))
      .resolves.toEqual({ conversationId: 'c-new' });
    expect(sentRequests(platform)).toEqual([{
      template: 'chatCreateConversation',
      context: undefined,
      body: {
        app_id: 'app-1',
        channel_id: 'ch-1',
        users: [{ id: 'u-1' }],
        messages: [{ message_type: 'private', actor_type: 'agent', actor_id: 'agent-1', message_parts: [{ text: { content: 'Voicemail' } }] }],
      },
      rawBody: expect.any(String),
    }]);
  });

  test('a created conversation is read by conversation_id, else id, else it is a bad_response', async () => {
    const { platform, chat } = setup();
    const input = { appId: 'a', channelId: 'c', userId: 'u', actorId: 'g', text: 't' };
    platform.responses.set('chatCreateConversation', ok({ id: 'c-2' }, 202));
    await expect(chat.createConversation(input)).resolves.toEqual({ conversationId: 'c-2' });
    platform.responses.set('chatCreateConversation', ok({ status: 'new' }));
    await expect(chat.createConversation(input)).rejects.toMatchObject({ code: 'bad_response' });
  });

  test('posts CSAT as POST /v2/csat with issue_resolved and the rating', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatPostCsat', ok({ csat_response_id: 1, rating: 4 }, 201));
    await chat.postCsat('c-1', 4);
    expect(sentRequests(platform)).toEqual([
      { template: 'chatPostCsat', context: { conversation_id: 'c-1' }, body: { issue_resolved: true, rating: 4 }, rawBody: '{"issue_resolved":true,"rating":4}' },
    ]);
  });

  test.each([0, 6, 2.5, Number.NaN])('a rating of %p is refused before any request', async (rating) => {
    const { platform, chat } = setup();
    await expect(chat.postCsat('c-1', rating)).rejects.toMatchObject({ code: 'invalid', status: 0, reason: 'A Freshchat CSAT rating must be 1 to 5' });
    expect(platform.calls).toEqual([]);
  });

  test('CSAT on a conversation that is not resolved (400) is an invalid request, not retried', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatPostCsat', httpError(400, { code: 400, status: 'CONVERSATION_NOT_RESOLVED', message: 'not resolved' }));
    await expect(chat.postCsat('c-1', 5)).rejects.toMatchObject({ code: 'invalid', transient: false });
  });
});

describe('Freshchat client: finding an agent by email', () => {
  const agent = (n: number, extra: Record<string, unknown> = {}) =>
    Object.assign({ id: 'agent-' + n, email: 'agent' + n + '@example.com', first_name: 'Agent', last_name: String(n), is_deactivated: false }, extra);
  const fullPage = (page: number) => Array.from({ length: PAGE_SIZE }, (_, i) => agent((page - 1) * PAGE_SIZE + i + 1));
  const nextLink = (page: number) => ({ next_page: 'https://acme.freshchat.com/v2/agents?page=' + (page + 1) + '&items_per_page=50' });

  /** Pages of agents; every page but the last links to the next one. */
  function pagedAgents(platform: FakePlatform, pages: Array<Array<Record<string, unknown>>>, links = true): void {
    platform.responses.set('chatListAgents', (options: InvokeOptions) => {
      const page = Number(options.context && options.context.page);
      const agents = pages[page - 1] || [];
      const body: Record<string, unknown> = { agents, pagination: { current_page: page, total_pages: pages.length, items_per_page: PAGE_SIZE } };
      if (links) body.links = page < pages.length ? nextLink(page) : {};
      return ok(body)(options);
    });
  }

  const pagesAsked = (platform: FakePlatform) => sentRequests(platform).map((r) => r.context);

  test('pages until the email matches, case-insensitively, and stops there', async () => {
    const { platform, chat } = setup();
    pagedAgents(platform, [fullPage(1), fullPage(2), fullPage(3)]);
    await expect(chat.findAgentByEmail('  AGENT77@Example.com ')).resolves.toEqual({ id: 'agent-77', email: 'agent77@example.com', name: 'Agent 77' });
    expect(pagesAsked(platform)).toEqual([{ page: '1' }, { page: '2' }]);
    expect(sentRequests(platform).every((r) => r.template === 'chatListAgents' && r.body === undefined)).toBe(true);
  });

  test('stops at a short page', async () => {
    const { platform, chat } = setup();
    pagedAgents(platform, [fullPage(1), [agent(51)], fullPage(3)]);
    // the short page 2 is the last one even though pagination claims three pages
    await expect(chat.findAgentByEmail('nobody@example.com')).resolves.toBeNull();
    expect(pagesAsked(platform)).toEqual([{ page: '1' }, { page: '2' }]);
  });

  test('stops at a full page without a next page link', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatListAgents', ok({ agents: fullPage(1), links: {} }));
    await expect(chat.findAgentByEmail('nobody@example.com')).resolves.toBeNull();
    expect(pagesAsked(platform)).toEqual([{ page: '1' }]);
  });

  test('follows 003-style link objects and pagination alone', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatListAgents', (options: InvokeOptions) => {
      const page = Number(options.context && options.context.page);
      if (page === 1) return ok({ agents: fullPage(1), links: { next_page: { href: '/v2/agents?page=2', rel: 'agent', type: 'GET' } } })(options);
      if (page === 2) return ok({ agents: fullPage(2), pagination: { current_page: 2, total_pages: 3 } })(options);
      return ok({ agents: [agent(101)], pagination: { current_page: 3, total_pages: 3 } })(options);
    });
    await expect(chat.findAgentByEmail('agent101@example.com')).resolves.toMatchObject({ id: 'agent-101' });
    expect(pagesAsked(platform)).toEqual([{ page: '1' }, { page: '2' }, { page: '3' }]);
  });

  test('asks at most maxPages pages (5 by default)', async () => {
    const { platform, chat } = setup();
    pagedAgents(platform, Array.from({ length: 8 }, (_, i) => fullPage(i + 1)));
    await expect(chat.findAgentByEmail('nobody@example.com')).resolves.toBeNull();
    expect(pagesAsked(platform)).toHaveLength(5);
    platform.calls.length = 0;
    await expect(chat.findAgentByEmail('nobody@example.com', 2)).resolves.toBeNull();
    expect(pagesAsked(platform)).toEqual([{ page: '1' }, { page: '2' }]);
  });

  test('a deactivated or deleted agent is no match; a later active one is', async () => {
    const { platform, chat } = setup();
    pagedAgents(platform, [[
      agent(1, { email: 'sam@example.com', is_deactivated: true }),
      agent(2, { email: 'sam@example.com', is_deleted: true }),
      agent(3, { email: 'sam@example.com', first_name: null, last_name: null }),
    ]]);
    await expect(chat.findAgentByEmail('sam@example.com')).resolves.toEqual({ id: 'agent-3', email: 'sam@example.com', name: 'sam@example.com' });
  });

  test('no agents, an empty email, and agents without email', async () => {
    const { platform, chat } = setup();
    await expect(chat.findAgentByEmail('   ')).resolves.toBeNull();
    expect(platform.calls).toEqual([]);
    pagedAgents(platform, [[{ id: 'agent-1' }, { id: 'agent-2', email: null }]]);
    await expect(chat.findAgentByEmail('sam@example.com')).resolves.toBeNull();
    platform.responses.set('chatListAgents', ok({}));
    await expect(chat.findAgentByEmail('sam@example.com')).resolves.toBeNull();
  });

  test('a failing page is thrown', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatListAgents', rejectWith({ status: 504, message: 'Timed out' }));
    await expect(chat.findAgentByEmail('sam@example.com')).rejects.toMatchObject({ code: 'timeout', transient: true });
  });
});

describe('Freshchat client: listing messages', () => {
  const message = (n: number, extra: Record<string, unknown> = {}) => Object.assign({
    id: 'm-' + n, message_type: 'private', actor_type: 'agent', actor_id: 'agent-1',
    message_parts: [{ text: { content: 'note ' + n } }], created_time: '2024-05-14T15:0' + n + ':00.000Z',
  }, extra);

  test('maps messages and joins their text parts; other parts are left out', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatListMessages', ok({
      messages: [
        message(1, { message_parts: [{ text: { content: 'line 1' } }, { image: { url: 'https://x.example.com/i.png' } }, { text: { content: 'line 2' } }] }),
        { message_parts: [{ file: { name: 'a.txt' } }] },
      ],
      links: {},
    }));
    await expect(chat.listMessages('c-1', 2)).resolves.toEqual({
      messages: [
        { id: 'm-1', messageType: 'private', actorType: 'agent', text: 'line 1\nline 2', createdTime: '2024-05-14T15:01:00.000Z' },
        { id: '', messageType: 'normal', actorType: '', text: '', createdTime: null },
      ],
      hasMore: false,
    });
    expect(sentRequests(platform)).toEqual([{ template: 'chatListMessages', context: { conversation_id: 'c-1', page: '2' }, body: undefined, rawBody: undefined }]);
  });

  test('since a time: the messages created then or later (from_time, seed 003), with their own template', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatListMessagesSince', ok({ messages: [message(1)], links: {} }));
    await expect(chat.listMessages('c-1', 3, Date.parse('2024-05-14T15:00:00.000Z'))).resolves.toMatchObject({ messages: [{ id: 'm-1' }], hasMore: false });
    expect(sentRequests(platform)).toEqual([{ template: 'chatListMessagesSince', context: { conversation_id: 'c-1', page: '3', from_time: '2024-05-14T15:00:00.000Z' }, body: undefined, rawBody: undefined }]);
  });

  test.each([
    ['a next page link', { links: { next_page: 'https://acme.freshchat.com/v2/conversations/c-1/messages?page=2' } }, 1, true],
    ['pagination with pages left', { pagination: { current_page: 1, total_pages: 2 } }, 1, true],
    ['pagination on its last page', { pagination: { current_page: 2, total_pages: 2 } }, PAGE_SIZE, false],
    ['neither, and a full page', {}, PAGE_SIZE, true],
    ['neither, and a short page', { link: { rel: 'self', href: '/v2/conversations/c-1/messages?page=2' } }, 3, false],
  ])('hasMore from %s', async (_label, extra, count, hasMore) => {
    const { platform, chat } = setup();
    platform.responses.set('chatListMessages', ok(Object.assign({ messages: Array.from({ length: count }, (_, i) => message(i)) }, extra)));
    await expect(chat.listMessages('c-1', 1)).resolves.toMatchObject({ hasMore });
  });

  test('page numbers below 1 ask for page 1; a missing conversation is thrown as not_found', async () => {
    const { platform, chat } = setup();
    platform.responses.set('chatListMessages', ok({ messages: [] }));
    await expect(chat.listMessages('c-1', 0)).resolves.toEqual({ messages: [], hasMore: false });
    expect(sentRequests(platform)[0]!.context).toEqual({ conversation_id: 'c-1', page: '1' });
    platform.responses.set('chatListMessages', httpError(404));
    await expect(chat.listMessages('c-1', 1)).rejects.toMatchObject({ code: 'not_found', reason: 'Freshchat has no such conversation' });
  });
});

describe('Freshchat client: counting requests for the meter', () => {
  test('every request sent is counted once, the cached app_id is not', async () => {
    const platform = new FakePlatform();
    let counted = 0;
    const chat = createFreshchatClient(platform.request, () => { counted += 1; });
    platform.responses.set('chatGetAccountConfiguration', ok({ app_id: 'app-1' }));
    platform.responses.set('chatGetConversation', httpError(500));
    await chat.getAccountConfiguration();
    await chat.getAccountConfiguration();
    await expect(chat.getConversation('c1')).rejects.toMatchObject({ code: 'server' });
    expect(counted).toBe(2);
  });
});
