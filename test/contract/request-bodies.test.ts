// The requests the API clients produce, checked against the contracts they must meet:
// - every template name and context key exists in config/requests.json and the manifest's
//   modules.common.requests, and the context is exactly what the template renders;
// - rendered like the platform renders them, every request (path, query, body) passes the
//   stand-ins' contract: the seeds' OpenAPI operations (000, 002) plus the reference-only ones
//   (001, 003: CSAT, user conversations, account configuration);
// - every body also validates against its OpenAPI schema made strict (no property the schema
//   does not name), so a typo such as `message_part` cannot slip through 002's open objects.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createFreshcallerClient } from '../../server/src/clients/freshcaller';
import { createFreshchatClient, PAGE_SIZE } from '../../server/src/clients/freshchat';
import type { InvokeOptions, PlatformRequest, RequestResponse } from '../../server/src/platform/types';
import type { Contract } from '../../tools/standins/contract';
import { freshcallerContract } from '../../tools/standins/freshcaller-standin';
import { freshchatContract } from '../../tools/standins/freshchat-standin';
import { FRESHCHAT_SPEC_FILE, loadOpenApiSeed, type JsonSchema } from '../../tools/standins/openapi-loader';
import { CSAT_BODY } from '../../tools/standins/reference-schemas';
import { ROOT } from '../support/fixtures';

interface Template {
  schema: { method: string; host: string; path: string; headers?: Record<string, string>; query?: Record<string, string> };
}

const templates = JSON.parse(readFileSync(join(ROOT, 'config', 'requests.json'), 'utf8')) as Record<string, Template>;
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { modules: { common: { requests: Record<string, unknown> } } };
const declared = Object.keys(manifest.modules.common.requests);

interface Recorded {
  name: string;
  options: InvokeOptions;
}

const AGENTS_PAGE_1 = Array.from({ length: PAGE_SIZE }, (_, i) => ({ id: 'agent-' + i, email: 'agent' + i + '@example.com' }));

/** Answers that let every client method run to its end. */
const ANSWERS: Record<string, (options: InvokeOptions) => unknown> = {
  chatGetAccountConfiguration: () => ({ app_id: 'a0000000-0000-4000-8000-000000000001' }),
  chatCheckToken: () => ({ app_id: 'a0000000-0000-4000-8000-000000000001' }),
  chatFindUsersByPhone: () => ({ users: [{ id: 'u-1', phone: '+14155550123' }] }),
  chatGetUserConversations: () => ({ conversations: [{ id: 'c-1' }] }),
  chatGetConversation: () => ({ conversation_id: 'c-1', status: 'new' }),
  chatUpdateConversation: () => ({ conversation_id: 'c-1', status: 'resolved' }),
  chatPostMessage: () => ({ id: 'm-1' }),
  chatCreateUser: () => ({ id: 'u-2', phone: '+14155550123' }),
  chatCreateConversation: () => ({ conversation_id: 'c-2' }),
  chatListAgents: (options) => (String(options.context && options.context.page) === '1'
    ? { agents: AGENTS_PAGE_1, links: { next_page: 'https://acme.freshchat.com/v2/agents?page=2' } }
    : { agents: [{ id: 'agent-x', email: 'sam@example.com' }], links: {} }),
  chatPostCsat: () => ({ csat_response_id: 1 }),
  chatListMessages: () => ({ messages: [], links: {} }),
  chatListMessagesSince: () => ({ messages: [], links: {} }),
  callerGetCall: () => ({ call: { id: 25847696 } }),
  callerGetCallMetrics: () => ({ csat: { transfer_made: true, outcome: 4 } }),
  callerGetUser: () => ({ user: { id: 67030, name: 'Ava Parker', email: 'ava.parker@example.com' } }),
  callerCheckKey: () => ({ users: [], meta: { total: 0 } }),
};

function recordingRequest(recorded: Recorded[]): PlatformRequest {
  return {
    invokeTemplate: (name: string, options: InvokeOptions): Promise<RequestResponse> => {
      recorded.push({ name, options });
      const answer = ANSWERS[name];
      if (!answer) return Promise.reject(new Error('no answer for template ' + name));
      return Promise.resolve({ status: 200, headers: {}, response: JSON.stringify(answer(options)) });
    },
  };
}

