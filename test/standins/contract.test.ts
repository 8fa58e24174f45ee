import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSeedFile, startStandins, type Standins } from '../../tools/standins';
import { createFreshcallerHandlers } from '../../tools/standins/freshcaller-handlers';
import { freshcallerContract } from '../../tools/standins/freshcaller-standin';
import { FreshcallerStore } from '../../tools/standins/freshcaller-store';
import { createFreshchatHandlers } from '../../tools/standins/freshchat-handlers';
import { freshchatContract } from '../../tools/standins/freshchat-standin';
import { FreshchatStore } from '../../tools/standins/freshchat-store';
import { extractYaml } from '../../tools/standins/openapi-loader';
import { CALLER_KEY, CHAT_TOKEN, caller, chat, lastRequest, list, obj } from './helpers';

const CONVERSATION = 'c0c00000-0000-4000-8000-000000000002';
const AGENT = 'a9e00000-0000-4000-8000-000000000001';

let standins: Standins;

beforeAll(async () => {
  standins = await startStandins({
    seed: loadSeedFile(),
    freshchat: { apiKey: CHAT_TOKEN },
    freshcaller: { apiKey: CALLER_KEY },
  });
});

afterAll(() => standins.close());

describe('seed loading', () => {
  test('the preamble before `openapi: 3.1.0` is stripped', () => {
    expect(extractYaml('Freshworks API\n\nOpenAPI Specification\nopenapi: 3.1.0\ninfo: {}\n')).toBe('openapi: 3.1.0\ninfo: {}\n');
    expect(() => extractYaml('no spec here')).toThrow(/no OpenAPI 3.1 document/);
  });

  test('every operation of both seeds and references has a handler', () => {
    const chatHandlers = createFreshchatHandlers(new FreshchatStore(Date.now), {
      userSearchNoMatch: 'empty-list', createUserStatus: 200, paginationLinks: 'openapi',
    });
    const callerHandlers = createFreshcallerHandlers(new FreshcallerStore(Date.now), { singleObjects: 'wrapped' });
    const chatOps = freshchatContract().operations.map((o) => o.operationId);
    const callerOps = freshcallerContract().operations.map((o) => o.operationId);
    expect(chatOps.filter((id) => !chatHandlers[id])).toEqual([]);
    expect(callerOps.filter((id) => !callerHandlers[id])).toEqual([]);
    // 16 operations in 002 plus 3 only 003 has; 13 in 000 plus 1 only 001 has.
    expect(chatOps).toHaveLength(19);
    expect(callerOps).toHaveLength(14);
    expect(chatOps).toEqual(expect.arrayContaining(['createCsat', 'getAccountConfiguration', 'listUserConversations']));
    expect(callerOps).toContain('getCallMetrics');
  });
});

