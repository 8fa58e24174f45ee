// How an invocation ends: renderData exactly once after all platform work, no throws, within the
// time limit; install events, server methods and coverage (docs/platform.md "Loading server.js",
// "Server methods", "Lint, validate and pack").

import fs from 'node:fs';
import path from 'node:path';
import { createCoverageMap } from 'istanbul-lib-coverage';
import { LocalRuntime, ManualClock, type RuntimeOptions } from '../../tools/runtime';
import { cleanupApps, handlers, makeApp } from './helpers';

afterAll(cleanupApps);

const T0 = Date.UTC(2030, 0, 1);

function rt(server: string, opts: Partial<RuntimeOptions> = {}, modules?: Record<string, unknown>) {
  const root = makeApp({ server, ...(modules ? { modules } : {}) });
  return new LocalRuntime({ root, clock: new ManualClock(T0), timeLimits: { event: 1500, install: 1500, serverMethod: 1500 }, ...opts });
}
const onCall = (body: string, extra: Parameters<typeof handlers>[0] = {}) => rt(handlers({ ...extra, callCreate: body }));

describe('renderData', () => {
  it('a well-behaved handler completes with no problems', async () => {
    const r = await onCall(`await $db.set('k', { a: 1 }); renderData(null, { ok: true });`).fireEvent('onCallCreate', {});
    expect(r).toMatchObject({ handler: 'onCallCreateHandler', event: 'onCallCreate', kind: 'event', completed: true, renderDataCalls: 1, problems: [] });
    expect(r.renderData).toEqual({ error: null, data: { ok: true } });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a handler that never calls renderData (returns right away)', async () => {
    const r = await rt(handlers({ extra: '' }).replace('onCallCreateHandler: async function (payload) { renderData(); }', 'onCallCreateHandler: function () { return 1; }')).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(false);
    expect(r.problems.join('\n')).toMatch(/finished without calling renderData/);
    expect(r.elapsedMs).toBeLessThan(1000); // detected when settled, not at the time limit
  });

  it('reports a handler that never calls renderData after awaiting platform work', async () => {
    const r = await onCall(`await $db.set('k', { a: 1 }); await $db.get('k');`).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(false);
    expect(r.problems).toEqual([expect.stringMatching(/finished without calling renderData/)]);
  });

  it('waits for floating work that calls renderData later (not awaited by the handler)', async () => {
    const r = await onCall(`$db.set('k', { a: 1 }).then(function () { return $db.get('k'); }).then(function (v) { renderData(null, v); });`).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(true);
    expect(r.renderData?.data).toEqual({ a: 1 });
    expect(r.problems).toEqual([]);
  });

  it('reports renderData called twice, and keeps the first answer', async () => {
    const r = await onCall(`renderData(null, { n: 1 }); renderData(null, { n: 2 });`).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(true);
    expect(r.renderDataCalls).toBe(2);
    expect(r.renderData?.data).toEqual({ n: 1 });
    expect(r.problems.join('\n')).toMatch(/called renderData more than once/);
  });

  it('catches a second renderData from floating work after the first', async () => {
    const r = await onCall(`$db.get('x').catch(function () { renderData(); }); renderData();`).fireEvent('onCallCreate', {});
    expect(r.renderDataCalls).toBe(2);
    expect(r.problems.join('\n')).toMatch(/platform work was still running \(\$db\.get\('x'\)\)/);
    expect(r.problems.join('\n')).toMatch(/more than once/);
  });

  it('reports platform work still running when renderData is called', async () => {
    const runtime = onCall(`const p = $db.set('k', { a: 1 }); renderData(); await p;`);
    const r = await runtime.fireEvent('onCallCreate', {});
    expect(r.completed).toBe(true);
    expect(r.problems.join('\n')).toMatch(/called renderData while platform work was still running \(\$db\.set\('k'\)\)/);
  });

  it('reports platform calls started after renderData and does not perform them', async () => {
    const runtime = onCall(`renderData(); await $db.set('after', { a: 1 }); console.log('never reached');`);
    const r = await runtime.fireEvent('onCallCreate', {});
    expect(r.completed).toBe(true);
    expect(r.problems.join('\n')).toMatch(/started \$db\.set\('after'\) after calling renderData/);
    expect(runtime.db.peek('after')).toBeUndefined();
    expect(r.logs).toEqual([]);
    expect(r.elapsedMs).toBeLessThan(1000);
  });

  it('reports $request and $schedule calls after renderData too', async () => {
    const r = await onCall(`renderData(); $schedule.create({ name: 'x', data: {}, schedule_at: new Date(Date.now() + 600000).toISOString() }); $request.invokeTemplate('t', {});`).fireEvent(
      'onCallCreate',
      {},
    );
    expect(r.problems.join('\n')).toMatch(/started \$schedule\.create\('x'\) after calling renderData/);
    expect(r.problems.join('\n')).toMatch(/started \$request\.invokeTemplate\('t'\) after calling renderData/);
  });

  it('reports a platform call whose promise is never awaited or handled, even when it settles in time', async () => {
    const r = await onCall(`$db.set('fire-and-forget', { a: 1 }); await $db.get('fire-and-forget'); renderData();`).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(true);
    expect(r.problems).toEqual([expect.stringMatching(/started \$db\.set\('fire-and-forget'\) without awaiting or handling its promise \(a floating promise\)/)]);
  });

  it('reports a floating platform call that rejected, without crashing the host', async () => {
    const r = await onCall(`$db.get('missing'); await $db.set('k', { a: 1 }); renderData();`).fireEvent('onCallCreate', {});
    expect(r.problems).toEqual([expect.stringMatching(/started \$db\.get\('missing'\) without awaiting or handling its promise, and it rejected: \{"status":404,"message":"Record not found"\}/)]);
  });

  it('counts await, then/catch, Promise.all and returning a promise as handling it', async () => {
    const r = await onCall(`
      const a = $db.set('a', { v: 1 });
      const b = $db.set('b', { v: 1 });
      await Promise.all([a, b]);
      await $db.get('a');
      await $db.get('nope').catch(function () { return null; });
      const v = await (async function () { return $db.get('b'); })();
      renderData(null, v);`).fireEvent('onCallCreate', {});
    expect(r.problems).toEqual([]);
    expect(r.renderData?.data).toEqual({ v: 1 });
  });

  it('flags a renderData error that is an Error instance or not an object', async () => {
    const r1 = await onCall(`renderData(new Error('bad'));`).fireEvent('onCallCreate', {});
    expect(r1.problems.join('\n')).toMatch(/Error instance/);
    expect(r1.renderData?.error).toMatchObject({ message: 'bad' });
    const r2 = await onCall(`renderData('bad');`).fireEvent('onCallCreate', {});
    expect(r2.problems.join('\n')).toMatch(/not an object/);
  });
});

