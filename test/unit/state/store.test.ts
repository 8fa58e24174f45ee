// state/store.ts over FakePlatform's $db (the store's semantics: tools/runtime/kv-store.ts).
import { callKey, createStore, queueKey, settledKey, StoreError, type QueueItem, type Store } from '../../../server/src/state/store';
import { emptyCallRecord } from '../../../server/src/sync/record';
import { FakePlatform, MSG_REMOVE_MISSING } from '../../support/fake-platform';

function setup(): { platform: FakePlatform; store: Store } {
  const platform = new FakePlatform();
  return { platform, store: createStore(platform.db) };
}

const ITEM: QueueItem = { call: '25847696', kind: 'retry', due: 1000, attempts: 2, since: 500 };

describe('StoreError', () => {
  test.each<[number, boolean]>([
    [429, true],
    [400, false],
    [500, false],
    [0, false],
  ])('status %i: budget %p', (status, budget) => {
    const error = new StoreError('get', status);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'StoreError', operation: 'get', status, budget });
    expect(error.message).toBe('storage get failed (' + (status || 'no status') + ')');
  });
});

describe('call records', () => {
  test('a missing record is null; a saved one reads back', async () => {
    const { platform, store } = setup();
    await expect(store.readRecord('1')).resolves.toBeNull();
    await store.writeRecord('1', Object.assign(emptyCallRecord(), { v: 3, outcome: 'missed' }));
    await expect(store.readRecord('1')).resolves.toMatchObject({ v: 3, outcome: 'missed' });
    expect(platform.dbOps()).toEqual(['get call:1', 'set call:1', 'get call:1']);
    expect(callKey('1')).toBe('call:1');
  });

  test.each<[string, unknown, boolean]>([
    ['the minute budget spent (429)', { status: 429, message: 'Rate limit exceeded' }, true],
    ['a server error', { status: 500, message: 'Internal error' }, false],
    ['a thrown Error without a status', new Error('socket hang up'), false],
  ])('a read refused for %s is a StoreError, never "absent"', async (_label, error, budget) => {
    const { platform, store } = setup();
    platform.failDb('get', error);
    await expect(store.readRecord('1')).rejects.toMatchObject({ name: 'StoreError', operation: 'get', budget });
  });

  test('a write refused is a StoreError', async () => {
    const { platform, store } = setup();
    platform.failDb('set', { status: 429, message: 'Rate limit exceeded' });
    await expect(store.writeRecord('1', emptyCallRecord())).rejects.toMatchObject({ operation: 'set', budget: true });
  });

  test('the budget of the fake platform refuses the 51st operation with 429', async () => {
    const { platform, store } = setup();
    platform.dbBudget = 50;
    for (let i = 0; i < 50; i++) await store.readRecord(String(i));
    await expect(store.readRecord('50')).rejects.toMatchObject({ budget: true });
    platform.newMinute();
    await expect(store.readRecord('50')).resolves.toBeNull();
  });
});

