// record.ts: reading a stored call record back, with the store's quirks ('' and NaN come back as
// null, empty arrays are dropped) and shapes this version cannot read.
import { createStore } from '../../../server/src/state/store';
import { emptyCallRecord, readCallRecord, type CallRecord } from '../../../server/src/sync/record';
import { FakePlatform } from '../../support/fake-platform';

function full(): CallRecord {
  return {
    v: 7,
    status: 'synced',
    outcome: 'answered',
    created: 1793628300000,
    seen: '2026-11-02T14:08:24.000+00:00',
    link: { state: 'linked', conversationId: 'c1', userId: 'u1', reason: 'matched user by phone …0123; most recent open conversation', ambiguous: true, sharedBy: 2, by: 'agent' },
    movedFrom: 'c0',
    summary: 'written',
    actorId: 'agent-ava',
    agentName: 'Ava Parker',
    notesFp: '0badf00d',
    recordingFp: 'cafe0123',
    resolution: 'resolved',
    csat: { state: 'posted', rating: 4, key: 4, looks: 1, lookAt: null, conversationId: 'c0', inSummary: false },
    transfers: [{ leg: '25847697', agentName: 'Dan', durationSeconds: 42, written: true }],
    uncertain: ['reopen'],
    uncertainFollowUps: ['notes:0badf00d:0badf00d'],
    uncertainAt: 1793628360000,
    failure: { code: 'server', reason: 'Freshchat had a server error', status: 503, permanent: false, at: 1, nextAt: 2 },
    written: [{ w: 'summary', at: 1793628300000, c: 'c0', d: null }, { w: 'follow_up', at: 1793628360000, c: 'c0', d: 'recording' }],
  };
}

describe('readCallRecord', () => {
  test('a record as saved reads back as it was', () => {
    expect(readCallRecord(full())).toEqual(full());
  });

  test('through the store: the empty record and a full one survive its quirks unchanged', async () => {
    const platform = new FakePlatform();
    const store = createStore(platform.db);
    await store.writeRecord('1', emptyCallRecord());
    await store.writeRecord('2', full());
    // what the store keeps: no empty arrays
    expect(Object.keys(platform.store.get('call:1')!)).not.toContain('transfers');
    await expect(store.readRecord('1')).resolves.toEqual(emptyCallRecord());
    await expect(store.readRecord('2')).resolves.toEqual(full());
  });

  test.each<[string, (r: Record<string, unknown>) => void, (r: CallRecord) => void]>([
    ['transfers dropped (empty array)', (r) => { delete r.transfers; }, (r) => { r.transfers = []; }],
    ['uncertain dropped', (r) => { delete r.uncertain; }, (r) => { r.uncertain = []; }],
    ['uncertainFollowUps dropped', (r) => { delete r.uncertainFollowUps; }, (r) => { r.uncertainFollowUps = []; }],
    ["'' stored as null: seen", (r) => { r.seen = null; }, (r) => { r.seen = null; }],
    ["'' stored as null: the link's reason", (r) => { (r.link as Record<string, unknown>).reason = null; }, (r) => { r.link.reason = null; }],
    ["'' stored as null: an agent name", (r) => { r.agentName = null; }, (r) => { r.agentName = null; }],
    ['NaN stored as null: looks', (r) => { (r.csat as Record<string, unknown>).looks = null; }, (r) => { r.csat.looks = 0; }],
    ['null where a state belongs: the default state', (r) => { r.summary = null; r.resolution = null; }, (r) => { r.summary = 'none'; r.resolution = 'none'; }],
    ['null link: the default link', (r) => { r.link = null; }, (r) => { r.link = emptyCallRecord().link; }],
    ['a link missing parts: those parts default', (r) => { r.link = { state: 'linked', conversationId: 'c1' }; }, (r) => { r.link = { state: 'linked', conversationId: 'c1', userId: null, reason: null, ambiguous: false, sharedBy: 0, by: null }; }],
    ['written dropped (empty array)', (r) => { delete r.written; }, (r) => { r.written = []; }],
    ['no movedFrom (a record from before re-linking existed): null', (r) => { delete r.movedFrom; }, (r) => { r.movedFrom = null; }],
    ['no csat: the default', (r) => { delete r.csat; }, (r) => { r.csat = emptyCallRecord().csat; }],
    ['no status (derived): pending', (r) => { delete r.status; }, (r) => { r.status = 'pending'; }],
    ['no failure', (r) => { delete r.failure; }, (r) => { r.failure = null; }],
    ['no uncertainAt (a record from before it existed): null', (r) => { delete r.uncertainAt; }, (r) => { r.uncertainAt = null; }],
    ['NaN stored as null: uncertainAt', (r) => { r.uncertainAt = null; }, (r) => { r.uncertainAt = null; }],
  ])('%s', (_label, stored, expected) => {
    const value = JSON.parse(JSON.stringify(full())) as Record<string, unknown>;
    stored(value);
    const want = full();
    expected(want);
    expect(readCallRecord(value)).toEqual(want);
  });

  test('fields this version does not know are kept (a newer version may have written them)', () => {
    expect(readCallRecord(Object.assign(full(), { sidebarNote: 'x' }))).toMatchObject({ sidebarNote: 'x', v: 7 });
  });

  test.each<[string, unknown]>([
    ['nothing', undefined],
    ['null', null],
    ['text', 'call'],
    ['a number', 42],
    ['an array', [full()]],
    ['an unknown link state', Object.assign(full(), { link: Object.assign(full().link, { state: 'maybe' }) })],
    ['an unknown csat state', Object.assign(full(), { csat: Object.assign(full().csat, { state: 'to_post' }) })],
    ['an unknown uncertain write', Object.assign(full(), { uncertain: ['everything'] })],
    ['a negative version', Object.assign(full(), { v: -1 })],
    ['a fractional version', Object.assign(full(), { v: 1.5 })],
    ['a link that is an array', Object.assign(full(), { link: ['c1'] })],
    ['a transfer without its leg', Object.assign(full(), { transfers: [{ agentName: 'Dan', durationSeconds: 4, written: false }] })],
  ])('a shape it cannot read (%s) starts afresh rather than crashing', (_label, value) => {
    expect(readCallRecord(value)).toEqual(emptyCallRecord());
  });

  test('the empty record is a fresh object each time', () => {
    const a = emptyCallRecord();
    a.transfers.push({ leg: '1', agentName: null, durationSeconds: null, written: false });
    expect(emptyCallRecord().transfers).toEqual([]);
  });
});