describe('platform calls of concurrent invocations', () => {
  it('records every call, log line and $db warning on the invocation that made it', async () => {
    const runtime = onCall(`
      const n = payload.data.n;
      await $db.set('k' + n, { createdAt: 1, n: n });
      console.log('event ' + n);
      await $schedule.create({ name: 's' + n, data: { n: n }, schedule_at: new Date(Date.now() + 600000).toISOString() });
      await $db.get('k' + n);
      renderData();`);
    const [a, b] = await Promise.all([runtime.fireEvent('onCallCreate', { data: { n: 1 } }), runtime.fireEvent('onCallCreate', { data: { n: 2 } })]);
    for (const [r, n] of [[a, 1], [b, 2]] as const) {
      expect(r.dbOps.map((o) => [o.op, o.key])).toEqual([['set', `k${n}`], ['get', `k${n}`]]);
      expect(r.schedules.map((o) => [o.op, o.name])).toEqual([['create', `s${n}`]]);
      expect(r.logs.map((l) => l.message)).toEqual([`event ${n}`]);
      expect(r.problems).toEqual([expect.stringMatching(/reserved attribute 'createdAt'/)]);
    }
    expect(runtime.dbOps).toHaveLength(4);
    expect(runtime.scheduleOps).toHaveLength(2);
    expect(runtime.logs).toHaveLength(2);
  });
});