describe('claims', () => {
  test('one claim per version: the first wins, the second is refused', async () => {
    const { platform, store } = setup();
    await expect(store.claim('1', 0, 0, { at: 10, steps: ['post_summary', 'resolve'] })).resolves.toBe(true);
    await expect(store.claim('1', 0, 0, { at: 11, steps: [] })).resolves.toBe(false);
    await expect(store.claim('1', 1, 0, { at: 12, steps: [] })).resolves.toBe(true);
    expect(platform.calls.filter((c) => c.api === 'db').map((c) => [c.args[0], c.args[2]])).toEqual([
      ['lk:1:0', { setIf: 'not_exist', ttl: 172800 }],
      ['lk:1:0', { setIf: 'not_exist', ttl: 172800 }],
      ['lk:1:1', { setIf: 'not_exist', ttl: 172800 }],
    ]);
  });

  test('takeovers use their own keys', async () => {
    const { platform, store } = setup();
    await store.claim('25847696', 4, 1, { at: 1, steps: [] });
    await store.claim('25847696', 4, 2, { at: 1, steps: [] });
    expect(Array.from(platform.store.keys())).toEqual(['lk:25847696:4:1', 'lk:25847696:4:2']);
  });

  test('a claim names the writes under way; readClaim gives them back', async () => {
    const { platform, store } = setup();
    await store.claim('1', 2, 0, { at: 99, steps: ['post_summary', 'resolve'] });
    expect(platform.store.get('lk:1:2')).toEqual({ at: 99, steps: 'post_summary,resolve' });
    await expect(store.readClaim('1', 2, 0)).resolves.toEqual({ at: 99, steps: ['post_summary', 'resolve'] });
  });

  test('a claim naming no writes is stored as "-" (the store refuses empty values) and read as none', async () => {
    const { platform, store } = setup();
    await store.claim('1', 0, 0, { at: 5, steps: [] });
    expect(platform.store.get('lk:1:0')).toEqual({ at: 5, steps: '-' });
    await expect(store.readClaim('1', 0, 0)).resolves.toEqual({ at: 5, steps: [] });
  });

  test('no claim: null; a claim in a shape it cannot read: time 0, no writes', async () => {
    const { platform, store } = setup();
    await expect(store.readClaim('1', 0, 0)).resolves.toBeNull();
    platform.seed('lk:1:0', { at: 'yesterday', steps: 7 });
    await expect(store.readClaim('1', 0, 0)).resolves.toEqual({ at: 0, steps: [] });
  });

  test('a claim expires after two days', async () => {
    const { platform, store } = setup();
    await store.claim('1', 0, 0, { at: 0, steps: [] });
    platform.time += 2 * 86400000 - 1;
    await expect(store.claim('1', 0, 0, { at: 0, steps: [] })).resolves.toBe(false);
    platform.time += 1;
    await expect(store.claim('1', 0, 0, { at: 0, steps: [] })).resolves.toBe(true);
  });

  test.each<[string, unknown, boolean]>([
    ['the budget', { status: 429, message: 'Rate limit exceeded' }, true],
    ['another 400', { status: 400, message: 'The key should not exceed 30 characters' }, false],
  ])('a claim refused for %s is a StoreError, not "taken"', async (_label, error, budget) => {
    const { platform, store } = setup();
    platform.failDb('set', error);
    await expect(store.claim('1', 0, 0, { at: 0, steps: [] })).rejects.toMatchObject({ operation: 'claim', budget });
  });

  test('the phone lock: one run at a time per number, for two minutes', async () => {
    const { platform, store } = setup();
    await expect(store.claimPhone('abcd1234')).resolves.toBe(true);
    await expect(store.claimPhone('abcd1234')).resolves.toBe(false);
    await expect(store.claimPhone('ffff0000')).resolves.toBe(true);
    expect(platform.calls[0]!.args).toEqual(['ph:abcd1234', { at: 1 }, { setIf: 'not_exist', ttl: 120 }]);
    platform.time += 120000;
    await expect(store.claimPhone('abcd1234')).resolves.toBe(true);
  });
});

