import { onCallCreate } from '../../server/src/handlers/on-call-create';
import { onCallUpdate } from '../../server/src/handlers/on-call-update';
import { onScheduledEvent } from '../../server/src/handlers/on-scheduled-event';
import { settle } from '../../server/src/handlers/settle';
import { FakePlatform } from '../support/fake-platform';
import { loadSequence, variant } from '../support/fixtures';
import { runLines } from './log-lines';

describe('call handlers: events that change nothing cost nothing', () => {
  const sequence = loadSequence('answered-inbound');

  test('onCallCreate of a ringing call makes no request and no storage operation', async () => {
    const platform = new FakePlatform();
    await expect(onCallCreate(sequence[0], platform)).resolves.toEqual({});
    expect(platform.calls).toEqual([]);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallCreate', code: 'skipped', callId: '25847696' }]);
  });

  test('onCallUpdate of a hold toggle makes no request and no storage operation', async () => {
    const platform = new FakePlatform();
    await onCallUpdate(sequence[2], platform);
    expect(platform.calls).toEqual([]);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallUpdate', code: 'skipped', callId: '25847696' }]);
  });

  test('onCallUpdate of an ended call whose changes are only bookkeeping makes no request and no storage operation', async () => {
    const platform = new FakePlatform();
    const bookkeeping = variant(sequence[5]!, (p) => { p.data.changes = { model_changes: { updated_time: ['2026-11-02T14:09:10.000+00:00', '2026-11-02T14:09:30.000+00:00'] } }; });
    await onCallUpdate(bookkeeping, platform);
    expect(platform.calls).toEqual([]);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallUpdate', code: 'skipped', callId: '25847696' }]);
  });

  test.each([
    ['a type unticked in log_call_types', loadSequence('missed-inbound')[1]!, { log_call_types: ['answered'] }],
    ['a blocked call', variant(sequence[4]!, (p) => { p.data.call.participants = [{ participant_type: 'Customer', call_status: 9 }]; }), {}],
  ])('onCallCreate of %s makes no request and no storage operation', async (_label, payload, iparams) => {
    const platform = new FakePlatform();
    await onCallCreate(variant(payload, (p) => { p.event = 'onCallCreate'; p.iparams = iparams; }), platform);
    expect(platform.calls).toEqual([]);
    expect(runLines(platform.logs).map((line) => line.code)).toEqual(['skipped']);
  });

  test('a malformed payload is logged by its failing paths, recorded without personal data, queued for a replay, and never throws', async () => {
    const platform = new FakePlatform();
    const bad = variant(sequence[4]!, (p) => { p.data.call.direction = 3; p.data.call.participants[0]!.call_status = 'x'; });
    await expect(onCallUpdate(bad, platform)).resolves.toEqual({});
    expect(runLines(platform.logs)).toEqual([{ level: 'error', source: 'onCallUpdate', code: 'rejected', callId: '25847696' }]);
    expect(platform.logs[0]!.message).toContain('data.call.direction, data.call.participants.0.call_status');
    const replaySlot = Math.floor((platform.time + 60000) / 300000);
    expect(platform.dbOps()).toEqual(['set bad:25847696', 'update q:' + replaySlot]);
    expect(platform.schedule.names()).toEqual([expect.stringMatching(/^drain-\d$/)]);
    expect(platform.store.get('bad:25847696')).toEqual({
      event: 'onCallUpdate',
      paths: 'data.call.direction, data.call.participants.0.call_status',
      at: platform.time,
    });
    expect(JSON.stringify([platform.logs, [...platform.store.values()]])).not.toMatch(/415|Friday/);
  });

  test('onScheduledEvent with data this app did not schedule does nothing', async () => {
    const platform = new FakePlatform();
    await expect(onScheduledEvent({ data: { something: 'else' } }, platform)).resolves.toEqual({});
    expect(platform.calls).toEqual([]);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onScheduledEvent', code: 'skipped', callId: 'unknown' }]);
  });

  test('onScheduledEvent of the drain with nothing queued: one line with what it spent', async () => {
    const platform = new FakePlatform();
    platform.responses.set('callerListCalls', () => Promise.resolve({ status: 200, headers: {}, response: JSON.stringify({ calls: [] }) }));
    await onScheduledEvent({ data: { kind: 'drain' }, iparams: {} }, platform);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onScheduledEvent', code: 'nothing', callId: 'unknown' }]);
    expect(platform.logs[0]!.message).toMatch(/ · \d+ requests, \d+ storage ops$/);
  });

  test('onScheduledEvent with the storage budget spent: storage_deferred, logged as an error, never thrown', async () => {
    const platform = new FakePlatform();
    platform.dbBudget = 0;
    await expect(onScheduledEvent({ data: { kind: 'drain' }, iparams: {} }, platform)).resolves.toEqual({});
    expect(runLines(platform.logs)).toEqual([{ level: 'error', source: 'onScheduledEvent', code: 'storage_deferred', callId: 'unknown' }]);
  });

  test('onScheduledEvent without a payload does nothing', async () => {
    const platform = new FakePlatform();
    await expect(onScheduledEvent(undefined, platform)).resolves.toEqual({});
    expect(platform.calls).toEqual([]);
  });
});

describe('settle', () => {
  test('calls render exactly once, with nothing, after the handler finished', async () => {
    const platform = new FakePlatform();
    const render = jest.fn();
    const order: string[] = [];
    await settle(async () => { await Promise.resolve(); order.push('handler done'); return {}; }, {}, platform, (...args) => { order.push('render'); render(...args); });
    expect(render).toHaveBeenCalledTimes(1);
    expect(render).toHaveBeenCalledWith();
    expect(order).toEqual(['handler done', 'render']);
  });

  test('blocks an install with the handler message cut to 60 characters', async () => {
    const render = jest.fn();
    await settle(async () => ({ blockInstall: 'Freshchat API key was refused: check the token and the host name' }), {}, new FakePlatform(), render);
    expect(render).toHaveBeenCalledTimes(1);
    const [error] = render.mock.calls[0]!;
    expect(error.message.length).toBeLessThanOrEqual(60);
    expect(error.message).toBe('Freshchat API key was refused: check the token and the host '.slice(0, 60));
  });

  test.each([
    [new TypeError('boom'), 'handler failed: TypeError: boom'],
    [{ status: 503, response: 'secret body' }, 'handler failed: status 503'],
    ['odd', 'handler failed: unexpected error'],
  ])('a failure is logged, reported as an error once, and never escapes (%p)', async (thrown, logged) => {
    const platform = new FakePlatform();
    const render = jest.fn();
    await expect(settle(() => Promise.reject(thrown), {}, platform, render)).resolves.toBeUndefined();
    expect(render).toHaveBeenCalledTimes(1);
    expect(render).toHaveBeenCalledWith({ status: 500, message: 'Call Sync failed; see the app logs' });
    expect(platform.logs).toEqual([{ level: 'error', message: logged }]);
    expect(JSON.stringify(platform.logs)).not.toContain('secret body');
  });
});
