// The loader refuses what the platform refuses before any event runs (docs/platform.md
// "Manifest" and "Loading server.js").

import fs from 'node:fs';
import path from 'node:path';
import { LoadError, LocalRuntime, ManualClock, checkServerSource, loadApp, type HandlerInfo } from '../../tools/runtime';
import { cleanupApps, handlers, makeApp, write } from './helpers';

afterAll(cleanupApps);

const H: HandlerInfo[] = [
  { name: 'onCallCreateHandler', kind: 'event', module: 'call', event: 'onCallCreate' },
  { name: 'getThing', kind: 'serverMethod', module: 'common' },
];

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected a LoadError');
}

describe('static check of server/server.js', () => {
  it('accepts function expressions, async functions and method shorthand', () => {
    expect(() =>
      checkServerSource(
        `const x = require('./x');\nexports = { onCallCreateHandler: async function (payload) { return payload; }, getThing(args) { return args; } };\nfunction helper() {}`,
        H,
      ),
    ).not.toThrow();
    expect(() => checkServerSource(`exports = { 'onCallCreateHandler': function () {}, getThing: async function () {} };`, H)).not.toThrow();
  });

  it('refuses an arrow-function handler with the platform message', () => {
    const msg = refusal(() => checkServerSource(`exports = { onCallCreateHandler: (payload) => payload, getThing() {} };`, H));
    expect(msg).toMatch(/^Event callback 'onCallCreateHandler' is not declared for module: call/);
    expect(msg).toMatch(/arrow function/);
  });

  it('refuses a reference handler (name: impl) and a shorthand reference', () => {
    expect(refusal(() => checkServerSource(`const impl = function () {};\nexports = { onCallCreateHandler: impl, getThing() {} };`, H))).toMatch(
      /Event callback 'onCallCreateHandler' is not declared for module: call.*reference/,
    );
    expect(refusal(() => checkServerSource(`const getThing = function () {};\nexports = { onCallCreateHandler() {}, getThing };`, H))).toMatch(
      /Server method 'getThing' is not declared.*reference/,
    );
  });

  it('refuses a missing handler', () => {
    expect(refusal(() => checkServerSource(`exports = { getThing() {} };`, H))).toMatch(
      /^Event callback 'onCallCreateHandler' is not declared for module: call \(exports = \{ \.\.\. \} has no property/,
    );
    expect(refusal(() => checkServerSource(`module.exports = { onCallCreateHandler() {}, getThing() {} };`, H))).toMatch(/not declared.*no top-level exports/);
  });

  it('refuses a function declaration before exports = {...}', () => {
    const msg = refusal(() => checkServerSource(`function helper() {}\nexports = { onCallCreateHandler() { helper(); }, getThing() {} };`, H));
    expect(msg).toMatch(/Error while parsing file containing serverless functions/);
    expect(msg).toMatch(/function helper is declared before exports/);
    expect(() => checkServerSource(`async function h() {}\nexports = { onCallCreateHandler() {}, getThing() {} };`, H)).toThrow(LoadError);
  });

  it.each([
    ['object spread', 'const a = {}; const b = { ...a };'],
    ['object rest', 'const { a, ...rest } = {};'],
    ['optional catch binding', 'try { f(); } catch { g(); }'],
    ['for await', 'async function q() { for await (const x of y) {} }'],
    ['optional chaining', 'const v = a?.b;'],
    ['nullish coalescing', 'const v = a ?? b;'],
  ])('refuses ES2018+ syntax the platform parser (esprima 4) cannot read: %s', (_name, snippet) => {
    const msg = refusal(() => checkServerSource(`exports = { onCallCreateHandler() {}, getThing() {} };\n${snippet}`, H));
    expect(msg).toMatch(/Error while parsing file containing serverless functions: Line \d+: Unexpected/);
  });
});

describe('loadApp: manifest and config', () => {
  it('loads a well-formed app and lists its handlers', () => {
    const app = loadApp(makeApp({ server: handlers({}) }));
    expect(Object.keys(app.events).sort()).toEqual(['onAppInstall', 'onCallCreate', 'onScheduledEvent']);
    expect(app.events.onCallCreate).toMatchObject({ name: 'onCallCreateHandler', module: 'call' });
    expect(app.serverFile).toBe(fs.realpathSync(path.join(app.root, 'server/server.js')));
  });

  it('refuses a server.js that lacks a handler the manifest names', () => {
    const server = `exports = { onAppInstallHandler() { renderData(); }, onScheduledEventHandler() { renderData(); } };`;
    expect(refusal(() => loadApp(makeApp({ server })))).toMatch(/^Event callback 'onCallCreateHandler' is not declared for module: call/);
  });

  it('refuses a missing server.js', () => {
    const root = makeApp({ server: handlers({}) });
    fs.rmSync(path.join(root, 'server/server.js'));
    expect(refusal(() => loadApp(root))).toMatch(/server\/server.js is missing/);
  });

  it('refuses server methods with another timeout, extra keys or a bad name', () => {
    const fnApp = (functions: Record<string, unknown>) =>
      makeApp({
        server: handlers({ extra: Object.keys(functions).map((f) => `${f}: function () { renderData(); },`).join('\n') }),
        modules: {
          common: {
            functions,
            events: { onAppInstall: { handler: 'onAppInstallHandler' }, onScheduledEvent: { handler: 'onScheduledEventHandler' } },
          },
        },
      });
    expect(() => loadApp(fnApp({ getThing: {} }))).not.toThrow();
    expect(() => loadApp(fnApp({ getThing: { timeout: 30 } }))).not.toThrow();
    expect(refusal(() => loadApp(fnApp({ getThing: { timeout: 15 } })))).toMatch(/Timeout should be one of the allowed values\./);
    expect(refusal(() => loadApp(fnApp({ getThing: { display_name: 'x' } })))).toMatch(/must NOT have additional properties/);
    expect(refusal(() => loadApp(fnApp({ '1thing': {} })))).toMatch(/server method name '1thing'/);
    expect(refusal(() => loadApp(fnApp({ g: {} })))).toMatch(/server method name 'g'/);
  });

  it('refuses app-setup and scheduled events outside modules.common', () => {
    const root = makeApp({
      server: handlers({}),
      modules: { call: { events: { onCallCreate: { handler: 'onCallCreateHandler' }, onScheduledEvent: { handler: 'onScheduledEventHandler' } } } },
    });
    expect(refusal(() => loadApp(root))).toMatch(/onScheduledEvent belongs under modules.common.events/);
  });

  it('refuses dependencies without an exact version', () => {
    const root = makeApp({ server: handlers({}) });
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    manifest.dependencies = { zod: '^4.6.7' };
    write(root, 'manifest.json', JSON.stringify(manifest));
    expect(refusal(() => loadApp(root))).toMatch(/dependency 'zod' needs an exact version/);
  });

  describe('request templates (config/requests.json)', () => {
    const tpl = (options?: Record<string, unknown>) => ({
      schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/x' },
      ...(options ? { options } : {}),
    });

    it('accepts valid options', () => {
      expect(() => loadApp(makeApp({ server: handlers({}), requests: { ok: tpl({ maxAttempts: 5, retryDelay: 1500 }) } }))).not.toThrow();
      expect(() => loadApp(makeApp({ server: handlers({}), requests: { ok_1: tpl({ maxAttempts: 1 }) } }))).not.toThrow();
    });

    it.each([
      [{ maxAttempts: 0 }, /maxAttempts must be an integer from 1 to 5/],
      [{ maxAttempts: 6 }, /maxAttempts must be an integer from 1 to 5/],
      [{ maxAttempts: 2.5 }, /maxAttempts/],
      [{ retryDelay: 1600 }, /retryDelay must be at most 1500 ms in steps of 100/],
      [{ retryDelay: 150 }, /retryDelay must be at most 1500 ms in steps of 100/],
    ])('refuses options %j', (options, message) => {
      expect(refusal(() => loadApp(makeApp({ server: handlers({}), requests: { t: tpl(options) } })))).toMatch(message);
    });

    it('refuses template names outside [A-Za-z0-9_-]', () => {
      expect(refusal(() => loadApp(makeApp({ server: handlers({}), requests: { 'get.thing': tpl() } })))).toMatch(
        /names may contain only letters, digits/,
      );
    });

    it('refuses more than 100 templates', () => {
      const requests = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`t${i}`, tpl()]));
      expect(refusal(() => loadApp(makeApp({ server: handlers({}), requests })))).toMatch(/101 templates; at most 100/);
    });

    it('refuses a manifest template missing from requests.json; warns about the reverse', () => {
      const root = makeApp({ server: handlers({}), requests: { declared: tpl() } });
      write(root, 'config/requests.json', JSON.stringify({ other: tpl() }));
      expect(refusal(() => loadApp(root))).toMatch(/'declared' is declared in manifest.json but missing from config\/requests.json/);
      write(root, 'config/requests.json', JSON.stringify({ declared: tpl(), other: tpl() }));
      expect(loadApp(root).warnings.join('\n')).toMatch(/'other' is not declared in manifest.json/);
    });

    it('refuses placeholders the platform does not know', () => {
      const bad = { schema: { method: 'GET', host: '<%= iparam.api_host %>', path: '/x/<%= context.a.toUpperCase() %>' } };
      expect(refusal(() => loadApp(makeApp({ server: handlers({}), requests: { t: bad } })))).toMatch(/path/);
      const esc = { schema: { method: 'GET', host: '<%- iparam.api_host %>' } };
      expect(refusal(() => loadApp(makeApp({ server: handlers({}), requests: { t: esc } })))).toMatch(/only <%= \.\.\. %>/);
    });
  });

  it("accepts the project's own manifest, request templates and iparams", () => {
    const repo = path.resolve(__dirname, '../..');
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'manifest.json'), 'utf8'));
    const names: string[] = [];
    for (const mod of Object.values(manifest.modules) as Array<{ events?: Record<string, { handler: string }> }>) {
      for (const ev of Object.values(mod.events ?? {})) names.push(ev.handler);
    }
    names.push(...Object.keys(manifest.modules.common.functions ?? {}));
    const root = makeApp({
      server: `exports = {\n${names.map((n) => `  ${n}: function () { renderData(); },`).join('\n')}\n};\n`,
      files: {
        'manifest.json': fs.readFileSync(path.join(repo, 'manifest.json'), 'utf8'),
        'config/requests.json': fs.readFileSync(path.join(repo, 'config/requests.json'), 'utf8'),
        'config/iparams.json': fs.readFileSync(path.join(repo, 'config/iparams.json'), 'utf8'),
      },
    });
    const app = loadApp(root);
    expect(Object.keys(app.templates).length).toBe(Object.keys(manifest.modules.common.requests).length);
    expect([...app.secureIparams].sort()).toEqual(['freshcaller_api_key', 'freshchat_api_key']);
    expect(app.warnings).toEqual([]);
  });
});

describe('LocalRuntime load', () => {
  it('refuses a server.js that throws while loading', () => {
    const root = makeApp({ server: handlers({ after: 'throw new Error("boom at load");' }) });
    expect(refusal(() => new LocalRuntime({ root, clock: new ManualClock() }))).toMatch(/server\/server.js threw while loading: Error: boom at load/);
  });

  it('refuses a handler that is not a function once loaded (exports reassigned)', () => {
    const root = makeApp({ server: handlers({ after: 'exports = { onAppInstallHandler: 1 };' }) });
    expect(refusal(() => new LocalRuntime({ root, clock: new ManualClock() }))).toMatch(/is not declared.*not a function/);
  });
});