describe('app:state: the app cache and the drain bookkeeping, one read', () => {
  test('missing: nothing known', async () => {
    const { store } = setup();
    await expect(store.readAppState()).resolves.toEqual({
      cache: { appId: null, agents: {}, variant: null },
      drain: { head: null, reconciledTo: null, backlog: null },
    });
  });

  test('the cache is written attribute by attribute (update set), and reads back', async () => {
    const { platform, store } = setup();
    await store.writeCache({ appId: 'app-1', variant: 'national', agents: { '67030': { chat: 'chat-ava', name: 'Ava', at: 5 } } });
    expect(platform.dbOps()).toEqual(['update app:state']);
    await expect(store.readAppState()).resolves.toMatchObject({ cache: { appId: 'app-1', variant: 'national', agents: { '67030': { chat: 'chat-ava', name: 'Ava', at: 5 } } } });
  });

  test('nothing learned: nothing written', async () => {
    const { platform, store } = setup();
    await store.writeCache({});
    expect(platform.dbOps()).toEqual([]);
  });

  test('an agent with no Freshchat match or no name is kept without the empty fields (the store would turn them into null)', async () => {
    const { platform, store } = setup();
    await store.writeCache({ agents: { '67031': { chat: null, name: null, at: 9 } } });
    expect(platform.store.get('app:state')).toEqual({ a67031: { at: 9 } });
    await expect(store.readAppState()).resolves.toMatchObject({ cache: { agents: { '67031': { chat: null, name: null, at: 9 } } } });
  });

  test('agents trimmed from the cache are removed; the drain fields and other agents stay', async () => {
    const { store } = setup();
    await store.writeDrainState({ head: 12, reconciledTo: 30, backlog: 2 });
    await store.writeCache({ agents: { '1': { chat: 'c1', name: 'One', at: 1 }, '2': { chat: 'c2', name: 'Two', at: 2 } } });
    await store.writeCache({ agents: { '3': { chat: 'c3', name: 'Three', at: 3 } }, dropAgents: ['1'] });
    const state = await store.readAppState();
    expect(Object.keys(state.cache.agents).sort()).toEqual(['2', '3']);
    expect(state.drain).toEqual({ head: 12, reconciledTo: 30, backlog: 2 });
  });

  test('the drain writes only its own fields: an agent cached meanwhile survives it', async () => {
    const { store } = setup();
    await store.writeCache({ appId: 'app-1', agents: { '67030': { chat: 'chat-ava', name: 'Ava', at: 5 } } });
    await store.writeDrainState({ head: null, reconciledTo: null, backlog: null });
    await expect(store.readAppState()).resolves.toEqual({
      cache: { appId: 'app-1', agents: { '67030': { chat: 'chat-ava', name: 'Ava', at: 5 } }, variant: null },
      drain: { head: null, reconciledTo: null, backlog: null },
    });
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["an app id stored as '' (null)", { appId: null }, { appId: null }],
    ['an app id that is not text', { appId: 7 }, { appId: null }],
    ['an agent that is not an object', { a1: 'x', a2: { chat: 'c', at: 1 } }, { agents: { '2': { chat: 'c', name: null, at: 1 } } }],
    ['attributes that are not agents', { abc: { chat: 'c', at: 1 }, dh: 3 }, { agents: {} }],
  ])('reads %s', async (_label, stored, expected) => {
    const { platform, store } = setup();
    platform.seed('app:state', stored);
    await expect(store.readAppState()).resolves.toMatchObject({ cache: expected });
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['drain fields that are not finite positive numbers', { dh: 'x', dr: -1, db: 3 }, { head: null, reconciledTo: null, backlog: 3 }],
    ['0 as "none"', { dh: 0, dr: 0, db: 0 }, { head: null, reconciledTo: null, backlog: null }],
  ])('reads %s', async (_label, stored, expected) => {
    const { platform, store } = setup();
    platform.seed('app:state', stored);
    await expect(store.readAppState()).resolves.toMatchObject({ drain: expected });
  });
});

describe('remembered callers', () => {
  test('an entry is one key per keyed hash, kept 30 days; round trip', async () => {
    const { platform, store } = setup();
    await store.writeCaller('0123456789abcdef', { user: 'u-1', conversation: 'c-1', at: 7, agent: null });
    expect(platform.calls[0]!.args).toEqual(['cc:0123456789abcdef', { u: 'u-1', c: 'c-1', at: 7 }, { ttl: 30 * 86400 }]);
    await expect(store.readCaller('0123456789abcdef')).resolves.toEqual({ user: 'u-1', conversation: 'c-1', at: 7, agent: null });
  });

  test('a user with no conversation yet is stored with a marker (the store turns empty values into null)', async () => {
    const { store } = setup();
    await store.writeCaller('k', { user: 'u-1', conversation: null, at: 7, agent: null });
    await expect(store.readCaller('k')).resolves.toEqual({ user: 'u-1', conversation: null, at: 7, agent: null });
  });

  test.each<[string, Record<string, unknown>]>([
    ['no user', { c: 'c-1', at: 1 }],
    ['an empty user', { u: '', c: 'c-1', at: 1 }],
  ])('an entry with %s is not remembered', async (_label, stored) => {
    const { platform, store } = setup();
    platform.seed('cc:k', stored);
    await expect(store.readCaller('k')).resolves.toBeNull();
  });

  test('missing: null', async () => {
    const { store } = setup();
    await expect(store.readCaller('k')).resolves.toBeNull();
  });

  test('the agent of the call that wrote it rides along, and reads back; one without a Freshchat match too', async () => {
    const { store } = setup();
    const entry = { user: 'u-1', conversation: 'c-1', at: 7, agent: { id: '67030', link: { chat: 'chat-ava', name: 'Ava', at: 5 } } };
    await store.writeCaller('k', entry);
    await expect(store.readCaller('k')).resolves.toEqual(entry);
    const nomatch = Object.assign({}, entry, { agent: { id: '67031', link: { chat: null, name: null, at: 5 } } });
    await store.writeCaller('k2', nomatch);
    await expect(store.readCaller('k2')).resolves.toEqual(nomatch);
  });

  test('an agent that is not an agent id is not used', async () => {
    const { platform, store } = setup();
    platform.seed('cc:k', { u: 'u-1', c: 'c-1', at: 1, ag: 'x', al: { chat: 'c', at: 1 } });
    await expect(store.readCaller('k')).resolves.toMatchObject({ agent: null });
  });
});