describe('request bodies are checked against the OpenAPI schemas', () => {
  test('a message with actor_type robot and no message_parts is refused with 400 and instance paths', async () => {
    const before = standins.freshchat.messagesOf(CONVERSATION).length;
    const res = await chat(standins.freshchat, `/v2/conversations/${CONVERSATION}/messages`, {
      method: 'POST', body: { message_type: 'private', actor_type: 'robot', actor_id: AGENT },
    });
    expect(res.status).toBe(400);
    expect(obj(res.body)).toMatchObject({ code: 400, status: 'BAD_REQUEST' });
    const { violations } = lastRequest(standins.freshchat);
    expect(violations).toContain("body must have required property 'message_parts'");
    expect(violations).toContain('body/actor_type must be equal to one of the allowed values: user, agent');
    expect(standins.freshchat.messagesOf(CONVERSATION)).toHaveLength(before);
  });

  test('message_type system is not allowed in a request (MessageCreate enum)', async () => {
    const res = await chat(standins.freshchat, `/v2/conversations/${CONVERSATION}/messages`, {
      method: 'POST', body: { message_type: 'system', actor_type: 'agent', actor_id: AGENT, message_parts: [{ text: { content: 'x' } }] },
    });
    expect(res.status).toBe(400);
    expect(lastRequest(standins.freshchat).violations).toEqual(['body/message_type must be equal to one of the allowed values: normal, private']);
  });

  test('creating a conversation without app_id breaks ConversationCreate', async () => {
    const res = await chat(standins.freshchat, '/v2/conversations', {
      method: 'POST', body: { channel_id: 'c0000000-0000-4000-8000-000000000001', messages: [] },
    });
    expect(res.status).toBe(400);
    expect(lastRequest(standins.freshchat).violations).toEqual(["body must have required property 'app_id'"]);
  });

  test('a body that is not JSON, or not sent as JSON, is a violation', async () => {
    const res = await chat(standins.freshchat, `/v2/conversations/${CONVERSATION}`, { method: 'PUT', body: '{status: resolved' });
    expect(res.status).toBe(400);
    expect(lastRequest(standins.freshchat).violations[0]).toMatch(/^body is not valid JSON/);

    const plain = await chat(standins.freshchat, `/v2/conversations/${CONVERSATION}`, {
      method: 'PUT', body: { status: 'resolved' }, headers: { 'Content-Type': 'text/plain' },
    });
    expect(plain.status).toBe(400);
    expect(lastRequest(standins.freshchat).violations).toEqual(["Content-Type must be application/json, got 'text/plain'"]);
  });

  test('Freshcaller bodies: a bad email format answers 400 in Freshcaller error shape', async () => {
    const res = await caller(standins.freshcaller, '/api/v1/users', { method: 'POST', body: { name: 'Test Agent', email: 'not-an-email' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error_type: 'model_validation_failed',
      message: 'body/email must match format "email"',
      errors: [{ field: 'body/email', message: 'body/email must match format "email"' }],
    });
  });
});

describe('routes', () => {
  test('an unknown route answers 404 with the violation recorded', async () => {
    const res = await chat(standins.freshchat, '/v2/conversation/123');
    expect(res.status).toBe(404);
    expect(obj(res.body).code).toBe(404);
    expect(lastRequest(standins.freshchat).violations).toEqual(['unknown route: GET /v2/conversation/123']);

    const outsideBase = await caller(standins.freshcaller, '/api/v2/calls/25847696');
    expect(outsideBase.status).toBe(404);
    expect(obj(outsideBase.body).error_type).toBe('route_not_found');
  });

  test('a known path with a method the spec lacks is an unknown route too', async () => {
    const res = await chat(standins.freshchat, '/v2/users/e5e00000-0000-4000-8000-000000000001', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(lastRequest(standins.freshchat).violations).toEqual(['unknown route: no DELETE operation on /v2/users/{user_id}']);
  });
});

describe('query and path parameters are coerced, then checked', () => {
  test('Freshchat paging parameters: type, maximum 50, unknown names', async () => {
    const res = await chat(standins.freshchat, '/v2/agents?page=abc&items_per_page=51&per_page=10');
    expect(res.status).toBe(400);
    expect(lastRequest(standins.freshchat).violations).toEqual(expect.arrayContaining([
      'query/page must be integer',
      'query/items_per_page must be <= 50',
      "query has unknown parameter 'per_page'",
    ]));
  });

  test('numbers in a query string are accepted as integers', async () => {
    const res = await chat(standins.freshchat, '/v2/agents?page=1&items_per_page=50');
    expect(res.status).toBe(200);
    expect(lastRequest(standins.freshchat).violations).toEqual([]);
  });

  test('GET /v2/users needs at least one filter (003)', async () => {
    const res = await chat(standins.freshchat, '/v2/users?page=1');
    expect(res.status).toBe(400);
    expect(lastRequest(standins.freshchat).violations).toEqual([
      'query: at least one of first_name, last_name, email, reference_id, phone_no, created_from, created_to, updated_from, updated_to is mandatory (003 List users)',
    ]);
  });

  test('Freshcaller: per_page over 100 and a non-integer call id', async () => {
    const page = await caller(standins.freshcaller, '/api/v1/calls?per_page=1000&page=1');
    expect(page.status).toBe(400);
    expect(lastRequest(standins.freshcaller).violations).toEqual(['query/per_page must be <= 100']);

    const id = await caller(standins.freshcaller, '/api/v1/calls/abc/call_metrics');
    expect(id.status).toBe(400);
    expect(lastRequest(standins.freshcaller).violations).toEqual(['path/call_id must be integer']);
  });

  test('date-time filters must carry a time zone', async () => {
    const res = await caller(standins.freshcaller, `/api/v1/call_metrics?${encodeURIComponent('by_time[from]')}=2019-08-30T12:24:02`);
    expect(res.status).toBe(400);
    expect(lastRequest(standins.freshcaller).violations).toEqual(['query/by_time[from] must match format "date-time"']);
  });
});

describe('every request template in config/requests.json is served without violations', () => {
  // Bodies the app would send; templates without one here are only checked for routing.
  const BODIES: Record<string, unknown> = {
    chatUpdateConversation: { status: 'resolved' },
    chatPostMessage: { message_type: 'private', actor_type: 'agent', actor_id: AGENT, message_parts: [{ text: { content: 'Call note' } }] },
    chatCreateUser: { first_name: 'New', last_name: 'Caller', phone: '+14155550177' },
    chatCreateConversation: {
      app_id: 'a0000000-0000-4000-8000-000000000001', channel_id: 'c0000000-0000-4000-8000-000000000001',
      users: [{ id: 'e5e00000-0000-4000-8000-000000000002' }],
      messages: [{ message_type: 'private', actor_type: 'agent', actor_id: AGENT, message_parts: [{ text: { content: 'Missed call' } }] }],
    },
    chatPostCsat: { issue_resolved: true, rating: 4 },
  };
  const CONTEXT: Record<string, string> = {
    call_id: '25847696', user_id: '67030', conversation_id: CONVERSATION, page: '1', phone_no: '+14155550123',
  };
  const CONTEXT_BY_TEMPLATE: Record<string, Record<string, string>> = {
    chatGetUserConversations: { user_id: 'e5e00000-0000-4000-8000-000000000001' },
    callerListCalls: { from: '2024-05-14T00:00:00.000Z', to: '2024-05-14T23:59:59.999Z' },
    chatListMessagesSince: { from_time: '2024-05-14T15:00:00.000Z' },
  };

  type Template = { schema: { method: string; host: string; path: string; headers?: Record<string, string>; query?: Record<string, string> } };
  const templates = JSON.parse(readFileSync(join(__dirname, '..', '..', 'config', 'requests.json'), 'utf8')) as Record<string, Template>;
  // chatUpdateConversation resolves the conversation before chatPostCsat needs it resolved.
  const names = Object.keys(templates).sort((a, b) => Number(a === 'chatPostCsat') - Number(b === 'chatPostCsat'));

  test.each(names)('%s', async (name) => {
    const template = templates[name];
    if (!template) throw new Error(name);
    const iparams: Record<string, string> = {
      freshchat_host: 'acme.freshchat.com', freshcaller_host: 'acme.freshcaller.com',
      freshchat_api_key: CHAT_TOKEN, freshcaller_api_key: CALLER_KEY,
    };
    const context = { ...CONTEXT, ...(CONTEXT_BY_TEMPLATE[name] || {}) };
    const render = (text: string): string => text
      .replace(/<%=\s*iparam\.(\w+)\s*%>/g, (_m, key: string) => iparams[key] || '')
      .replace(/<%=\s*context\.(\w+)\s*%>/g, (_m, key: string) => context[key] || '');
    const base = standins.hostMap({ freshchat_host: 'acme.freshchat.com', freshcaller_host: 'acme.freshcaller.com' })[render(template.schema.host)];
    const query = new URLSearchParams(Object.entries(template.schema.query || {}).map(([k, v]) => [k, render(v)]));
    const path = render(template.schema.path);
    const headers = Object.fromEntries(Object.entries(template.schema.headers || {}).map(([k, v]) => [k, render(v)]));
    const body = BODIES[name];
    const response = await fetch(`${base}${path}${query.toString() ? `?${query}` : ''}`, {
      method: template.schema.method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    await response.text();
    const target = base === standins.freshchat.url ? standins.freshchat : standins.freshcaller;
    const recorded = lastRequest(target);
    expect(recorded.violations).toEqual([]);
    expect(response.status).toBeLessThan(300);
  });
});

describe('the list of operations', () => {
  test('reference-only endpoints are served', async () => {
    expect((await chat(standins.freshchat, '/v2/accounts/configuration')).status).toBe(200);
    const conversations = await chat(standins.freshchat, '/v2/users/e5e00000-0000-4000-8000-000000000003/conversations');
    expect(list(conversations.body, 'conversations')).toEqual([{ id: 'c0c00000-0000-4000-8000-000000000004' }]);
    expect((await caller(standins.freshcaller, '/api/v1/calls/25847700/call_metrics')).status).toBe(200);
  });
});