/** Calls every method of both clients, in the variants that change what is sent. */
async function recordEveryRequest(): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  const chat = createFreshchatClient(recordingRequest(recorded));
  const caller = createFreshcallerClient(recordingRequest(recorded));
  await chat.checkFreshchat();
  await chat.getAccountConfiguration();
  await chat.findUsersByPhone('+14155550123');
  await chat.findUsersByPhone('(415) 555-0123');
  await chat.getUserConversationIds('u-1');
  await chat.getConversation('c-1');
  await chat.setConversationStatus('c-1', 'resolved');
  await chat.setConversationStatus('c-1', 'reopened');
  await chat.postPrivateNote('c-1', 'agent-1', 'Incoming call · answered\nCall Sync · call 25847696 · summary');
  await chat.createUser('+14155550123');
  await chat.createConversation({ appId: 'a0000000-0000-4000-8000-000000000001', channelId: 'ch-1', userId: 'u-2', actorId: 'agent-1', text: 'Voicemail' });
  await chat.findAgentByEmail('sam@example.com');
  for (const rating of [1, 2, 3, 4, 5]) await chat.postCsat('c-1', rating);
  await chat.listMessages('c-1', 1);
  await chat.listMessages('c-1', 3);
  await chat.listMessages('c-1', 1, Date.parse('2024-05-14T15:00:00.000Z'));
  await caller.getCall(25847696);
  await caller.getCallMetrics('25847696');
  await caller.getUser(67030);
  await caller.checkKey();
  return recorded;
}

const PLACEHOLDER = /<%=\s*context\.([A-Za-z0-9_]+)\s*%>/g;

function contextKeysOf(template: Template): string[] {
  const parts = [template.schema.host, template.schema.path, ...Object.values(template.schema.headers || {}), ...Object.values(template.schema.query || {})];
  const keys = new Set<string>();
  for (const part of parts) for (const match of part.matchAll(PLACEHOLDER)) keys.add(match[1]!);
  return [...keys].sort();
}

/** Path and query the way the platform renders them: plain text in the path, encoded query values. */
function render(template: Template, context: Record<string, string | number>): { path: string; query: URLSearchParams } {
  const fill = (text: string) => text.replace(PLACEHOLDER, (_all, key: string) => String(context[key]));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(template.schema.query || {})) query.set(key, fill(value));
  return { path: fill(template.schema.path), query };
}

function contractOf(name: string): Contract {
  return name.startsWith('chat') ? freshchatContract() : freshcallerContract();
}

/** 002's component schemas with every object closed (`additionalProperties: false`), refs made local. */
function strictSchemas(): Record<string, JsonSchema> {
  const doc = loadOpenApiSeed(FRESHCHAT_SPEC_FILE);
  const close = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(close);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = key === '$ref' && typeof inner === 'string' ? inner.replace('#/components/schemas/', '#/$defs/') : close(inner);
    }
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  return close((doc.components && doc.components.schemas) || {}) as Record<string, JsonSchema>;
}

/** Which schema each body-carrying template must meet. */
const BODY_SCHEMA: Record<string, string> = {
  chatPostMessage: 'MessageCreate',
  chatCreateConversation: 'ConversationCreate',
  chatUpdateConversation: 'ConversationUpdate',
  chatCreateUser: 'UserCreate',
  chatPostCsat: 'CSAT (003 reference)',
};

/** The stand-ins' operation each template reaches. */
const OPERATION: Record<string, string> = {
  chatGetAccountConfiguration: 'getAccountConfiguration',
  chatCheckToken: 'getAccountConfiguration',
  chatFindUsersByPhone: 'listUsers',
  chatGetUserConversations: 'listUserConversations',
  chatGetConversation: 'getConversation',
  chatUpdateConversation: 'updateConversation',
  chatPostMessage: 'sendMessage',
  chatCreateUser: 'createUser',
  chatCreateConversation: 'createConversation',
  chatListAgents: 'listAgents',
  chatPostCsat: 'createCsat',
  chatListMessages: 'listConversationMessages',
  chatListMessagesSince: 'listConversationMessages',
  callerGetCall: 'getCall',
  callerGetCallMetrics: 'getCallMetrics',
  callerGetUser: 'getUser',
  callerCheckKey: 'listUsers',
};

/**
 * Declared before the server code that invokes them exists; test/standins/contract.test.ts still
 * sends each one, rendered, to the stand-ins. callerListCalls: paging through recent calls.
 */
const DECLARED_AHEAD = ['callerListCalls'];

let recorded: Recorded[] = [];
beforeAll(async () => {
  recorded = await recordEveryRequest();
});