describe('a call record created by its first run, the claim inside it', () => {
  const record = emptyCallRecord();

  test('created with setIf not_exist; read back with the claim apart from the record', async () => {
    const { platform, store } = setup();
    await expect(store.createRecord('25847696', record, { at: 5, steps: ['post_summary', 'resolve'] })).resolves.toBe(true);
    expect(platform.calls[0]!.args[2]).toEqual({ setIf: 'not_exist' });
    const stored = await store.readStored('25847696');
    expect(stored).toEqual({ record, claim: { at: 5, steps: ['post_summary', 'resolve'] } });
    await expect(store.readRecord('25847696')).resolves.toEqual(record);
  });

  test('a record that exists is not created again', async () => {
    const { store } = setup();
    await store.writeRecord('25847696', Object.assign({}, record, { v: 3 }));
    await expect(store.createRecord('25847696', record, { at: 5, steps: [] })).resolves.toBe(false);
    await expect(store.readStored('25847696')).resolves.toMatchObject({ record: { v: 3 }, claim: null });
  });

  test('the save that follows leaves no claim behind', async () => {
    const { store } = setup();
    await store.createRecord('25847696', record, { at: 5, steps: ['post_summary'] });
    await store.writeRecord('25847696', Object.assign({}, record, { v: 1 }));
    await expect(store.readStored('25847696')).resolves.toMatchObject({ record: { v: 1 }, claim: null });
  });
});

describe('the deferred-work queue', () => {
  test('an item is one attribute of its slot, added with one update set and no read', async () => {
    const { platform, store } = setup();
    await store.putQueueItem(7, ITEM.call, ITEM);
    await store.putQueueItem(7, '25847700', Object.assign({}, ITEM, { call: '25847700', kind: 'look' as const }));
    expect(platform.dbOps()).toEqual(['update q:7', 'update q:7']);
    expect(platform.store.get('q:7')).toEqual({
      c25847696: { i: '25847696', k: 'r', d: 1000, n: 2, s: 500 },
      c25847700: { i: '25847700', k: 'l', d: 1000, n: 2, s: 500 },
    });
    expect(queueKey(7)).toBe('q:7');
  });

  test('a second put of the same call replaces the first', async () => {
    const { store } = setup();
    await store.putQueueItem(7, ITEM.call, ITEM);
    await store.putQueueItem(7, ITEM.call, Object.assign({}, ITEM, { attempts: 3, due: 2000 }));
    await expect(store.readQueueSlot(7)).resolves.toEqual({ '25847696': Object.assign({}, ITEM, { attempts: 3, due: 2000 }) });
  });

  test('read back by call id; an empty or missing slot has no items', async () => {
    const { store } = setup();
    await store.putQueueItem(7, ITEM.call, ITEM);
    await expect(store.readQueueSlot(7)).resolves.toEqual({ '25847696': ITEM });
    await expect(store.readQueueSlot(8)).resolves.toEqual({});
  });

  test('attributes it cannot read are skipped; missing numbers read as 0; no id: the attribute name', async () => {
    const { platform, store } = setup();
    platform.seed('q:7', {
      c1: { i: '1', k: 'l', d: 5 },
      c2: 'not an item',
      x3: { i: '3', k: 'r', d: 5, n: 0, s: 0 },
      cabc: { k: 'r' },
      // an id that is not a call id: dropped rather than run with a guessed one
      c4: { i: 'not digits', k: 'r', d: 9, n: 1, s: 1 },
      c5: { k: 'r', d: 9, n: 1, s: 1 },
      createdAt: 1,
    });
    await expect(store.readQueueSlot(7)).resolves.toEqual({
      '1': { call: '1', kind: 'look', due: 5, attempts: 0, since: 0 },
      '5': { call: '5', kind: 'retry', due: 9, attempts: 1, since: 1 },
    });
  });

  test('a slot at the size limit refuses the put with a StoreError that is not the budget', async () => {
    const { platform, store } = setup();
    let slot: Record<string, unknown> = {};
    for (let i = 0; JSON.stringify(slot).length < 8150; i++) slot = Object.assign(slot, { ['c' + (1000000 + i)]: { i: String(1000000 + i), k: 'r', d: 1793628000000, n: 1, s: 1793628000000 } });
    platform.seed('q:7', slot);
    await expect(store.putQueueItem(7, ITEM.call, ITEM)).rejects.toMatchObject({ name: 'StoreError', operation: 'update', status: 400, budget: false });
  });

  test('removing items takes them out of their slot', async () => {
    const { store } = setup();
    await store.putQueueItem(7, '1', Object.assign({}, ITEM, { call: '1' }));
    await store.putQueueItem(7, '2', Object.assign({}, ITEM, { call: '2' }));
    await store.removeQueueItems(7, ['1']);
    await expect(store.readQueueSlot(7)).resolves.toEqual({ '2': Object.assign({}, ITEM, { call: '2' }) });
  });

  test('removing nothing costs nothing', async () => {
    const { platform, store } = setup();
    await store.removeQueueItems(7, []);
    expect(platform.calls).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['a slot that does not exist (another drain removed it)', null],
    ['a 404', { status: 404, message: 'Record not found' }],
  ])('removing from %s is done, not an error', async (_label, error) => {
    const { platform, store } = setup();
    if (error) platform.failDb('update', error);
    await expect(store.removeQueueItems(7, ['1'])).resolves.toBeUndefined();
    if (!error) expect(platform.calls.length).toBe(1);
  });

  test('the store\'s own answer to a remove on a missing key is what is tolerated', async () => {
    const { platform } = setup();
    await expect(platform.db.update('q:9', 'remove', ['c1'])).rejects.toEqual({ status: 400, message: MSG_REMOVE_MISSING });
  });

  test.each<[string, unknown, boolean]>([
    ['the budget', { status: 429, message: 'Rate limit exceeded' }, true],
    ['another 400', { status: 400, message: 'One or more paths in the attributes are invalid' }, false],
  ])('a remove refused for %s is a StoreError', async (_label, error, budget) => {
    const { platform, store } = setup();
    platform.failDb('update', error);
    await expect(store.removeQueueItems(7, ['1'])).rejects.toMatchObject({ operation: 'update', budget });
  });
});

