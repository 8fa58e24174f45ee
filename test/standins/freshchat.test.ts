import { createFreshchatStandin, loadSeedFile, type FreshchatStandin } from '../../tools/standins';
import { CHAT_TOKEN, chat, lastRequest, list, obj } from './helpers';

const APP_ID = 'a0000000-0000-4000-8000-000000000001';
const CHANNEL = 'c0000000-0000-4000-8000-000000000001';
const AVA = 'a9e00000-0000-4000-8000-000000000001';
const JORDAN = 'e5e00000-0000-4000-8000-000000000001';
const SAM = 'e5e00000-0000-4000-8000-000000000002';
const JORDAN_RESOLVED = 'c0c00000-0000-4000-8000-000000000001';
const JORDAN_OPEN = 'c0c00000-0000-4000-8000-000000000002';
const SAM_NEW = 'c0c00000-0000-4000-8000-000000000003';

const note = (content: string) => ({ message_type: 'private', actor_type: 'agent', actor_id: AVA, message_parts: [{ text: { content } }] });

let freshchat: FreshchatStandin;

beforeAll(async () => {
  freshchat = createFreshchatStandin({ apiKey: CHAT_TOKEN });
  await freshchat.listen();
});

afterAll(() => freshchat.close());

beforeEach(() => {
  freshchat.reset(loadSeedFile().freshchat);
  Object.assign(freshchat.behaviour, { userSearchNoMatch: 'empty-list', createUserStatus: 200, paginationLinks: 'openapi' });
});

describe('unknown ids answer 404 in Freshchat error shape', () => {
  test.each([
    ['GET', '/v2/conversations/nope', 'CONVERSATION_NOT_FOUND'],
    ['GET', '/v2/conversations/nope/messages', 'CONVERSATION_NOT_FOUND'],
    ['GET', '/v2/users/nope', 'USER_NOT_FOUND'],
    ['GET', '/v2/users/nope/conversations', 'USER_NOT_FOUND'],
    ['GET', '/v2/agents/nope', 'AGENT_NOT_FOUND'],
    ['GET', '/v2/channels/nope', 'CHANNEL_NOT_FOUND'],
  ])('%s %s', async (method, path, status) => {
    const res = await chat(freshchat, path, { method });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, status, message: expect.stringContaining('nope') });
    expect(lastRequest(freshchat).violations).toEqual([]);
  });

  test('posting a message or a CSAT to an unknown conversation', async () => {
    expect((await chat(freshchat, '/v2/conversations/nope/messages', { method: 'POST', body: note('x') })).status).toBe(404);
    expect((await chat(freshchat, '/v2/csat/nope', { method: 'POST', body: { issue_resolved: true, rating: 5 } })).status).toBe(404);
  });
});

describe('users by phone_no: exact match on the stored value', () => {
  const search = async (phone: string) => list((await chat(freshchat, `/v2/users?phone_no=${encodeURIComponent(phone)}`)).body, 'users').map((u) => u.id);

  test('each stored format is found only by itself', async () => {
    expect(await search('+14155550123')).toEqual([JORDAN]);
    expect(await search('14155550123')).toEqual([]);
    expect(await search('(415) 555-0123')).toEqual([]);

    expect(await search('(415) 555-0199')).toEqual([SAM]);
    expect(await search('+14155550199')).toEqual([]);
    expect(await search('4155550199')).toEqual([]);

    expect(await search('4155550142')).toEqual(['e5e00000-0000-4000-8000-000000000003']);
    expect(await search('+14155550142')).toEqual([]);
  });

  test('an unencoded + arrives as a space and finds nobody', async () => {
    const res = await chat(freshchat, '/v2/users?phone_no=+14155550123');
    expect(list(res.body, 'users')).toEqual([]);
    expect(lastRequest(freshchat).query).toEqual({ phone_no: ' 14155550123' });
  });

  test('no match: 200 with an empty list, or 404 with the switch', async () => {
    const empty = await chat(freshchat, '/v2/users?phone_no=%2B15555550000');
    expect(empty.status).toBe(200);
    expect(list(empty.body, 'users')).toEqual([]);

    freshchat.behaviour.userSearchNoMatch = 'not-found';
    const missing = await chat(freshchat, '/v2/users?phone_no=%2B15555550000');
    expect(missing.status).toBe(404);
    expect(obj(missing.body)).toMatchObject({ code: 404, status: 'USER_NOT_FOUND' });
  });
});

