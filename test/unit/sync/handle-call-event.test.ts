// handleCallEvent wired to the platform port as production wires it (FakePlatform answers the
// request templates and keeps $db), for the paths the "did nothing" handler tests do not reach.
import { onCallCreate } from '../../../server/src/handlers/on-call-create';
import { handleCallEvent, syncDeps } from '../../../server/src/sync/handle-call-event';
import { FakePlatform } from '../../support/fake-platform';
import { loadIparams, loadSequence, variant, type Payload } from '../../support/fixtures';
import { httpError, ok, sentRequests } from '../clients/helpers';

const MISSED = variant(loadSequence('missed-inbound')[1] as Payload, (p) => { p.iparams = loadIparams(); });

function dbOps(platform: FakePlatform): string[] {
  return platform.calls.filter((c) => c.api === 'db').map((c) => c.op + ' ' + String(c.args[0]));
}

describe('handleCallEvent', () => {
  test('a missed call from an unknown number: three lookups, left unlinked, saved, logged without the number', async () => {
    const platform = new FakePlatform();
    platform.responses.set('chatFindUsersByPhone', ok({ users: [] }));
    await expect(handleCallEvent('onCallUpdate', MISSED, platform)).resolves.toEqual({});
    expect(sentRequests(platform).map((r) => [r.template, r.context])).toEqual([
      ['chatFindUsersByPhone', { phone_no: '+14155550199' }],
      ['chatFindUsersByPhone', { phone_no: '(415) 555-0199' }],
      ['chatFindUsersByPhone', { phone_no: '4155550199' }],
    ]);
    expect(dbOps(platform)).toEqual(['get call:25847700', 'set lk:25847700:0', 'set call:25847700']);
    expect(platform.store.get('call:25847700')).toMatchObject({ v: 1, unlinked: true, outcome: 'missed', reason: 'no Freshchat user with phone \u20260199' });
    expect(platform.logs).toEqual([
      { level: 'info', message: 'onCallUpdate: call 25847700 · incoming · customer missed (3) · no agent · missed · left unlinked: no Freshchat user with phone \u20260199' },
    ]);
    expect(JSON.stringify(platform.logs)).not.toMatch(/555.?0199/);
  });

  test('a failed request is logged as an error, recorded and replayed later, and the handler still resolves', async () => {
    const platform = new FakePlatform();
    platform.responses.set('chatFindUsersByPhone', httpError(503));
    await expect(handleCallEvent('onCallUpdate', MISSED, platform)).resolves.toEqual({});
    expect(platform.logs).toEqual([
      { level: 'error', message: 'onCallUpdate: call 25847700 · incoming · customer missed (3) · no agent · missed · failed: Freshchat had a server error (503); replay scheduled' },
    ]);
    expect(platform.calls.filter((c) => c.api === 'schedule').map((c) => [c.op, (c.args[0] as { name: string }).name])).toEqual([['create', 'rp-25847700']]);
    expect(platform.store.get('call:25847700')).toMatchObject({ v: 1, error: { code: 'server', reason: 'Freshchat had a server error', at: platform.time } });
  });

  test('a payload with no call id is rejected and recorded as bad:unknown', async () => {
    const platform = new FakePlatform();
    await onCallCreate({ event: 'onCallCreate', data: {} }, platform);
    expect(dbOps(platform)).toEqual(['set bad:unknown']);
    expect(platform.logs[0]).toEqual({ level: 'error', message: 'onCallCreate: payload rejected for call unknown; invalid at data.call' });
  });

  test('syncDeps reads the installation parameters and the platform clock', () => {
    const platform = new FakePlatform();
    const deps = syncDeps(platform, { freshchat_default_agent_id: ' agent-9 ', resolve_policy: 'never', mask_caller_number: 'true' });
    expect(deps.settings).toMatchObject({ defaultAgentId: 'agent-9', resolvePolicy: 'never', maskCallerNumber: true, channelId: null });
    platform.time = 42;
    expect(deps.now()).toBe(42);
    expect(deps.schedule).toBe(platform.schedule);
  });
});
