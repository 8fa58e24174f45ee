import type { PlatformDb } from '../../../server/src/platform/types';
import { emptyCallRecord, readCallRecordValue, type CallRecord } from '../../../server/src/state/call-record';
import { callKey, createCallStore, StoreError, type AppCache } from '../../../server/src/state/call-store';
import { recordWith } from '../../support/fakes';
import { FakePlatform } from '../../support/fake-platform';

function setup(db?: Partial<PlatformDb>) {
  const platform = new FakePlatform();
  const store = createCallStore(Object.assign({}, platform.db, db || {}));
  return { platform, store };
}

function dbOps(platform: FakePlatform): Array<[string, unknown]> {
  return platform.calls.filter((c) => c.api === 'db').map((c) => [c.op, c.args[0]]);
}

const WRITTEN: CallRecord = recordWith({
  v: 2,
  conversationId: 'conv-1',
  reason: 'matched user by phone \u20260123; most recent open conversation',
  linkedBy: 'app',
  outcome: 'answered',
  summary: true,
  actorId: 'chat-ava',
  agentName: 'Ava Parker',
  notesFp: '0a1b2c3d',
  resolved: true,
  csat: 'posted',
  csatRating: 4,
  csatKey: 4,
  transfers: [{ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70, posted: true }],
  seen: '2026-11-02T14:08:24.000+00:00',
});

describe('call store: records', () => {
  test('a call never stored reads as null (404 means absent), in one operation', async () => {
    const { platform, store } = setup();
    await expect(store.read('25847696')).resolves.toBeNull();
    expect(dbOps(platform)).toEqual([['get', 'call:25847696']]);
  });

  test.each([
    ['a server error', { status: 500, message: 'Internal error' }, 500, 'storage get failed (500)'],
    ['a rate limit', { status: 429, message: 'Too many requests' }, 429, 'storage get failed (429)'],
    ['a failure without a status', new Error('socket hang up'), 0, 'storage get failed (no status)'],
  ])('%s on read is a StoreError, never "absent"', async (_label, failure, status, message) => {
    const { store } = setup({ get: () => Promise.reject(failure) });
    const error = await store.read('25847696').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ name: 'StoreError', operation: 'get', status, message });
  });

  test('a record written reads back the same, under a key of at most 30 characters', async () => {
    const { platform, store } = setup();
    await store.write('25847696', WRITTEN);
    await expect(store.read('25847696')).resolves.toEqual(WRITTEN);
    expect(callKey('25847696')).toBe('call:25847696');
    expect(callKey('9'.repeat(20)).length).toBeLessThanOrEqual(30);
    expect(JSON.stringify(platform.store.get('call:25847696')).length).toBeLessThan(8192);
  });

  test('a failed write is a StoreError', async () => {
    const { store } = setup({ set: () => Promise.reject({ status: 400, message: 'Value too large' }) });
    await expect(store.write('1', WRITTEN)).rejects.toMatchObject({ name: 'StoreError', operation: 'set', status: 400 });
  });

  test('the store\'s quirks (null for empty strings, arrays and booleans lost) are undone on read', async () => {
    const { platform, store } = setup();
    platform.store.set('call:25847696', {
      v: 3,
      conversationId: 'conv-1',
      reason: null,
      ambiguous: null,
      linkedBy: 'app',
      unlinked: null,
      summary: true,
      agentName: null,
      resolved: true,
      csat: 'none',
      transfers: null,
      seen: '2026-11-02T14:08:24.000+00:00',
    });
    await expect(store.read('25847696')).resolves.toEqual(
      recordWith({ v: 3, conversationId: 'conv-1', linkedBy: 'app', summary: true, resolved: true, csat: 'none', seen: '2026-11-02T14:08:24.000+00:00' }),
    );
  });

  test.each([
    ['a version that is not a number', { v: 'two', summary: true }],
    ['a CSAT state this version does not know', { v: 2, csat: 'surveyed' }],
    ['a transfer without its leg', { v: 2, transfers: [{ agentName: 'Dan', posted: true }] }],
  ])('an unreadable stored record (%s) is treated as a new record', async (_label, value) => {
    const { platform, store } = setup();
    platform.store.set('call:1', value);
    await expect(store.read('1')).resolves.toEqual(emptyCallRecord());
  });

  test('unknown attributes of a stored record are kept', () => {
    expect(readCallRecordValue(Object.assign({}, WRITTEN, { movedFrom: 'conv-0' }))).toMatchObject({ movedFrom: 'conv-0', v: 2 });
  });

  test.each([null, 'text', 42])('a stored value that is not an object (%p) cannot be read', (value) => {
    expect(readCallRecordValue(value)).toBeNull();
  });
});