describe('users', () => {
  test('POST /v2/users answers 200 (002) or 201 (003) with the created user', async () => {
    const created = await chat(freshchat, '/v2/users', { method: 'POST', body: { first_name: 'New', phone: '+14155550177', id: 'mine' } });
    expect(created.status).toBe(200);
    const user = obj(created.body);
    expect(user).toMatchObject({ first_name: 'New', phone: '+14155550177' });
    expect(user.id).not.toBe('mine');
    expect(typeof user.restore_id).toBe('string');

    freshchat.behaviour.createUserStatus = 201;
    expect((await chat(freshchat, '/v2/users', { method: 'POST', body: { first_name: 'Other' } })).status).toBe(201);
  });

  test("a user's conversations come back most recent first, ids only", async () => {
    freshchat.addConversation({ users: [{ id: JORDAN }], created_time: '2024-06-01T00:00:00.000Z', status: 'new' });
    const res = await chat(freshchat, `/v2/users/${JORDAN}/conversations`);
    const ids = list(res.body, 'conversations');
    expect(ids).toHaveLength(3);
    expect(ids.slice(1)).toEqual([{ id: JORDAN_OPEN }, { id: JORDAN_RESOLVED }]);
    expect(Object.keys(ids[0] || {})).toEqual(['id']);
  });
});

describe('conversations', () => {
  test('GET returns the conversation without users or messages (003)', async () => {
    const res = await chat(freshchat, `/v2/conversations/${JORDAN_OPEN}`);
    expect(res.body).toEqual({
      conversation_id: JORDAN_OPEN, app_id: APP_ID, channel_id: CHANNEL, status: 'assigned',
      assigned_agent_id: AVA, assigned_group_id: 'b0000000-0000-4000-8000-000000000001', created_time: '2024-05-10T09:15:00.000Z',
    });
  });

  test('resolve, then reopen: a reopened conversation becomes new and loses its agent (003)', async () => {
    const resolved = await chat(freshchat, `/v2/conversations/${JORDAN_OPEN}`, { method: 'PUT', body: { status: 'resolved' } });
    expect(resolved.status).toBe(200);
    expect(obj(resolved.body)).toMatchObject({ status: 'resolved', assigned_agent_id: AVA });

    const reopened = await chat(freshchat, `/v2/conversations/${JORDAN_OPEN}`, { method: 'PUT', body: { status: 'reopened' } });
    expect(reopened.status).toBe(200);
    expect(obj(reopened.body).status).toBe('new');
    expect(obj(reopened.body).assigned_agent_id).toBeUndefined();
    expect(freshchat.state.conversations.find((c) => c.conversation_id === JORDAN_OPEN)).toMatchObject({ status: 'new' });
  });

  test('reopening a conversation that is not resolved is refused', async () => {
    const res = await chat(freshchat, `/v2/conversations/${SAM_NEW}`, { method: 'PUT', body: { status: 'reopened' } });
    expect(res.status).toBe(400);
    expect(obj(res.body).status).toBe('INVALID_STATUS_CHANGE');
  });

  test('assigning: an agent makes it assigned; status assigned without anyone is refused', async () => {
    const none = await chat(freshchat, `/v2/conversations/${SAM_NEW}`, { method: 'PUT', body: { status: 'assigned' } });
    expect(none.status).toBe(400);
    const assigned = await chat(freshchat, `/v2/conversations/${SAM_NEW}`, { method: 'PUT', body: { status: 'assigned', assigned_agent_id: AVA } });
    expect(obj(assigned.body)).toMatchObject({ status: 'assigned', assigned_agent_id: AVA });
  });

  test('creating one with the account app_id answers 200 with conversation_id and lists it first', async () => {
    const config = obj((await chat(freshchat, '/v2/accounts/configuration')).body);
    const res = await chat(freshchat, '/v2/conversations', {
      method: 'POST',
      body: { app_id: config.app_id, channel_id: CHANNEL, users: [{ id: SAM }], messages: [note('Missed call from you')] },
    });
    expect(res.status).toBe(200);
    const id = obj(res.body).conversation_id;
    expect(typeof id).toBe('string');
    expect(obj(res.body).status).toBe('new');
    const mine = list((await chat(freshchat, `/v2/users/${SAM}/conversations`)).body, 'conversations');
    expect(mine[0]).toEqual({ id });
    expect(freshchat.messagesOf(String(id)).map((m) => m.message_parts[0]?.text?.content)).toEqual(['Missed call from you']);
  });

  test.each([
    ['another app_id', { app_id: 'other', channel_id: CHANNEL, users: [{ id: SAM }] }, 'INVALID_APP_ID'],
    ['an unknown channel', { app_id: APP_ID, channel_id: 'nope', users: [{ id: SAM }] }, 'INVALID_CHANNEL'],
    ['no users (003: mandatory)', { app_id: APP_ID, channel_id: CHANNEL }, 'BAD_REQUEST'],
    ['an unknown user', { app_id: APP_ID, channel_id: CHANNEL, users: [{ id: 'nope' }] }, 'INVALID_USER'],
  ])('creating one with %s is refused', async (_name, fields, status) => {
    const res = await chat(freshchat, '/v2/conversations', { method: 'POST', body: { ...fields, messages: [note('x')] } });
    expect(res.status).toBe(400);
    expect(obj(res.body).status).toBe(status);
  });
});