describe('failures and time limits', () => {
  it('reports a synchronous throw as the platform 500', async () => {
    const root = makeApp({ server: handlers({}).replace('onCallCreateHandler: async function (payload) { renderData(); }', "onCallCreateHandler: function () { throw new TypeError('sync boom'); }") });
    const r = await new LocalRuntime({ root, clock: new ManualClock(T0) }).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(false);
    expect(r.platformError).toEqual({ status: 500, message: 'Error while executing App server script' });
    expect(r.problems.join('\n')).toMatch(/the handler threw: TypeError: sync boom/);
  });

  it('reports a rejected promise as the platform 500', async () => {
    const r = await onCall(`await $db.get('missing');`).fireEvent('onCallCreate', {});
    expect(r.platformError).toEqual({ status: 500, message: 'Error while executing App server script' });
    expect(r.problems.join('\n')).toMatch(/the handler's promise rejected: \{"status":404,"message":"Record not found"\}/);
  });

  it('ends a product event that never responds at the 20 s limit (configurable)', async () => {
    const r = await onCall(`await new Promise(function () {});`).fireEvent('onCallCreate', {});
    expect(r.completed).toBe(false);
    expect(r.problems.join('\n')).toMatch(/did not call renderData within 1.5 s, the platform's time limit for product and scheduled events/);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1400);
  });

  it('uses the 10 s install limit for onAppInstall (configurable)', async () => {
    const runtime = rt(handlers({ install: 'await new Promise(function () {});' }), { timeLimits: { event: 5000, install: 200 } });
    const r = await runtime.fireEvent('onAppInstall', {});
    expect(r.kind).toBe('install');
    expect(r.problems.join('\n')).toMatch(/within 0.2 s, the platform's time limit for onAppInstall\/onAppUninstall/);
    expect(r.elapsedMs).toBeLessThan(2000);
  });

  it('reports a request still running at the time limit, and floating work that outlives the invocation', async () => {
    const http = await import('node:http');
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const root = makeApp({
        server: handlers({ callCreate: `$request.invokeTemplate('slow', {}).catch(function () { return $db.set('late', { a: 1 }); }); renderData();` }),
        requests: { slow: { schema: { method: 'GET', host: 'slow.example.com', path: '/' } } },
      });
      const runtime = new LocalRuntime({ root, clock: new ManualClock(T0), hostMap: { 'slow.example.com': `http://127.0.0.1:${port}` }, timeLimits: { event: 300 }, requestTimeoutMs: 600 });
      const r = await runtime.fireEvent('onCallCreate', {});
      expect(r.completed).toBe(true);
      expect(r.problems.join('\n')).toMatch(/called renderData while platform work was still running/);
      expect(r.problems.join('\n')).toMatch(/still running at the 0.3 s time limit: \$request\.invokeTemplate\('slow'\)/);
      // The request times out after the invocation ended; the follow-up it starts is recorded
      // as a late event and not performed.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(runtime.lateEvents).toEqual([expect.objectContaining({ handler: 'onCallCreateHandler', message: expect.stringMatching(/started \$db\.set\('late'\) after its invocation had ended/) })]);
      expect(runtime.db.peek('late')).toBeUndefined();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('install events', () => {
  it('renderData() lets the install proceed', async () => {
    const r = await rt(handlers({})).fireEvent('onAppInstall', {});
    expect(r).toMatchObject({ kind: 'install', completed: true, problems: [] });
    expect(r.installBlocked).toBeUndefined();
  });

  it('renderData({ message }) blocks it with that message', async () => {
    const r = await rt(handlers({ install: `renderData({ message: 'Invalid API key' });` })).fireEvent('onAppInstall', {});
    expect(r.installBlocked).toBe('Invalid API key');
    expect(r.problems).toEqual([]);
  });

  it('reports an install message over 60 characters', async () => {
    const r = await rt(handlers({ install: `renderData({ message: '${'x'.repeat(61)}' });` })).fireEvent('onAppInstall', {});
    expect(r.problems.join('\n')).toMatch(/61 characters; the platform allows at most 60/);
  });

  it('gives onAppInstall no $db and no $schedule', async () => {
    const runtime = rt(
      handlers({
        install: `const out = [];
          try { await $db.set('k', { a: 1 }); } catch (err) { out.push(err.message); }
          try { await $schedule.create({ name: 'x', data: {}, schedule_at: new Date(Date.now() + 600000).toISOString() }); } catch (err) { out.push(err.message); }
          renderData(null, out);`,
      }),
    );
    const r = await runtime.fireEvent('onAppInstall', {});
    expect(r.renderData?.data).toEqual(['$db is not available during app installation', '$schedule is not available during app installation']);
    expect(r.problems.join('\n')).toMatch(/used \$db\.set\('k'\) during installation/);
    expect(runtime.db.peek('k')).toBeUndefined();
  });
});

describe('server methods', () => {
  const modules = {
    common: {
      functions: { getThing: {}, slowThing: { timeout: 25 } },
      events: { onAppInstall: { handler: 'onAppInstallHandler' }, onScheduledEvent: { handler: 'onScheduledEventHandler' } },
    },
  };
  const server = handlers({
    extra: `getThing: async function (args) { const n = await $db.update('calls', 'increment', { n: 1 }); renderData(null, { args: args, n: n }); },
      slowThing: function () { renderData(); },`,
  });

  it('invokes a server method with iparams merged into its arguments', async () => {
    const runtime = rt(server, { iparams: { api_host: 'h.example.com' } }, modules);
    const r = await runtime.invoke('getThing', { id: 5 });
    expect(r).toMatchObject({ handler: 'getThing', event: null, kind: 'serverMethod', completed: true, problems: [] });
    expect(r.renderData?.data).toEqual({ args: { id: 5, iparams: { api_host: 'h.example.com' } }, n: { Updated: true } });
  });

  it("warns about an argument named 'iparams'", async () => {
    const r = await rt(server, {}, modules).invoke('getThing', { iparams: 1 });
    expect(r.problems.join('\n')).toMatch(/overwrites with the installation parameters/);
  });

  it('allows 50 calls per minute per installation', async () => {
    const runtime = rt(server, {}, modules);
    for (let i = 0; i < 50; i++) expect((await runtime.invoke('slowThing', {})).completed).toBe(true);
    const refused = await runtime.invoke('slowThing', {});
    expect(refused.completed).toBe(false);
    expect(refused.platformError?.status).toBe(429);
    (runtime.clock as ManualClock).advance(60_000);
    expect((await runtime.invoke('slowThing', {})).completed).toBe(true);
  });

  it('refuses a payload over 100 KB without running the method', async () => {
    const r = await rt(server, {}, modules).invoke('getThing', { blob: 'x'.repeat(100 * 1024) });
    expect(r.completed).toBe(false);
    expect(r.platformError?.status).toBe(413);
    expect(r.dbOps).toEqual([]);
  });

  it('has no $db during installation', async () => {
    const r = await rt(server, {}, modules).invoke('getThing', {}, { duringInstall: true });
    expect(r.problems.join('\n')).toMatch(/during installation/);
  });

  it('rejects unknown handlers and events (caller error, not an app problem)', async () => {
    const runtime = rt(server, {}, modules);
    await expect(runtime.invoke('nope', {})).rejects.toThrow(/not a handler or server method/);
    await expect(runtime.fireEvent('onTicketCreate', {})).rejects.toThrow(/No handler is registered/);
  });
});

describe('generateTargetUrl', () => {
  it('resolves to a URL string', async () => {
    const r = await onCall(`const url = await generateTargetUrl(); renderData(null, { url: url });`).fireEvent('onCallCreate', {});
    expect((r.renderData?.data as { url: string }).url).toMatch(/^https:\/\//);
    expect(r.problems).toEqual([]);
  });
});

describe('coverage of the shipped server.js (instrument: true)', () => {
  it('instruments server/server.js and its required files in the sandbox and accumulates across fresh sandboxes', async () => {
    const root = makeApp({
      server: handlers({
        prelude: `const lib = require('./lib/pick');`,
        callCreate: `renderData(null, { v: lib.pick(payload.data.flag) });`,
      }),
      files: { 'server/lib/pick.js': `exports.pick = function (flag) {\n  if (flag) {\n    return 'yes';\n  }\n  return 'no';\n};\n` },
    });
    const runtime = new LocalRuntime({ root, clock: new ManualClock(T0), instrument: true });
    expect((await runtime.fireEvent('onCallCreate', { data: { flag: true } })).renderData?.data).toEqual({ v: 'yes' });
    const serverFile = fs.realpathSync(path.join(root, 'server/server.js'));
    const libFile = fs.realpathSync(path.join(root, 'server/lib/pick.js'));
    const map1 = createCoverageMap(runtime.coverage() as never);
    expect(map1.files().sort()).toEqual([libFile, serverFile].sort());
    const lib1 = map1.fileCoverageFor(libFile).toSummary();
    expect(lib1.branches.covered).toBe(1);
    expect(lib1.branches.total).toBe(2);

    await runtime.fireEvent('onCallCreate', { data: { flag: false } });
    const map2 = createCoverageMap(runtime.coverage() as never);
    expect(map2.fileCoverageFor(libFile).toSummary().branches.pct).toBe(100);
    const server = map2.fileCoverageFor(serverFile);
    // onCallCreateHandler ran twice, in two different sandboxes.
    const line = fs.readFileSync(serverFile, 'utf8').split('\n').findIndex((l) => l.includes('onCallCreateHandler')) + 1;
    const fnIndex = Object.entries(server.fnMap).find(([, f]) => f.decl.start.line === line)?.[0] as string;
    expect(server.f[fnIndex]).toBe(2);
    expect(server.toSummary().functions.covered).toBe(1);
    expect(server.toSummary().functions.total).toBe(3);
  });

  it('refuses coverage() when not instrumenting', () => {
    expect(() => rt(handlers({})).coverage()).toThrow(/instrument: true/);
  });
});