describe('the settled index', () => {
  test('one attribute per settled call, one read per slot', async () => {
    const { platform, store } = setup();
    await store.markSettled(3, '25847696');
    await store.markSettled(3, '25847700');
    await store.markSettled(3, '25847696');
    await expect(store.readSettled(3)).resolves.toEqual(['25847696', '25847700']);
    await expect(store.readSettled(4)).resolves.toEqual([]);
    expect(platform.dbOps()).toEqual(['update rc:3', 'update rc:3', 'update rc:3', 'get rc:3', 'get rc:4']);
    expect(settledKey(3)).toBe('rc:3');
  });

  test('attributes that are not calls are ignored', async () => {
    const { platform, store } = setup();
    platform.seed('rc:3', { c1: 1, v: 1 });
    await expect(store.readSettled(3)).resolves.toEqual(['1']);
  });
});

describe('rejected payloads', () => {
  test('recorded by call id with the failing paths, never a value', async () => {
    const { platform, store } = setup();
    await store.recordRejectedPayload('25847696', 'onCallUpdate', ['data.call.direction', 'data.call.id'], 7);
    expect(platform.store.get('bad:25847696')).toEqual({ event: 'onCallUpdate', paths: 'data.call.direction, data.call.id', at: 7 });
  });

  test('no call id: bad:unknown; a long id is cut to the key limit; paths are capped', async () => {
    const { platform, store } = setup();
    await store.recordRejectedPayload(null, 'onCallCreate', [], 1);
    await store.recordRejectedPayload('1'.repeat(40), 'onCallCreate', Array.from({ length: 300 }, (_, i) => 'data.call.participants.' + i), 1);
    expect(Array.from(platform.store.keys())).toEqual(['bad:unknown', 'bad:' + '1'.repeat(26)]);
    expect((platform.store.get('bad:' + '1'.repeat(26))!.paths as string).length).toBe(1000);
    // '' is stored as null
    expect(platform.store.get('bad:unknown')).toEqual({ event: 'onCallCreate', paths: null, at: 1 });
  });
});