describe('messages', () => {
  test('POST answers 200 with the created message, appended to the conversation', async () => {
    const res = await chat(freshchat, `/v2/conversations/${JORDAN_OPEN}/messages`, { method: 'POST', body: note('Call answered by Ava') });
    expect(res.status).toBe(200);
    expect(obj(res.body)).toMatchObject({
      conversation_id: JORDAN_OPEN, app_id: APP_ID, message_type: 'private', actor_type: 'agent', actor_id: AVA,
      message_parts: [{ text: { content: 'Call answered by Ava' } }],
    });
    expect(typeof obj(res.body).id).toBe('string');
    const stored = freshchat.messagesOf(JORDAN_OPEN);
    expect(stored[stored.length - 1]?.id).toBe(obj(res.body).id);
  });

  test('an agent actor must be an agent of the account', async () => {
    const res = await chat(freshchat, `/v2/conversations/${JORDAN_OPEN}/messages`, { method: 'POST', body: { ...note('x'), actor_id: '67030' } });
    expect(res.status).toBe(400);
    expect(obj(res.body).status).toBe('INVALID_ACTOR');
  });

  test('the list pages newest first', async () => {
    for (let i = 0; i < 3; i += 1) {
      freshchat.addMessage(JORDAN_RESOLVED, {
        message_type: 'private', actor_type: 'agent', actor_id: AVA,
        message_parts: [{ text: { content: `note ${i}` } }], created_time: `2024-06-0${i + 1}T00:00:00.000Z`,
      });
    }
    const first = await chat(freshchat, `/v2/conversations/${JORDAN_RESOLVED}/messages?page=1&items_per_page=2`);
    const texts = list(first.body, 'messages').map((m) => (m.message_parts as { text: { content: string } }[])[0]?.text.content);
    expect(texts).toEqual(['note 2', 'note 1']);
    expect(obj(first.body).pagination).toEqual({ total_items: 5, total_pages: 3, current_page: 1, items_per_page: 2 });
    const third = await chat(freshchat, `/v2/conversations/${JORDAN_RESOLVED}/messages?page=3&items_per_page=2`);
    expect(list(third.body, 'messages')).toHaveLength(1);
    expect(obj(obj(third.body).links).next_page).toBeUndefined();
  });
});