describe('call store: claims', () => {
  test('one claim per version: true, then false for the same version, true for the next', async () => {
    const { platform, store } = setup();
    await expect(store.claim('25847696', 0)).resolves.toBe(true);
    await expect(store.claim('25847696', 0)).resolves.toBe(false);
    await expect(store.claim('25847696', 1)).resolves.toBe(true);
    await expect(store.claim('25847697', 0)).resolves.toBe(true);
    const sets = platform.calls.filter((c) => c.op === 'set');
    expect(sets.map((c) => [c.args[0], c.args[2]])).toEqual([
      ['lk:25847696:0', { setIf: 'not_exist', ttl: 60 }],
      ['lk:25847696:0', { setIf: 'not_exist', ttl: 60 }],
      ['lk:25847696:1', { setIf: 'not_exist', ttl: 60 }],
      ['lk:25847697:0', { setIf: 'not_exist', ttl: 60 }],
    ]);
    for (const set of sets) expect(String(set.args[0]).length).toBeLessThanOrEqual(30);
  });

  test.each([
    ['a validation error with status 400', { status: 400, message: 'Key too long' }, 400],
    ['a server error', { status: 503, message: 'Unavailable' }, 503],
    ['a 400 without any message', { status: 400 }, 400],
  ])('%s on claim is a StoreError, not a lost claim', async (_label, failure, status) => {
    const { store } = setup({ set: () => Promise.reject(failure) });
    await expect(store.claim('1', 0)).rejects.toMatchObject({ name: 'StoreError', operation: 'claim', status });
  });
});

describe('call store: the app cache', () => {
  test('nothing stored yet: no app id and no agents', async () => {
    const { store } = setup();
    await expect(store.readCache()).resolves.toEqual({ appId: null, agents: {} });
  });

  test('round trip of an app id and agents', async () => {
    const { platform, store } = setup();
    const cache: AppCache = { appId: 'app-1', agents: { '67030': { chat: 'chat-ava', name: 'Ava Parker', at: 1 }, '67031': { chat: null, name: null, at: 2 } } };
    await store.writeCache(cache);
    await expect(store.readCache()).resolves.toEqual(cache);
    expect(dbOps(platform)).toEqual([['set', 'app:cache'], ['get', 'app:cache']]);
  });

  test('an empty agents map is not stored (the store refuses empty values)', async () => {
    const { platform, store } = setup();
    await store.writeCache({ appId: 'app-1', agents: {} });
    expect(platform.store.get('app:cache')).toEqual({ appId: 'app-1' });
    await expect(store.readCache()).resolves.toEqual({ appId: 'app-1', agents: {} });
  });

  test('agents cached before any app id was known leave the app id unknown', async () => {
    const { store } = setup();
    const cache: AppCache = { appId: null, agents: { '67030': { chat: 'chat-ava', name: 'Ava Parker', at: 1 } } };
    await store.writeCache(cache);
    await expect(store.readCache()).resolves.toEqual(cache);
  });

  test('a cache with nothing known is not written at all (the store refuses an empty value)', async () => {
    const { platform, store } = setup();
    await store.writeCache({ appId: null, agents: {} });
    expect(platform.calls).toEqual([]);
  });

  test('a stored cache with odd attributes reads as empty', async () => {
    const { platform, store } = setup();
    platform.store.set('app:cache', { appId: 7, agents: 'none' });
    await expect(store.readCache()).resolves.toEqual({ appId: null, agents: {} });
  });

  test('a failing cache read is a StoreError', async () => {
    const { store } = setup({ get: () => Promise.reject({ status: 502 }) });
    await expect(store.readCache()).rejects.toBeInstanceOf(StoreError);
  });
});

describe('call store: rejected payloads', () => {
  test('recorded under bad:<call id> with the failing paths and time, nothing else', async () => {
    const { platform, store } = setup();
    await store.recordRejectedPayload('25847696', 'onCallUpdate', ['data.call.direction', 'data.call.id'], 123);
    expect(platform.store.get('bad:25847696')).toEqual({ event: 'onCallUpdate', paths: 'data.call.direction, data.call.id', at: 123 });
  });

  test.each([
    [null, 'bad:unknown'],
    ['1'.repeat(40), 'bad:' + '1'.repeat(26)],
  ])('the key stays within 30 characters (call id %p)', async (callId, key) => {
    const { platform, store } = setup();
    await store.recordRejectedPayload(callId, 'onCallCreate', ['data'], 1);
    expect(Array.from(platform.store.keys())).toEqual([key]);
    expect(key.length).toBeLessThanOrEqual(30);
  });

  test('a very long list of paths is cut to 1000 characters', async () => {
    const { platform, store } = setup();
    const paths = Array.from({ length: 200 }, (_v, i) => 'data.call.participants.' + i + '.call_status');
    await store.recordRejectedPayload('1', 'onCallUpdate', paths, 1);
    expect(String((platform.store.get('bad:1') as { paths: string }).paths).length).toBe(1000);
  });
});
