// $db behaves like the FDK's own store does (docs/platform.md "Key-value store").

import {
  KvStore,
  LocalRuntime,
  ManualClock,
  MSG_INVALID_PATHS,
  MSG_NOT_FOUND,
  MSG_REMOVE_MISSING,
  MSG_SETIF_FAILED,
  type DbOpRecord,
} from '../../tools/runtime';
import { cleanupApps, handlers, makeApp } from './helpers';

afterAll(cleanupApps);

const T0 = Date.UTC(2030, 0, 1);

function store() {
  const clock = new ManualClock(T0);
  const records: DbOpRecord[] = [];
  const warnings: string[] = [];
  const db = new KvStore({ clock, onRecord: (r) => records.push(r), onWarning: (w) => warnings.push(w) });
  return { db, clock, records, warnings };
}

const fail = (status: number, message: string | RegExp) => ({
  status,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

describe('set / get / delete', () => {
  it('stores and returns a copy without the reserved attributes', async () => {
    const { db } = store();
    await expect(db.set('k', { a: 1, nested: { b: [1, 2] } })).resolves.toEqual({ Created: true });
    await expect(db.get('k')).resolves.toEqual({ a: 1, nested: { b: [1, 2] } });
    expect(db.peekRaw('k')).toEqual({ a: 1, nested: { b: [1, 2] }, createdAt: T0, updatedAt: T0 });
    await expect(db.delete('k')).resolves.toEqual({ Deleted: true });
    await expect(db.get('k')).rejects.toEqual({ status: 404, message: MSG_NOT_FOUND });
  });

  it('rejects get of a missing key with 404 "Record not found"', async () => {
    const { db, records } = store();
    await expect(db.get('missing')).rejects.toEqual({ status: 404, message: 'Record not found' });
    expect(records).toEqual([{ op: 'get', key: 'missing', ok: false, error: { status: 404, message: 'Record not found' }, at: T0 }]);
  });

  it('rejects delete of a missing key (404)', async () => {
    const { db } = store();
    await expect(db.delete('missing')).rejects.toEqual({ status: 404, message: MSG_NOT_FOUND });
  });

  it('turns empty strings, NaN and Infinity into null, deep', async () => {
    const { db } = store();
    await db.set('k', { s: '', n: NaN, i: Infinity, m: -Infinity, deep: { s: '', list: ['', 1] }, keep: 'x', gone: undefined });
    await expect(db.get('k')).resolves.toEqual({ s: null, n: null, i: null, m: null, deep: { s: null, list: [null, 1] }, keep: 'x' });
  });

  it('strips the reserved attributes the app tries to use, and warns', async () => {
    const { db, warnings } = store();
    await db.set('k', { createdAt: 5, updatedAt: 6, __expireAfter: 7, a: 1 });
    await expect(db.get('k')).resolves.toEqual({ a: 1 });
    expect(db.peekRaw('k')).toMatchObject({ createdAt: T0, updatedAt: T0 });
    expect(warnings.join('\n')).toMatch(/reserved attribute 'createdAt'/);
  });

  it('copies values in and out: no shared references', async () => {
    const { db } = store();
    const value = { list: [1], obj: { a: 1 } };
    await db.set('k', value);
    value.list.push(2);
    value.obj.a = 9;
    const got = (await db.get('k')) as { list: number[]; obj: { a: number } };
    got.list.push(3);
    await expect(db.get('k')).resolves.toEqual({ list: [1], obj: { a: 1 } });
  });

  describe('setIf', () => {
    it("'not_exist' stores only when the key is absent", async () => {
      const { db } = store();
      await expect(db.set('k', { a: 1 }, { setIf: 'not_exist' })).resolves.toEqual({ Created: true });
      await expect(db.set('k', { a: 2 }, { setIf: 'not_exist' })).rejects.toEqual({ status: 400, message: MSG_SETIF_FAILED });
      await expect(db.get('k')).resolves.toEqual({ a: 1 });
    });

    it("'exist' stores only when the key is present", async () => {
      const { db } = store();
      await expect(db.set('k', { a: 1 }, { setIf: 'exist' })).rejects.toEqual({ status: 400, message: 'The setIf conditional request failed' });
      await db.set('k', { a: 1 });
      await expect(db.set('k', { a: 2 }, { setIf: 'exist' })).resolves.toEqual({ Created: true });
      await expect(db.get('k')).resolves.toEqual({ a: 2 });
    });

    it('refuses other setIf values', async () => {
      const { db } = store();
      await expect(db.set('k', { a: 1 }, { setIf: 'maybe' })).rejects.toEqual(fail(400, /setIf/));
    });
  });

  describe('ttl', () => {
    it('expires the record by the clock', async () => {
      const { db, clock } = store();
      await db.set('k', { a: 1 }, { ttl: 60 });
      expect(db.peekRaw('k')).toMatchObject({ __expireAfter: T0 + 60_000 });
      await expect(db.get('k')).resolves.toEqual({ a: 1 });
      clock.advance(59_999);
      await expect(db.get('k')).resolves.toEqual({ a: 1 });
      clock.advance(1);
      await expect(db.get('k')).rejects.toEqual({ status: 404, message: MSG_NOT_FOUND });
      // An expired key counts as missing for setIf too.
      await expect(db.set('k', { a: 2 }, { setIf: 'not_exist' })).resolves.toEqual({ Created: true });
    });

    it('a set without ttl clears an earlier ttl; an update keeps it', async () => {
      const { db, clock } = store();
      await db.set('a', { v: 1 }, { ttl: 10 });
      await db.set('a', { v: 2 });
      await db.set('b', { v: 1 }, { ttl: 10 });
      await db.update('b', 'increment', { v: 1 });
      clock.advance(10_000);
      await expect(db.get('a')).resolves.toEqual({ v: 2 });
      await expect(db.get('b')).rejects.toEqual({ status: 404, message: MSG_NOT_FOUND });
    });

    it.each([0, -5, 1.5, '60', null])('refuses ttl %p', async (ttl) => {
      const { db } = store();
      await expect(db.set('k', { a: 1 }, { ttl })).rejects.toEqual(fail(400, /ttl/));
    });
  });

  describe('limits', () => {
    it('key must be 1-30 characters', async () => {
      const { db } = store();
      await expect(db.set('', { a: 1 })).rejects.toEqual(fail(400, /key/));
      await expect(db.set('   ', { a: 1 })).rejects.toEqual(fail(400, /key/));
      await expect(db.set('k'.repeat(31), { a: 1 })).rejects.toEqual(fail(400, /30 characters/));
      await expect(db.set('k'.repeat(30), { a: 1 })).resolves.toEqual({ Created: true });
      await expect(db.get(42)).rejects.toEqual(fail(400, /key/));
    });

    it('key plus value at most 8 KB', async () => {
      const { db } = store();
      const key = 'k';
      // {"a":"..."} is 8 bytes of JSON around the string.
      const fits = 'x'.repeat(8 * 1024 - key.length - 8);
      await expect(db.set(key, { a: fits })).resolves.toEqual({ Created: true });
      await expect(db.set(key, { a: `${fits}x` })).rejects.toEqual(fail(400, /exceeds 8 KB/));
      await expect(db.update(key, 'set', { b: 'more' })).rejects.toEqual(fail(400, /exceeds 8 KB/));
    });

    it.each([
      ['an array', [1, 2]],
      ['a string', '{"a":1}'],
      ['a number', 5],
      ['null', null],
      ['an empty object', {}],
      ['an object that is empty as JSON', { a: undefined }],
    ])('value must be a non-empty plain object, not %s', async (_what, value) => {
      const { db } = store();
      await expect(db.set('k', value)).rejects.toEqual(fail(400, /non-empty JSON object/));
    });

    it('top-level attribute names at most 30 characters', async () => {
      const { db } = store();
      await expect(db.set('k', { ['a'.repeat(31)]: 1 })).rejects.toEqual(fail(400, /exceeds 30 characters/));
      await expect(db.set('k', { ['a'.repeat(30)]: { ['b'.repeat(40)]: 1 } })).resolves.toEqual({ Created: true });
    });

    it('50 operations per minute, each set/get/update/delete counting; recovers when the clock moves a minute', async () => {
      const { db, clock } = store();
      await db.set('k', { n: 0 });
      for (let i = 0; i < 16; i++) await db.get('k');
      for (let i = 0; i < 16; i++) await db.update('k', 'increment', { n: 1 });
      for (let i = 0; i < 16; i++) await db.get('nope').catch(() => undefined); // failures count too
      await db.delete('k');
      expect(db.budget.used()).toBe(50);
      await expect(db.set('k', { n: 1 })).rejects.toEqual(fail(429, /50 \$db operations per minute/));
      await expect(db.get('k')).rejects.toEqual(fail(429, /Rate limit/));
      expect(db.peek('k')).toBeUndefined(); // the refused set was not performed
      clock.advance(60_000);
      await expect(db.set('k', { n: 1 })).resolves.toEqual({ Created: true });
    });
  });
});

describe('update', () => {
  it('increment adds to numbers, creates missing attributes, and creates a missing record from the attributes', async () => {
    const { db } = store();
    await expect(db.update('c', 'increment', { n: 2, m: 1 })).resolves.toEqual({ Updated: true });
    await expect(db.get('c')).resolves.toEqual({ n: 2, m: 1 });
    await db.update('c', 'increment', { n: 3, z: -1 });
    await expect(db.get('c')).resolves.toEqual({ n: 5, m: 1, z: -1 });
  });

  it('append concatenates arrays, creates missing attributes and records', async () => {
    const { db } = store();
    await db.update('a', 'append', { list: [1] });
    await db.update('a', 'append', { list: [2, ''], other: ['x'] });
    await expect(db.get('a')).resolves.toEqual({ list: [1, 2, null], other: ['x'] });
  });

  it('increment and append act on top-level attributes only', async () => {
    const { db } = store();
    await db.set('k', { stats: { n: 1 }, list: [] });
    await expect(db.update('k', 'increment', { 'stats.n': 1 })).rejects.toEqual({ status: 400, message: MSG_INVALID_PATHS });
    await expect(db.update('k', 'append', { 'x.list': [1] })).rejects.toEqual({ status: 400, message: MSG_INVALID_PATHS });
  });

  it('increment/append refuse mismatched types', async () => {
    const { db } = store();
    await db.set('k', { s: 'text', n: 1 });
    await expect(db.update('k', 'increment', { s: 1 })).rejects.toEqual(fail(400, /not a number/));
    await expect(db.update('k', 'increment', { n: '1' })).rejects.toEqual(fail(400, /needs a number/));
    await expect(db.update('k', 'append', { n: [1] })).rejects.toEqual(fail(400, /not an array/));
    await expect(db.update('k', 'append', { s: 'x' })).rejects.toEqual(fail(400, /needs an array/));
  });

  it('set follows dot paths whose parents exist', async () => {
    const { db } = store();
    await db.set('k', { calls: { a: 1 }, top: 1 });
    await db.update('k', 'set', { 'calls.b': { x: '' }, top: 2, fresh: true });
    await expect(db.get('k')).resolves.toEqual({ calls: { a: 1, b: { x: null } }, top: 2, fresh: true });
  });

  it('set refuses a path whose parent is missing, on an existing or a missing key (400, not 404)', async () => {
    const { db } = store();
    await db.set('k', { top: 1 });
    await expect(db.update('k', 'set', { 'calls.123': 1 })).rejects.toEqual({ status: 400, message: MSG_INVALID_PATHS });
    await expect(db.update('k', 'set', { 'top.x': 1 })).rejects.toEqual({ status: 400, message: MSG_INVALID_PATHS });
    await expect(db.update('missing', 'set', { 'calls.123': 1 })).rejects.toEqual({
      status: 400,
      message: 'One or more paths in the attributes are invalid or overlapping with each other',
    });
  });

  it('set on a missing key starts from an empty record', async () => {
    const { db } = store();
    await expect(db.update('fresh', 'set', { a: 1 })).resolves.toEqual({ Updated: true });
    await expect(db.get('fresh')).resolves.toEqual({ a: 1 });
  });

  it('set refuses overlapping paths', async () => {
    const { db } = store();
    await db.set('k', { a: { b: 1 } });
    await expect(db.update('k', 'set', { a: {}, 'a.b': 2 })).rejects.toEqual({ status: 400, message: MSG_INVALID_PATHS });
  });

  it('remove deletes dot paths; on a missing key it fails with 400', async () => {
    const { db } = store();
    await db.set('k', { a: { b: 1, c: 2 }, d: 3 });
    await db.update('k', 'remove', ['a.b', 'd']);
    await expect(db.get('k')).resolves.toEqual({ a: { c: 2 } });
    await expect(db.update('missing', 'remove', ['a'])).rejects.toEqual({
      status: 400,
      message: 'The specified key for remove operation does not exist in the data store',
    });
    await expect(db.update('missing', 'remove', ['a'])).rejects.toEqual({ status: 400, message: MSG_REMOVE_MISSING });
    await expect(db.update('k', 'remove', { a: 1 })).rejects.toEqual(fail(400, /array/));
  });

  it('refuses unknown actions and keeps updatedAt current', async () => {
    const { db, clock } = store();
    await db.set('k', { n: 1 });
    await expect(db.update('k', 'multiply', { n: 2 })).rejects.toEqual(fail(400, /action/));
    clock.advance(1000);
    await db.update('k', 'increment', { n: 1 });
    expect(db.peekRaw('k')).toMatchObject({ createdAt: T0, updatedAt: T0 + 1000 });
  });
});

describe('$db inside the sandbox', () => {
  it('resolves sandbox-realm copies, rejects with plain { status, message } objects, records each operation', async () => {
    const root = makeApp({
      server: handlers({
        callCreate: `
          const value = { list: [1] };
          const created = await $db.set('k', value);
          value.list.push(2);
          const got = await $db.get('k');
          got.list.push(3);
          const again = await $db.get('k');
          let missing;
          try { await $db.get('nope'); } catch (err) { missing = { status: err.status, message: err.message, plain: Object.getPrototypeOf(err) === Object.prototype, isError: err instanceof Error }; }
          renderData(null, { created: created, again: again, isObject: again instanceof Object, isArray: Array.isArray(again.list), missing: missing });`,
      }),
    });
    const rt = new LocalRuntime({ root, clock: new ManualClock(T0) });
    const r = await rt.fireEvent('onCallCreate', {});
    expect(r.problems).toEqual([]);
    expect(r.renderData?.data).toEqual({
      created: { Created: true },
      again: { list: [1] },
      isObject: true,
      isArray: true,
      missing: { status: 404, message: 'Record not found', plain: true, isError: false },
    });
    expect(r.dbOps.map((o) => [o.op, o.key, o.ok])).toEqual([
      ['set', 'k', true],
      ['get', 'k', true],
      ['get', 'k', true],
      ['get', 'nope', false],
    ]);
    expect(rt.db.peek('k')).toEqual({ list: [1] });
  });

  it('reports reserved attribute names as a problem of the invocation', async () => {
    const root = makeApp({ server: handlers({ callCreate: `await $db.set('k', { createdAt: 1, a: 1 }); renderData();` }) });
    const rt = new LocalRuntime({ root, clock: new ManualClock(T0) });
    const r = await rt.fireEvent('onCallCreate', {});
    expect(r.problems.join('\n')).toMatch(/reserved attribute 'createdAt'/);
  });

  it('keeps data across invocations of one runtime (one installation)', async () => {
    const root = makeApp({ server: handlers({ callCreate: `await $db.update('n', 'increment', { n: 1 }); renderData(null, await $db.get('n'));` }) });
    const rt = new LocalRuntime({ root, clock: new ManualClock(T0) });
    await rt.fireEvent('onCallCreate', {});
    const r = await rt.fireEvent('onCallCreate', {});
    expect(r.renderData?.data).toEqual({ n: 2 });
  });
});

describe('$db partitions per product ("key-value data does not cross products in production")', () => {
  const modules = {
    common: {
      functions: { readCall: {} },
      events: { onAppInstall: { handler: 'onAppInstallHandler' }, onScheduledEvent: { handler: 'onScheduledEventHandler' } },
    },
    call: { events: { onCallCreate: { handler: 'onCallCreateHandler' } } },
    caller_conversation: { location: { conversation_card: { url: 'index.html', icon: 'styles/images/icon.svg' } } },
    chat_conversation: { location: { conversation_user_info: { url: 'index.html', icon: 'styles/images/icon.svg' } } },
  };
  const server = handlers({
    callCreate: `await $db.set('call-1', { n: 1 }); await $schedule.create({ name: 'later', data: {}, schedule_at: new Date(Date.now() + 600000).toISOString() }); renderData();`,
    scheduled: `renderData(null, await $db.get('call-1'));`,
    extra: `readCall: async function () { try { renderData(null, await $db.get('call-1')); } catch (err) { renderData(null, { status: err.status }); } },`,
  });

  it('a Freshchat placement cannot read what the Freshcaller call handlers stored; a Freshcaller one can', async () => {
    const clock = new ManualClock(T0);
    const rt = new LocalRuntime({ root: makeApp({ server, modules }), clock });
    expect(rt.products()).toEqual(['freshcaller', 'freshchat']);
    const stored = await rt.fireEvent('onCallCreate', {});
    expect(stored.product).toBe('freshcaller');
    const chat = await rt.invoke('readCall', {}, { module: 'chat_conversation' });
    expect(chat.product).toBe('freshchat');
    expect(chat.renderData?.data).toEqual({ status: 404 });
    const caller = await rt.invoke('readCall', {}, { module: 'caller_conversation' });
    expect(caller.renderData?.data).toEqual({ n: 1 });
    expect(rt.store('freshcaller').peek('call-1')).toEqual({ n: 1 });
    expect(rt.store('chat_conversation').peek('call-1')).toBeUndefined();
    // A scheduled event sees the partition of the invocation that created the schedule.
    const fired = await rt.advance(10 * 60_000);
    expect(fired[0]?.renderData?.data).toEqual({ n: 1 });
  });

  it('requires the calling module for a server method when the app spans several products', async () => {
    const rt = new LocalRuntime({ root: makeApp({ server, modules }), clock: new ManualClock(T0) });
    await expect(rt.invoke('readCall', {})).rejects.toThrow(/say which placement calls the server method/);
    await expect(rt.invoke('readCall', {}, { module: 'nope' })).rejects.toThrow(/not a product module/);
  });

  it('uninstall() runs onAppUninstall and deletes the installation data and schedules', async () => {
    const rt = new LocalRuntime({ root: makeApp({ server, modules }), clock: new ManualClock(T0) });
    await rt.fireEvent('onCallCreate', {});
    expect(rt.schedules()).toHaveLength(1);
    expect(await rt.uninstall()).toBeUndefined(); // no onAppUninstall handler in this manifest
    expect(rt.store('freshcaller').peek('call-1')).toBeUndefined();
    expect(rt.schedules()).toEqual([]);
  });
});