describe('CSAT', () => {
  const csat = (id: string, body: unknown) => chat(freshchat, `/v2/csat/${id}`, { method: 'POST', body });

  test('refused on a conversation that is not resolved', async () => {
    const res = await csat(JORDAN_OPEN, { issue_resolved: true, rating: 4 });
    expect(res.status).toBe(400);
    expect(obj(res.body)).toMatchObject({ code: 400, status: 'CONVERSATION_NOT_RESOLVED' });
    expect(freshchat.state.csat[JORDAN_OPEN]).toBeUndefined();
  });

  test.each([
    ['rating 0', { issue_resolved: true, rating: 0 }, 'body/rating must be >= 1'],
    ['rating 6', { issue_resolved: true, rating: 6 }, 'body/rating must be <= 5'],
    ['rating 4.5', { issue_resolved: true, rating: 4.5 }, 'body/rating must be integer'],
    ['no rating while resolved', { issue_resolved: true }, "body must have required property 'rating'"],
    ['no issue_resolved', { rating: 3 }, "body must have required property 'issue_resolved'"],
    ['reopen while resolved', { issue_resolved: true, rating: 2, reopen_conversation: true }, 'body/reopen_conversation must be equal to constant: false'],
    ['an undocumented field', { issue_resolved: true, rating: 2, comment: 'x' }, "body has unknown property 'comment'"],
  ])('%s is a violation, even on a resolved conversation', async (_name, body, violation) => {
    const res = await csat(JORDAN_RESOLVED, body);
    expect(res.status).toBe(400);
    expect(lastRequest(freshchat).violations).toContain(violation);
    expect(freshchat.state.csat[JORDAN_RESOLVED]).toBeUndefined();
  });

  test('accepted on a resolved conversation: 201 and one record per POST', async () => {
    const res = await csat(JORDAN_RESOLVED, { issue_resolved: true, rating: 4, additional_feedback: 'From the phone survey' });
    expect(res.status).toBe(201);
    expect(obj(res.body)).toMatchObject({
      conversation_id: JORDAN_RESOLVED, issue_resolved: true, rating: 4, reopen_conversation: false, app_id: APP_ID,
    });
    await csat(JORDAN_RESOLVED, { issue_resolved: true, rating: 5 });
    expect(freshchat.state.csat[JORDAN_RESOLVED]?.map((r) => r.rating)).toEqual([4, 5]);
  });

  test('issue not resolved with reopen_conversation reopens the conversation', async () => {
    const res = await csat(JORDAN_RESOLVED, { issue_resolved: false, reopen_conversation: true });
    expect(res.status).toBe(201);
    expect((await chat(freshchat, `/v2/conversations/${JORDAN_RESOLVED}`)).body).toMatchObject({ status: 'new' });
  });
});

describe('agents paginate (items_per_page at most 50)', () => {
  beforeEach(() => {
    for (let i = 0; i < 120; i += 1) freshchat.addAgent({ email: `agent${i}@example.com`, first_name: 'Agent', last_name: String(i) });
  });

  test('pages of 50 with links.next_page while more remain', async () => {
    const emails: unknown[] = [];
    let next: unknown = `${freshchat.url}/v2/agents?page=1&items_per_page=50`;
    let pages = 0;
    while (typeof next === 'string') {
      const res = await fetch(next, { headers: { Authorization: `Bearer ${CHAT_TOKEN}` } });
      const body = obj(await res.json());
      emails.push(...list(body, 'agents').map((a) => a.email));
      expect(lastRequest(freshchat).violations).toEqual([]);
      next = obj(body.links).next_page;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(emails).toHaveLength(123);
    expect(new Set(emails).size).toBe(123);
    expect(emails).toContain('ava.parker@example.com');
  });

  test('the last page has no next_page; pagination counts all', async () => {
    const res = await chat(freshchat, '/v2/agents?page=3&items_per_page=50');
    expect(list(res.body, 'agents')).toHaveLength(23);
    expect(obj(res.body).pagination).toEqual({ total_items: 123, total_pages: 3, current_page: 3, items_per_page: 50 });
    expect(obj(obj(res.body).links).next_page).toBeUndefined();
    expect(obj(obj(res.body).links).prev_page).toBe(`${freshchat.url}/v2/agents?page=2&items_per_page=50`);
  });

  test("003's link objects with a relative href, with the switch", async () => {
    freshchat.behaviour.paginationLinks = 'reference';
    const res = await chat(freshchat, '/v2/agents?page=1&items_per_page=50');
    expect(obj(obj(res.body).links).next_page).toEqual({ href: '/v2/agents?page=2&items_per_page=50', rel: 'agent', type: 'GET' });
  });

  test('the default page size is 20 (002)', async () => {
    const res = await chat(freshchat, '/v2/agents');
    expect(list(res.body, 'agents')).toHaveLength(20);
  });
});
