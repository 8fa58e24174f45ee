// $request.invokeTemplate enforces the platform's template rules and budget, over real HTTP to a
// local server (docs/platform.md "Request templates", "Budgets").

import { LocalRuntime, ManualClock, REDACTED } from '../../tools/runtime';
import { cleanupApps, makeApp, runTemplates as run, startServer, TEMPLATE_RUNNER, type SeenRequest } from './helpers';
import fs from 'node:fs';
import type http from 'node:http';

type Responder = (req: SeenRequest, res: http.ServerResponse) => void;
let respond: Responder = (_req, res) => res.end('{}');
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer((req, res) => respond(req, res));
});
afterAll(async () => {
  await server.close();
  cleanupApps();
});
beforeEach(() => {
  server.seen.length = 0;
  respond = (_req, res) => res.end('{}');
});

const HOST = 'acme.example.com';
const T0 = Date.UTC(2030, 0, 1);

const REQUESTS = {
  getItem: {
    schema: {
      method: 'GET',
      host: '<%= iparam.api_host %>',
      path: '/items/<%= context.id %>',
      headers: { Authorization: 'Bearer <%= iparam.api_key %>', 'X-Basic': 'Basic <%= encode(iparam.user + ":X") %>', Accept: 'application/json' },
      query: { q: '<%= context.q %>', fixed: 'a b' },
    },
    options: { maxAttempts: 3, retryDelay: 200 },
  },
  window: {
    schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/calls', query: { 'by_time[from]': '<%= context.from %>', 'by_time[to]': '<%= context.to %>' } },
  },
  postItem: {
    schema: { method: 'POST', host: '<%= iparam.api_host %>', path: '/items', headers: { 'Content-Type': 'application/json' } },
  },
  contextHost: { schema: { method: 'GET', host: '<%= context.host %>', path: '/' } },
  secureInPath: { schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/k/<%= iparam.api_key %>' } },
  secureInQuery: { schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/', query: { k: '<%= iparam.api_key %>' } } },
  secureInHost: { schema: { method: 'GET', host: '<%= iparam.api_key %>.example.com', path: '/' } },
  notInManifest: { schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/' } },
  once: { schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/once' }, options: { maxAttempts: 1 } },
  fiveTimes: { schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/five' }, options: { maxAttempts: 5, retryDelay: 100 } },
};

function makeRuntime(opts: { clock?: ManualClock; requestTimeoutMs?: number; hostMap?: Record<string, string> } = {}) {
  const manifestRequests = Object.fromEntries(Object.keys(REQUESTS).filter((k) => k !== 'notInManifest').map((k) => [k, {}]));
  const root = makeApp({ server: TEMPLATE_RUNNER, requests: REQUESTS });
  // Take notInManifest out of the manifest only (it stays in requests.json).
  const manifestPath = `${root}/manifest.json`;
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.modules.common.requests = manifestRequests;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  const clock = opts.clock ?? new ManualClock(T0);
  const rt = new LocalRuntime({
    root,
    clock,
    iparams: { api_host: HOST, api_key: 's3cr3t-key', user: 'u&<b>' },
    hostMap: opts.hostMap ?? { [HOST]: server.url },
    requestTimeoutMs: opts.requestTimeoutMs ?? 2000,
    timeLimits: { event: 10_000 },
  });
  return { rt, clock };
}

describe('invokeTemplate success path', () => {
  it('renders context, iparams and encode() as plain text, URL-encodes query values, and resolves { status, headers, response }', async () => {
    respond = (_req, res) => {
      res.setHeader('X-Reply', 'yes');
      res.end('{"id":1}');
    };
    const { rt } = makeRuntime();
    const { out, result } = await run(rt, [{ name: 'getItem', opts: { context: { id: 'a&b', q: 'x y&z' } } }]);
    expect(out[0]).toMatchObject({ ok: true, status: 200, response: '{"id":1}', type: 'string' });
    expect(out[0]?.headers?.['x-reply']).toBe('yes');
    const seen = server.seen[0] as SeenRequest;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/items/a&b?q=x%20y%26z&fixed=a%20b');
    expect(seen.headers.authorization).toBe('Bearer s3cr3t-key');
    expect(seen.headers['x-basic']).toBe(`Basic ${Buffer.from('u&<b>:X').toString('base64')}`);
    expect(seen.headers.host).toBe(HOST);
    // The record names the template and redacts the secure header.
    expect(result.requests).toHaveLength(1);
    expect(result.requests[0]).toMatchObject({ template: 'getItem', method: 'GET', status: 200, attempts: 1, ok: true });
    expect(result.requests[0]?.url).toBe(`https://${HOST}/items/a&b?q=x%20y%26z&fixed=a%20b`);
    expect(result.requests[0]?.headers.Authorization).toBe(REDACTED);
    expect(JSON.stringify(result)).not.toContain('s3cr3t-key');
    expect(rt.requests).toHaveLength(1);
  });

  it('keeps a query key with brackets as it is, percent-encoded on the wire like every key and value', async () => {
    const { rt } = makeRuntime();
    const from = '2024-05-01T10:03:00+02:00';
    const { out } = await run(rt, [{ name: 'window', opts: { context: { from, to: '2024-05-01T23:59:59.999Z' } } }]);
    expect(out[0]?.ok).toBe(true);
    const seen = server.seen[0] as SeenRequest;
    expect(seen.url).toBe('/calls?by_time%5Bfrom%5D=2024-05-01T10%3A03%3A00%2B02%3A00&by_time%5Bto%5D=2024-05-01T23%3A59%3A59.999Z');
    expect(Object.fromEntries(new URL(seen.url, 'http://x').searchParams)).toEqual({ 'by_time[from]': from, 'by_time[to]': '2024-05-01T23:59:59.999Z' });
  });

  it('sends a string body', async () => {
    const { rt } = makeRuntime();
    const { out } = await run(rt, [{ name: 'postItem', opts: { body: JSON.stringify({ a: 1 }) } }]);
    expect(out[0]?.ok).toBe(true);
    expect(server.seen[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });
});

describe('invokeTemplate refusals (nothing is sent)', () => {
  it('refuses a template not declared in the manifest, and one that does not exist', async () => {
    const { rt } = makeRuntime();
    const { out } = await run(rt, [{ name: 'notInManifest' }, { name: 'noSuchTemplate' }]);
    expect(out[0]).toMatchObject({ ok: false, err: { status: 400 } });
    expect(String(out[0]?.err?.message)).toMatch(/'notInManifest' is not declared in manifest.json/);
    expect(String(out[1]?.err?.message)).toMatch(/'noSuchTemplate' is not declared/);
    expect(server.seen).toHaveLength(0);
  });

  it.each([
    ['a protocol', 'https://acme.example.com', /protocol/],
    ['a path', 'acme.example.com/api', /path/],
    ['an IPv4 address', '127.0.0.1', /IP address/],
    ['an IPv6 address', '[::1]', /IP address/],
    ['a port', 'acme.example.com:8443', /port/],
    ['no domain', 'localhost', /not a domain name/],
  ])('refuses a rendered host with %s', async (_what, host, why) => {
    const { rt } = makeRuntime({ hostMap: { [host]: server.url } });
    const { out, result } = await run(rt, [{ name: 'contextHost', opts: { context: { host } } }]);
    expect(out[0]?.ok).toBe(false);
    expect(out[0]?.err?.status).toBe(400);
    expect(String(out[0]?.err?.message)).toMatch(why);
    expect(result.requests[0]).toMatchObject({ attempts: 0, ok: false });
    expect(server.seen).toHaveLength(0);
  });

  it.each(['secureInPath', 'secureInQuery', 'secureInHost'])('refuses a secure iparam outside headers (%s)', async (name) => {
    const { rt } = makeRuntime();
    const { out, result } = await run(rt, [{ name }]);
    expect(out[0]?.ok).toBe(false);
    expect(String(out[0]?.err?.message)).toMatch(/Secure iparam 'api_key' may be used only in request headers/);
    expect(server.seen).toHaveLength(0);
    expect(JSON.stringify(result)).not.toContain('s3cr3t-key');
  });

  it('refuses a body that is not a string', async () => {
    const { rt } = makeRuntime();
    const { out } = await run(rt, [
      { name: 'postItem', opts: { body: { a: 1 } } },
      { name: 'postItem', opts: { body: 5 } },
    ]);
    expect(out.map((o) => o.ok)).toEqual([false, false]);
    expect(String(out[0]?.err?.message)).toMatch(/body must be a string/);
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a missing context key, naming it, before anything is sent', async () => {
    const { rt } = makeRuntime();
    const { out } = await run(rt, [{ name: 'getItem', opts: { context: { id: '1' } } }]);
    expect(out[0]?.ok).toBe(false);
    expect(String(out[0]?.err?.message)).toMatch(/Missing context key 'q'/);
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a payload over 100 KB', async () => {
    const { rt } = makeRuntime();
    const { out } = await run(rt, [{ name: 'postItem', opts: { body: 'x'.repeat(100 * 1024 + 1) } }]);
    expect(out[0]?.ok).toBe(false);
    expect(String(out[0]?.err?.message)).toMatch(/at most 100 KB/);
    expect(server.seen).toHaveLength(0);
  });
});

describe('failures, retries and the budget', () => {
  it('rejects status >= 400 with { status, headers, response, errorSource: "APP", attempts }', async () => {
    respond = (_req, res) => {
      res.statusCode = 404;
      res.end('{"error":"nope"}');
    };
    const { rt } = makeRuntime();
    const { out } = await run(rt, [{ name: 'once' }]);
    expect(out[0]?.err).toMatchObject({ status: 404, response: '{"error":"nope"}', errorSource: 'APP', attempts: 1 });
    expect(out[0]?.err?.headers).toBeDefined();
  });

  it.each([429, 500, 503])('retries on %i up to maxAttempts, waiting retryDelay on the clock', async (status) => {
    respond = (_req, res) => {
      res.statusCode = status;
      res.end('busy');
    };
    const { rt, clock } = makeRuntime();
    const { out, result } = await run(rt, [{ name: 'getItem', opts: { context: { id: '1', q: 'x' } } }]);
    expect(server.seen).toHaveLength(3);
    expect(out[0]?.err).toMatchObject({ status, attempts: 3, errorSource: 'APP' });
    expect(result.requests[0]).toMatchObject({ attempts: 3, status });
    // Two waits of 200 ms on the ManualClock, no real sleeping.
    expect(clock.now()).toBe(T0 + 400);
  });

  it('stops retrying as soon as a retry succeeds', async () => {
    let n = 0;
    respond = (_req, res) => {
      n++;
      res.statusCode = n < 2 ? 502 : 200;
      res.end('ok');
    };
    const { rt } = makeRuntime();
    const { out, result } = await run(rt, [{ name: 'getItem', opts: { context: { id: '1', q: 'x' } } }]);
    expect(out[0]).toMatchObject({ ok: true, status: 200 });
    expect(result.requests[0]?.attempts).toBe(2);
  });

  it.each([400, 401, 404, 422])('does not retry on %i', async (status) => {
    respond = (_req, res) => {
      res.statusCode = status;
      res.end('no');
    };
    const { rt, clock } = makeRuntime();
    const { out } = await run(rt, [{ name: 'getItem', opts: { context: { id: '1', q: 'x' } } }]);
    expect(server.seen).toHaveLength(1);
    expect(out[0]?.err).toMatchObject({ status, attempts: 1 });
    expect(clock.now()).toBe(T0);
  });

  it('fails an unmapped host like a connection failure (502), with retries', async () => {
    const { rt } = makeRuntime({ hostMap: {} });
    const { out } = await run(rt, [{ name: 'getItem', opts: { context: { id: '1', q: 'x' } } }]);
    expect(out[0]?.err).toMatchObject({ status: 502, attempts: 3 });
    expect(String(out[0]?.err?.message)).toMatch(/not in the runtime's hostMap/);
  });

  it('fails a request that outlives the timeout with 504', async () => {
    respond = () => undefined; // never answers
    const { rt } = makeRuntime({ requestTimeoutMs: 150 });
    const { out } = await run(rt, [{ name: 'once' }]);
    expect(out[0]?.err).toMatchObject({ status: 504, attempts: 1 });
    expect(String(out[0]?.err?.message)).toMatch(/Timed out after 150 ms/);
  });

  it('enforces 50 requests per minute (every attempt counts), refusing with 429 from the PLATFORM until the clock moves a minute', async () => {
    const { rt, clock } = makeRuntime();
    const calls = Array.from({ length: 51 }, () => ({ name: 'once' }));
    const { out } = await run(rt, calls);
    expect(out.slice(0, 50).every((o) => o.ok)).toBe(true);
    expect(out[50]?.err).toMatchObject({ status: 429, errorSource: 'PLATFORM' });
    expect(server.seen).toHaveLength(50);

    clock.advance(59_999);
    expect((await run(rt, [{ name: 'once' }])).out[0]?.err).toMatchObject({ status: 429, errorSource: 'PLATFORM' });
    clock.advance(1);
    expect((await run(rt, [{ name: 'once' }])).out[0]).toMatchObject({ ok: true });
    expect(server.seen).toHaveLength(51);
  });

  it('counts retry attempts against the budget', async () => {
    respond = (_req, res) => {
      res.statusCode = 503;
      res.end();
    };
    const { rt } = makeRuntime();
    // 10 calls x 5 attempts = the whole budget.
    const { out } = await run(rt, [...Array.from({ length: 10 }, () => ({ name: 'fiveTimes' })), { name: 'once' }]);
    expect(server.seen).toHaveLength(50);
    expect(out[10]?.err).toMatchObject({ status: 429, errorSource: 'PLATFORM' });
  });
});
