// The sandbox has exactly the platform's globals, a clock-driven Date, and a require limited to
// server/ files and manifest dependencies (docs/platform.md "Loading server.js").

import fs from 'node:fs';
import path from 'node:path';
import { LocalRuntime, ManualClock, type InvocationResult } from '../../tools/runtime';
import { cleanupApps, handlers, makeApp, write } from './helpers';

afterAll(cleanupApps);

const T0 = Date.UTC(2030, 5, 1, 12, 0, 0);

function runtimeFor(server: string, extra: Parameters<typeof makeApp>[0] = { server }, opts: Partial<ConstructorParameters<typeof LocalRuntime>[0]> = {}) {
  const root = makeApp({ ...extra, server });
  return new LocalRuntime({ root, clock: new ManualClock(T0), timeLimits: { event: 2000, install: 2000 }, ...opts });
}

async function evaluate(expression: string, prelude = ''): Promise<InvocationResult> {
  const rt = runtimeFor(handlers({ prelude, callCreate: `renderData(null, { value: ${expression} });` }));
  return rt.fireEvent('onCallCreate', {});
}

describe('globals', () => {
  it.each([
    'setTimeout',
    'setInterval',
    'setImmediate',
    'clearTimeout',
    'clearInterval',
    'clearImmediate',
    'Buffer',
    'process',
    'module',
    'global',
    'queueMicrotask',
    'structuredClone',
    'fetch',
  ])('has no %s', async (name) => {
    const r = await evaluate(`typeof ${name}`);
    expect(r.renderData?.data).toEqual({ value: 'undefined' });
  });

  it.each(['exports', 'require', 'console', 'renderData', '$request', '$db', '$schedule', 'generateTargetUrl'])('has %s', async (name) => {
    const r = await evaluate(`typeof ${name}`);
    expect(r.renderData?.data).toEqual({ value: name === 'exports' || name === 'console' || name.startsWith('$') ? 'object' : 'function' });
  });

  it('gives console only log, info and error; console.warn is reported and fails like on the platform', async () => {
    const r = await evaluate(`[typeof console.log, typeof console.info, typeof console.error, typeof console.debug].join(',')`);
    expect(r.renderData?.data).toEqual({ value: 'function,function,function,undefined' });
    expect(r.problems.join('\n')).toMatch(/console\.debug/);

    const rt = runtimeFor(handlers({ callCreate: `console.warn('careful'); renderData();` }));
    const w = await rt.fireEvent('onCallCreate', {});
    expect(w.completed).toBe(false);
    expect(w.problems.join('\n')).toMatch(/used console\.warn, which the platform's sandbox does not have/);
    expect(w.problems.join('\n')).toMatch(/TypeError/);
    expect(w.platformError).toEqual({ status: 500, message: 'Error while executing App server script' });
  });

  it('captures console output into the result and forwards it to the log option', async () => {
    const seen: string[] = [];
    const rt = runtimeFor(handlers({ callCreate: `console.log('a', 1, { b: 2 }); console.info('i'); console.error('e'); renderData();` }), undefined, {
      log: (e) => seen.push(`${e.level}:${e.message}`),
    });
    const r = await rt.fireEvent('onCallCreate', {});
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([
      ['log', 'a 1 { b: 2 }'],
      ['info', 'i'],
      ['error', 'e'],
    ]);
    expect(seen).toEqual(['log:a 1 { b: 2 }', 'info:i', 'error:e']);
    expect(r.problems).toEqual([]);
  });
});

describe('Date follows the runtime clock', () => {
  it('new Date(), Date.now() and Date() read the clock; explicit dates still work', async () => {
    const clock = new ManualClock(T0);
    const root = makeApp({
      server: handlers({
        callCreate: `renderData(null, { iso: new Date().toISOString(), now: Date.now(), str: typeof Date(), explicit: new Date(Date.UTC(2020, 0, 2)).toISOString(), parsed: Date.parse('2020-01-02T00:00:00Z'), isDate: new Date() instanceof Date, proto: Object.getPrototypeOf(new Date()) === Date.prototype });`,
      }),
    });
    const rt = new LocalRuntime({ root, clock });
    const r1 = await rt.fireEvent('onCallCreate', {});
    expect(r1.renderData?.data).toEqual({
      iso: new Date(T0).toISOString(),
      now: T0,
      str: 'string',
      explicit: '2020-01-02T00:00:00.000Z',
      parsed: Date.UTC(2020, 0, 2),
      isDate: true,
      proto: true,
    });
    clock.advance(90_000);
    const r2 = await rt.fireEvent('onCallCreate', {});
    expect((r2.renderData?.data as { now: number }).now).toBe(T0 + 90_000);
  });
});

describe('require', () => {
  it('loads relative .js files inside server/ with the platform wrapper (CommonJS exports.x and exports = {...})', async () => {
    const rt = runtimeFor(
      handlers({
        prelude: `const lib = require('./lib/util'); const deep = require('./lib/nested/deep');`,
        callCreate: `renderData(null, { a: lib.double(2), b: deep.name, c: require('./lib/util') === lib });`,
      }),
      {
        server: '',
        files: {
          'server/lib/util.js': `exports.double = function (x) { return x * 2; };`,
          'server/lib/nested/deep.js': `const up = require('../util');\nexports = { name: 'deep' + up.double(1) };`,
        },
      },
    );
    const r = await rt.fireEvent('onCallCreate', {});
    expect(r.problems).toEqual([]);
    expect(r.renderData?.data).toEqual({ a: 4, b: 'deep2', c: true });
  });

  async function requireError(spec: string, files: Record<string, string> = {}, root?: string): Promise<string> {
    const server = handlers({ callCreate: `try { require(${JSON.stringify(spec)}); renderData(null, { loaded: true }); } catch (err) { renderData(null, { message: err.message, code: err.code, isError: err instanceof Error }); }` });
    const rt = root ? new LocalRuntime({ root, clock: new ManualClock(T0) }) : runtimeFor(server, { server, files });
    const r = await rt.fireEvent('onCallCreate', {});
    const data = r.renderData?.data as { message?: string; code?: string; isError?: boolean; loaded?: boolean };
    expect(data.loaded).toBeUndefined();
    expect(data.isError).toBe(true);
    return data.message as string;
  }

  it('refuses paths escaping server/', async () => {
    expect(await requireError('../config/secret', { 'config/secret.js': 'exports.x = 1;' })).toMatch(/Cannot find module '..\/config\/secret' \(only .js files inside server\//);
    expect(await requireError('./lib/../../manifest')).toMatch(/Cannot find module/);
  });

  it('refuses server/node_modules and server/test_data (not shipped)', async () => {
    expect(await requireError('./node_modules/x/index', { 'server/node_modules/x/index.js': 'exports.x = 1;' })).toMatch(/Cannot find module/);
    expect(await requireError('./test_data/x', { 'server/test_data/x.js': 'exports.x = 1;' })).toMatch(/Cannot find module/);
  });

  it('appends .js like the platform: a missing file or an explicit .js suffix does not resolve', async () => {
    expect(await requireError('./nope')).toMatch(/Cannot find module '.\/nope'/);
    expect(await requireError('./lib/util.js', { 'server/lib/util.js': 'exports.x = 1;' })).toMatch(/platform appends .js/);
  });

  it('refuses Node built-ins and packages not listed in manifest dependencies', async () => {
    expect(await requireError('fs')).toMatch(/Cannot find module 'fs' \(only packages listed in manifest.json "dependencies"/);
    expect(await requireError('node:http')).toMatch(/Cannot find module 'node:http'/);
    expect(await requireError('zod')).toMatch(/Cannot find module 'zod'/);
  });

  it('refuses a required file the platform parser cannot read', async () => {
    expect(await requireError('./modern', { 'server/modern.js': 'const a = {}; exports.b = { ...a };' })).toMatch(/Unexpected token/);
  });

  describe('manifest dependencies', () => {
    function depApp(version: string, installed: string): string {
      const root = makeApp({
        server: handlers({ callCreate: `const dep = require('fakedep'); renderData(null, { v: dep.version() });` }),
        files: {
          'node_modules/fakedep/package.json': JSON.stringify({ name: 'fakedep', version: installed, main: 'main.js' }),
          'node_modules/fakedep/main.js': `exports.version = function () { return '${installed}'; };`,
          'node_modules/fakedep/sub.js': `exports.x = 1;`,
        },
      });
      const manifestPath = path.join(root, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
      manifest.dependencies = { fakedep: version };
      write(root, 'manifest.json', JSON.stringify(manifest));
      return root;
    }

    it('loads a listed package by name from the project node_modules', async () => {
      const rt = new LocalRuntime({ root: depApp('1.2.3', '1.2.3'), clock: new ManualClock(T0) });
      const r = await rt.fireEvent('onCallCreate', {});
      expect(r.renderData?.data).toEqual({ v: '1.2.3' });
    });

    it('refuses a subpath of a listed package (root only)', async () => {
      const root = depApp('1.2.3', '1.2.3');
      write(root, 'server/server.js', handlers({ callCreate: `try { require('fakedep/sub'); renderData(null, { loaded: true }); } catch (err) { renderData(null, { message: err.message, isError: true }); }` }));
      expect(await requireError('fakedep/sub', {}, root)).toMatch(/require the package root/);
    });

    it('refuses when node_modules holds another version than the manifest pins', async () => {
      const root = depApp('1.2.4', '1.2.3');
      write(root, 'server/server.js', handlers({ callCreate: `try { require('fakedep'); renderData(null, { loaded: true }); } catch (err) { renderData(null, { message: err.message, isError: true }); }` }));
      expect(await requireError('fakedep', {}, root)).toMatch(/node_modules has 1.2.3; the manifest pins 1.2.4/);
    });

    it('runs the fixture app that requires zod (a real dependency) and nested server/ files', async () => {
      const root = path.join(__dirname, 'fixtures/dep-app');
      const rt = new LocalRuntime({ root, clock: new ManualClock(T0) });
      const r = await rt.fireEvent('onCallCreate', { data: { call: { id: 7 } } });
      expect(r.problems).toEqual([]);
      expect(r.renderData?.data).toEqual({ ok: true, label: 'call-7' });
      const m = await rt.invoke('parsePhone', { number: '+1 (555) 010-9999' });
      expect(m.kind).toBe('serverMethod');
      expect(m.renderData?.data).toEqual({ digits: '15550109999' });
    });
  });
});

describe('module state and sandbox lifetime', () => {
  const counter = handlers({ prelude: 'let count = 0;', callCreate: 'count += 1; renderData(null, { count: count });' });

  it('loads a fresh sandbox per invocation by default, so module-level variables do not survive', async () => {
    const rt = runtimeFor(counter);
    expect((await rt.fireEvent('onCallCreate', {})).renderData?.data).toEqual({ count: 1 });
    expect((await rt.fireEvent('onCallCreate', {})).renderData?.data).toEqual({ count: 1 });
  });

  it('keeps one sandbox with freshContextPerInvocation: false, and reload() starts over', async () => {
    const rt = runtimeFor(counter, undefined, { freshContextPerInvocation: false });
    const [a, b] = await Promise.all([rt.fireEvent('onCallCreate', {}), rt.fireEvent('onCallCreate', {})]);
    expect([a.renderData?.data, b.renderData?.data]).toEqual([{ count: 1 }, { count: 2 }]);
    rt.reload();
    expect((await rt.fireEvent('onCallCreate', {})).renderData?.data).toEqual({ count: 1 });
  });

  it('stops a handler stuck in a synchronous loop at the time limit', async () => {
    const rt = runtimeFor(handlers({ callCreate: 'while (true) {}' }), undefined, { timeLimits: { event: 300 } });
    const r = await rt.fireEvent('onCallCreate', {});
    expect(r.completed).toBe(false);
    expect(r.problems.join('\n')).toMatch(/timed out/i);
  });

  it('merges iparams into the payload and hands the handler a copy', async () => {
    const root = makeApp({ server: handlers({ callCreate: 'payload.data.x = 2; renderData(null, { ip: payload.iparams, x: payload.data.x });' }) });
    const rt = new LocalRuntime({ root, clock: new ManualClock(T0), iparams: { api_host: 'acme.example.com' } });
    const input = { data: { x: 1 } };
    const r = await rt.fireEvent('onCallCreate', input);
    expect(r.renderData?.data).toEqual({ ip: { api_host: 'acme.example.com' }, x: 2 });
    expect(input.data.x).toBe(1);
  });
});