describe('readCallRecord: records of the first version are read into the states they stand for', () => {
  const FIRST = { v: 2, conversationId: 'c1', reason: 'matched', ambiguous: false, linkedBy: 'app', unlinked: false, outcome: 'answered', summary: true, pendingSummary: false, resolved: true, reopened: false, csat: 'posted', csatRating: 4, csatKey: 4, seen: '2026-11-02T14:08:24.000+00:00', error: null };
  const first = (fields: Record<string, unknown> = {}): Record<string, unknown> => Object.assign({}, FIRST, fields);

  test('a synced call: linked, summary written, resolved, rating posted (never written twice)', () => {
    expect(readCallRecord(first())).toMatchObject({
      v: 2,
      outcome: 'answered',
      seen: '2026-11-02T14:08:24.000+00:00',
      link: { state: 'linked', conversationId: 'c1', userId: null, reason: 'matched', ambiguous: false, by: 'app' },
      summary: 'written',
      resolution: 'resolved',
      csat: { state: 'posted', rating: 4, key: 4, looks: 0, lookAt: null },
      uncertain: [],
      uncertainFollowUps: [],
      uncertainAt: null,
      transfers: [],
      status: 'pending',
      failure: null,
    });
  });

  test.each<[string, Record<string, unknown>, Partial<CallRecord> | Record<string, unknown>]>([
    ['a summary whose write was under way: uncertain, checked before it is redone', { pendingSummary: true }, { summary: 'written', uncertain: ['summary'] }],
    ['no summary yet: owed', { summary: false }, { summary: 'none' }],
    ['a link an agent made', { linkedBy: 'agent', ambiguous: true }, { link: { state: 'linked', conversationId: 'c1', by: 'agent', ambiguous: true } }],
    ['no conversation, left unlinked', { conversationId: null, unlinked: true }, { link: { state: 'unlinked', conversationId: null, by: null } }],
    ['no conversation yet', { conversationId: '', unlinked: false, summary: false }, { link: { state: 'none', conversationId: null } }],
    ['reopened', { resolved: false, reopened: true }, { resolution: 'reopened' }],
    ['neither resolved nor reopened', { resolved: false, reopened: false }, { resolution: 'none' }],
    ['a rating to post: known', { csat: 'to_post' }, { csat: { state: 'known', rating: 4, key: 4 } }],
    ['a rating waited for', { csat: 'waiting' }, { csat: { state: 'waiting' } }],
    ['a rating noted', { csat: 'noted' }, { csat: { state: 'noted' } }],
    ['no rating', { csat: 'none' }, { csat: { state: 'none' } }],
    ['a rating state it never had: unknown (read again)', { csat: 'sideways' }, { csat: { state: 'unknown' } }],
    [
      'transfers: posted ones written, the others owed',
      { transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, posted: true }, { leg: '3', agentName: 'Eve', durationSeconds: 9, posted: false }] },
      { transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: true }, { leg: '3', agentName: 'Eve', durationSeconds: 9, written: false }] },
    ],
  ])('%s', (_label, fields, expected) => {
    expect(readCallRecord(first(fields))).toMatchObject(expected);
  });

  test('through the store: a first-version record reads into its states', async () => {
    const platform = new FakePlatform();
    platform.store.set('call:9', first({ error: '' }));
    const store = createStore(platform.db);
    await expect(store.readRecord('9')).resolves.toMatchObject({ summary: 'written', link: { state: 'linked', conversationId: 'c1' }, resolution: 'resolved', csat: { state: 'posted' } });
  });
});
