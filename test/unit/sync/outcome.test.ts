// outcome.ts: a run's result as data, and the one log line rendered from it.
import { isError, outcome, renderOutcome, RUN_CODES, type RunCode } from '../../../server/src/sync/outcome';

describe('outcome', () => {
  test('defaults: no steps, no failure, no detail, no retry', () => {
    expect(outcome('nothing', '1')).toEqual({ code: 'nothing', callId: '1', steps: [], failure: null, detail: null, retryAt: null });
  });

  test('fields given are kept', () => {
    expect(outcome('synced', '1', { steps: ['link'], detail: 'why' })).toMatchObject({ code: 'synced', steps: ['link'], detail: 'why' });
  });
});

describe('renderOutcome', () => {
  test.each(RUN_CODES.map((code) => [code]))('the code %s is the second word, then the call', (code) => {
    const line = renderOutcome('onCallUpdate', outcome(code as RunCode, '25847696', { detail: 'a detail' }));
    expect(line.split(' ').slice(0, 4)).toEqual(['onCallUpdate', code, 'call', '25847696:']);
  });

  test('every part, in order', () => {
    const line = renderOutcome(
      'onCallUpdate',
      outcome('deferred', '25847696', {
        steps: ['link', 'post_summary'],
        detail: 'retry queued',
        failure: { code: 'server', reason: 'Freshchat had a server error', status: 503, permanent: false },
        retryAt: Date.UTC(2026, 10, 2, 14, 11),
      }),
      'call 25847696 · incoming',
    );
    expect(line).toBe(
      'onCallUpdate deferred call 25847696: call 25847696 · incoming · steps link, post_summary · retry queued · failed: Freshchat had a server error (server 503) · retry at 2026-11-02T14:11:00.000Z',
    );
  });

  test('a failure without a status leaves the status out', () => {
    expect(renderOutcome('s', outcome('failed', '1', { failure: { code: 'gave_up', reason: 'r', status: 0, permanent: true } }))).toBe('s failed call 1: failed: r (gave_up)');
  });

  test('no call id reads as unknown; nothing more, no colon', () => {
    expect(renderOutcome('onScheduledEvent', outcome('nothing', null))).toBe('onScheduledEvent nothing call unknown');
  });

  test('never a phone number: the line is built from ids, codes and what it is given', () => {
    const line = renderOutcome('onCallUpdate', outcome('unlinked', '25847700', { detail: 'no Freshchat user with phone …0199', steps: ['link'] }));
    expect(line).not.toMatch(/\+?\d{3}\D?\d{3}\D?\d{4}/);
    expect(line.split(' ')[1]).toBe('unlinked');
  });
});

describe('isError', () => {
  const errors: RunCode[] = ['failed', 'rejected', 'deferred', 'storage_deferred'];
  test.each(RUN_CODES.map((code) => [code, errors.indexOf(code) >= 0]))('%s → %p', (code, expected) => {
    expect(isError(outcome(code as RunCode, '1'))).toBe(expected);
  });
});
