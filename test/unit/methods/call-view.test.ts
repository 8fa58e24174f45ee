// call-view.ts: a call's record as the Freshcaller card shows it (server/src/methods/contract.ts).
import { viewOfNothing, viewOfRecord, type ViewFacts } from '../../../server/src/methods/call-view';
import { linked, NOW, record, settings } from '../sync/run-state';

function facts(fields: Partial<ViewFacts> = {}): ViewFacts {
  return Object.assign({ rootId: '25847696', now: NOW, settings: settings(), direction: null, ended: false }, fields);
}

describe('viewOfNothing', () => {
  test.each([
    ['Freshcaller does not know the call', false, false, 'unknown', false],
    ['a live call', true, false, 'live', false],
    ['an ended call whose events have not run', true, true, 'pending', true],
  ])('%s: %s', (_label, known, ended, status, canRetry) => {
    const view = viewOfNothing(facts({ ended }), known);
    expect(view).toMatchObject({ status, canRetry, canRelink: false, written: [], failure: null, at: NOW });
  });
});

describe('viewOfRecord', () => {
  test('a synced call: where, why, what was written and nothing pending', () => {
    const r = linked({ status: 'synced', summary: 'written', resolution: 'resolved', csat: { state: 'posted', rating: 4, conversationId: 'c1' }, written: [{ w: 'summary', at: NOW, c: 'c1', d: null }] }).record;
    r.link.reason = 'matched user by phone …0123; most recent open conversation';
    const view = viewOfRecord(r, facts({ direction: 'incoming' }));
    expect(view).toMatchObject({
      status: 'synced',
      direction: 'incoming',
      link: { state: 'linked', conversationId: 'c1', reason: 'matched user by phone …0123; most recent open conversation' },
      written: [{ what: 'summary', at: NOW, conversationId: 'c1', detail: null }],
      pending: [],
      csat: { state: 'posted', rating: 4, conversationId: null },
      canRetry: false,
      canRelink: true,
    });
  });

  test('a rating left behind by a re-link names its conversation', () => {
    const r = linked({ status: 'synced', summary: 'written', csat: { state: 'posted', rating: 4, conversationId: 'c0' } }).record;
    expect(viewOfRecord(r, facts()).csat.conversationId).toBe('c0');
  });

  test('a transient failure: retrying, with when; Retry offered too', () => {
    const r = linked({ status: 'retrying', summary: 'none', failure: { code: 'server', reason: 'Freshchat had a server error', status: 503, permanent: false, at: NOW, nextAt: NOW + 60000 } }).record;
    const view = viewOfRecord(r, facts());
    expect(view.pending).toEqual([{ what: 'retry', at: NOW + 60000 }, { what: 'summary', at: null }]);
    expect(view).toMatchObject({ canRetry: true, failure: { permanent: false, nextAt: NOW + 60000 } });
  });

  test('a permanent failure: nothing pending by itself, Retry offered', () => {
    const r = linked({ status: 'failed', failure: { code: 'forbidden', reason: 'Freshchat refused the API token', status: 403, permanent: true, at: NOW, nextAt: null } }).record;
    expect(viewOfRecord(r, facts())).toMatchObject({ pending: [], canRetry: true, failure: { permanent: true } });
  });

  test('what is still owed, each with when', () => {
    const r = linked({
      status: 'synced', summary: 'written', resolution: 'none', movedFrom: 'c0',
      csat: { state: 'waiting', lookAt: NOW + 600000 }, uncertainFollowUps: ['any::'], uncertainAt: NOW,
    }).record;
    expect(viewOfRecord(r, facts()).pending).toEqual([
      { what: 'check', at: NOW + 60000 },
      { what: 'moved_note', at: null },
      { what: 'resolve', at: null },
      { what: 'csat_look', at: NOW + 600000 },
    ]);
    // a write being checked: re-linking waits
    expect(viewOfRecord(r, facts()).canRelink).toBe(false);
  });

  test('a known rating waits for the resolve with resolve_policy answered', () => {
    const r = linked({ status: 'synced', summary: 'written', resolution: 'none', csat: { state: 'known', rating: 5, key: 5 } }).record;
    expect(viewOfRecord(r, facts()).pending.map((p) => p.what)).toEqual(['resolve', 'csat_post']);
    expect(viewOfRecord(r, facts({ settings: settings({ resolve_policy: 'never' }) })).pending).toEqual([]);
  });

  test('a record the card made while the call was live: live, with the link chosen', () => {
    const r = linked({ status: 'skipped', outcome: null }).record;
    expect(viewOfRecord(r, facts())).toMatchObject({ status: 'live', outcome: null, link: { state: 'linked' }, pending: [] });
  });

  test('an unlinked call: its reason, nothing pending', () => {
    const r = record({ status: 'unlinked', outcome: 'missed', link: { state: 'unlinked', reason: 'no Freshchat user with phone …0123' } });
    // Retry looks for the caller again
    expect(viewOfRecord(r, facts())).toMatchObject({ status: 'unlinked', pending: [], canRetry: true, link: { reason: 'no Freshchat user with phone …0123' } });
  });
});