describe('templates the clients invoke', () => {
  test('each exists in config/requests.json and in manifest modules.common.requests', () => {
    const used = [...new Set(recorded.map((r) => r.name))].sort();
    expect(used.filter((name) => !templates[name])).toEqual([]);
    expect(used.filter((name) => !declared.includes(name))).toEqual([]);
  });

  test('every template in config/requests.json is used by a client', () => {
    const used = new Set(recorded.map((r) => r.name));
    expect(Object.keys(templates).filter((name) => !used.has(name) && !DECLARED_AHEAD.includes(name))).toEqual([]);
  });

  test('a template declared ahead of its client exists and is not used by a client yet (once it is, take it off DECLARED_AHEAD)', () => {
    const used = new Set(recorded.map((r) => r.name));
    expect(DECLARED_AHEAD.filter((name) => !templates[name] || used.has(name))).toEqual([]);
  });

  test('each call supplies exactly the context keys its template renders, as strings or numbers', () => {
    const mismatches = recorded
      .map((r) => ({ name: r.name, supplied: Object.keys(r.options.context || {}).sort(), wanted: contextKeysOf(templates[r.name]!) }))
      .filter((m) => JSON.stringify(m.supplied) !== JSON.stringify(m.wanted));
    expect(mismatches).toEqual([]);
    for (const r of recorded) {
      for (const value of Object.values(r.options.context || {})) expect(['string', 'number']).toContain(typeof value);
    }
  });

  test('bodies are JSON strings, sent only with POST and PUT templates', () => {
    for (const r of recorded) {
      const method = templates[r.name]!.schema.method;
      if (method === 'GET') expect({ name: r.name, body: r.options.body }).toEqual({ name: r.name, body: undefined });
      else expect(typeof r.options.body).toBe('string');
    }
  });

  test('the template name is a string literal at every invokeTemplate call site (npm run validate checks the built file too)', () => {
    const dir = join(ROOT, 'server', 'src', 'clients');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      // `get invokeTemplate()` is the clients' counting accessor, not a call.
      const calls = [...source.matchAll(/(?<!get )invokeTemplate\(\s*([^,)]*)/g)].map((m) => m[1]!.trim());
      for (const first of calls) expect({ file, first }).toEqual({ file, first: expect.stringMatching(/^'[A-Za-z0-9_-]+'$/) });
    }
  });
});

describe('requests, rendered as the platform renders them, meet the seeds', () => {
  test.each(Object.keys(OPERATION))('%s passes the stand-in contract (path, query and body)', (name) => {
    const calls = recorded.filter((r) => r.name === name);
    expect(calls.length).toBeGreaterThan(0);
    for (const r of calls) {
      const template = templates[name]!;
      const { path, query } = render(template, r.options.context || {});
      const headers = template.schema.headers || {};
      const check = contractOf(name).check({
        method: template.schema.method, path, query, rawBody: r.options.body || '', contentType: headers['Content-Type'],
      });
      expect({ name, violations: check.violations, unknownRoute: check.unknownRoute }).toEqual({ name, violations: [], unknownRoute: false });
      expect(check.operation && check.operation.operationId).toBe(OPERATION[name]);
    }
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://contract.test/freshchat-strict.json', $defs: strictSchemas() });
  const validatorFor = (schema: string) => (schema.startsWith('CSAT')
    ? ajv.compile(CSAT_BODY)
    : ajv.compile({ $ref: 'https://contract.test/freshchat-strict.json#/$defs/' + schema }));

  test.each(Object.entries(BODY_SCHEMA))('every %s body validates against %s with no unnamed property', (name, schema) => {
    const validate = validatorFor(schema);
    const bodies = recorded.filter((r) => r.name === name).map((r) => JSON.parse(r.options.body!) as unknown);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const valid = validate(body);
      expect({ name, body, errors: valid ? [] : validate.errors }).toEqual({ name, body, errors: [] });
    }
  });

  test('the strict schemas do catch a misspelt property', () => {
    const validate = validatorFor('MessageCreate');
    expect(validate({ actor_type: 'agent', actor_id: 'a', message_parts: [{ txt: { content: 'x' } }] })).toBe(false);
    expect(validate({ actor_type: 'agent', actor_id: 'a', message_parts: [{ text: { content: 'x' } }], message_typ: 'private' })).toBe(false);
  });

  test('notes are private, by an agent; CSAT is resolved with a 1-5 rating', () => {
    const notes = recorded.filter((r) => r.name === 'chatPostMessage').map((r) => JSON.parse(r.options.body!) as Record<string, unknown>);
    const created = recorded.filter((r) => r.name === 'chatCreateConversation').map((r) => JSON.parse(r.options.body!) as { messages: Array<Record<string, unknown>> });
    for (const note of [...notes, ...created.flatMap((c) => c.messages)]) expect(note).toMatchObject({ message_type: 'private', actor_type: 'agent' });
    const csat = recorded.filter((r) => r.name === 'chatPostCsat').map((r) => JSON.parse(r.options.body!) as unknown);
    expect(csat).toEqual([1, 2, 3, 4, 5].map((rating) => ({ issue_resolved: true, rating })));
  });
});
