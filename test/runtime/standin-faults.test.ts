// What the app sees through $request when the Freshchat stand-in's answer is lost: a reset
// connection (502, no body), an answer lost after Freshchat acted, and a request that outlives
// the runtime's per-attempt timeout (RuntimeOptions.requestTimeoutMs; the platform's is 15 s).

import { LocalRuntime, ManualClock, type RuntimeOptions } from '../../tools/runtime';
import { createFreshchatStandin, loadSeedFile, type FreshchatStandin } from '../../tools/standins';
import { cleanupApps, makeApp, runTemplates, TEMPLATE_RUNNER } from './helpers';

const TOKEN = 'chat-token-for-runtime-tests';
const HOST = 'acme.freshchat.com';
const AVA = 'a9e00000-0000-4000-8000-000000000001';
const JORDAN_OPEN = 'c0c00000-0000-4000-8000-000000000002';
const MESSAGES = /\/messages$/;

const postNote = (maxAttempts: number) => ({
  schema: {
    method: 'POST',
    host: '<%= iparam.api_host %>',
    path: '/v2/conversations/<%= context.conversation_id %>/messages',
    headers: { Authorization: 'Bearer <%= iparam.api_key %>', 'Content-Type': 'application/json' },
  },
  options: { maxAttempts, retryDelay: 100 },
});
const NOTE = {
  name: 'postNote',
  opts: {
    context: { conversation_id: JORDAN_OPEN },
    body: JSON.stringify({ message_type: 'private', actor_type: 'agent', actor_id: AVA, message_parts: [{ text: { content: 'Call note' } }] }),
  },
};

let freshchat: FreshchatStandin;
let root: string;

beforeAll(async () => {
  freshchat = createFreshchatStandin({ apiKey: TOKEN });
  await freshchat.listen();
  root = makeApp({ server: TEMPLATE_RUNNER, requests: { postNote: postNote(1), postNoteTwice: postNote(2) } });
});
afterAll(async () => {
  await freshchat.close();
  cleanupApps();
});
beforeEach(() => freshchat.reset(loadSeedFile().freshchat));

function runtime(options: Partial<RuntimeOptions> = {}): LocalRuntime {
  return new LocalRuntime({
    root,
    clock: new ManualClock(Date.UTC(2030, 0, 1)),
    iparams: { api_host: HOST, api_key: TOKEN },
    hostMap: { [HOST]: freshchat.url },
    ...options,
  });
}
const notes = (): number => freshchat.messagesOf(JORDAN_OPEN).length;

describe('reset: the connection is dropped without an answer', () => {
  test('the app gets a connection failure, 502 without a body; nothing was stored', async () => {
    const before = notes();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, reset: true });
    const { out, result } = await runTemplates(runtime(), [NOTE]);
    expect(out[0]).toMatchObject({ ok: false, err: { status: 502, response: '', errorSource: 'APP', attempts: 1 } });
    expect(String(out[0]?.err?.message)).toMatch(/^Connection failed: /);
    expect(result.requests[0]).toMatchObject({ template: 'postNote', status: 502, attempts: 1, ok: false });
    expect(notes()).toBe(before);
    expect(freshchat.requests).toEqual([expect.objectContaining({ status: 0, reset: true, fault: true })]);
  });

  test('a template with two attempts retries it like any network error', async () => {
    freshchat.injectFault({ method: 'POST', path: MESSAGES, reset: true });
    const before = notes();
    const { out, result } = await runTemplates(runtime(), [{ ...NOTE, name: 'postNoteTwice' }]);
    expect(out[0]).toMatchObject({ ok: true, status: 200 });
    expect(result.requests[0]).toMatchObject({ status: 200, attempts: 2 });
    expect(notes()).toBe(before + 1);
  });
});

describe('afterAction: Freshchat acted, then the answer was lost', () => {
  test('with a status: the app sees 503, Freshchat holds the note', async () => {
    const before = notes();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, status: 503, afterAction: true });
    const { out } = await runTemplates(runtime(), [NOTE]);
    expect(out[0]).toMatchObject({ ok: false, err: { status: 503 } });
    expect(notes()).toBe(before + 1);
    expect(freshchat.requests[0]).toMatchObject({ status: 503, fault: true, servedStatus: 200 });
  });

  test('a retry after a lost answer writes the note a second time (why the app reads before re-sending)', async () => {
    const before = notes();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, reset: true, afterAction: true });
    const { out, result } = await runTemplates(runtime(), [{ ...NOTE, name: 'postNoteTwice' }]);
    expect(out[0]).toMatchObject({ ok: true, status: 200 });
    expect(result.requests[0]).toMatchObject({ status: 200, attempts: 2 });
    expect(notes()).toBe(before + 2);
    expect(freshchat.requests.map((r) => [r.status, r.reset, r.servedStatus])).toEqual([[0, true, 200], [200, undefined, undefined]]);
  });
});

describe('timeout: the answer comes after the runtime gave up (requestTimeoutMs)', () => {
  test('delayMs beyond requestTimeoutMs is a 504; a plain delay acts only after the app gave up', async () => {
    const before = notes();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, delayMs: 600 });
    const { out, result } = await runTemplates(runtime({ requestTimeoutMs: 150 }), [NOTE]);
    expect(out[0]).toMatchObject({ ok: false, err: { status: 504, response: '', message: 'Timed out after 150 ms', attempts: 1 } });
    expect(result.requests[0]).toMatchObject({ status: 504, attempts: 1 });
    expect(result.elapsedMs).toBeLessThan(600);
    expect(notes()).toBe(before);
    // The stand-in serves the request when its delay is over, after the app gave up.
    while (notes() === before) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(notes()).toBe(before + 1);
  });

  test('with afterAction the note is stored at once and the app still sees 504', async () => {
    const before = notes();
    freshchat.injectFault({ method: 'POST', path: MESSAGES, delayMs: 600, afterAction: true });
    const { out } = await runTemplates(runtime({ requestTimeoutMs: 150 }), [NOTE]);
    expect(out[0]).toMatchObject({ ok: false, err: { status: 504 } });
    expect(notes()).toBe(before + 1);
  });
});
