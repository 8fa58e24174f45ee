// handleCallEvent wired to the platform port as production wires it (FakePlatform answers the
// request templates and keeps $db), asserting run codes (sync/outcome.ts), storage keys and
// schedules, never the prose of the log line.
import { onCallCreate } from '../../../server/src/handlers/on-call-create';
import { MIN_SCHEDULE_AHEAD_MS, SLOT_MS } from '../../../server/src/deferred/queue';
import { SETTLED_SLOT_MS } from '../../../server/src/deferred/work';
import { handleCallEvent, syncDeps } from '../../../server/src/sync/handle-call-event';
import { FakePlatform } from '../../support/fake-platform';
import { loadIparams, loadSequence, variant, type Payload } from '../../support/fixtures';
import { httpError, ok, sentRequests } from '../clients/helpers';
import { runLines } from '../log-lines';

const MISSED = variant(loadSequence('missed-inbound')[1] as Payload, (p) => { p.iparams = loadIparams(); });
const MISSED_ID = '25847700';
const CREATED = Date.parse(String(MISSED.data.call.created_time));
/** The answered inbound call, ended, with resolve_policy never: link, CSAT read, author, summary. */
const ANSWERED = variant(loadSequence('answered-inbound')[4] as Payload, (p) => { p.iparams = Object.assign(loadIparams(), { resolve_policy: 'never' }); });
const ANSWERED_ID = '25847696';

/** The caller is a Freshchat user with one open conversation; the agent has no email, so the default agent writes. */
function knownCaller(platform: FakePlatform): void {
  platform.responses.set('chatFindUsersByPhone', ok({ users: [{ id: 'u1', phone: '+14155550123' }] }));
  platform.responses.set('chatGetUserConversations', ok({ conversations: [{ id: 'c1' }] }));
  platform.responses.set('chatGetConversation', ok({ conversation_id: 'c1', status: 'assigned', created_time: '2026-11-01T10:00:00Z', users: [{ id: 'u1' }] }));
  platform.responses.set('chatPostMessage', ok({ id: 'm1' }, 201));
  platform.responses.set('callerGetCallMetrics', ok({ csat: null }));
  platform.responses.set('callerGetUser', ok({ user: { id: 67030, name: 'Ava Parker', email: null } }));
}

describe('handleCallEvent', () => {
  test('a missed call from an unknown number: lookups only, left unlinked, saved, settled, logged without the number', async () => {
    const platform = new FakePlatform();
    platform.responses.set('chatFindUsersByPhone', ok({ users: [] }));
    await expect(handleCallEvent('onCallUpdate', MISSED, platform)).resolves.toEqual({});
    expect(sentRequests(platform).map((r) => r.context)).toEqual([
      { phone_no: '+14155550199' },
      { phone_no: '14155550199' },
      { phone_no: '(415) 555-0199' },
      { phone_no: '4155550199' },
    ]);
    // The event ends the call (bill_duration set): the record is created with the claim, no read
    // first; the caller's entry is looked for, and nothing is learned for an unknown number.
    expect(platform.dbOps().map((op) => op.replace(/cc:[0-9a-f]{16}$/, 'cc:*'))).toEqual(['set call:' + MISSED_ID, 'get cc:*', 'set call:' + MISSED_ID, 'update rc:' + Math.floor(CREATED / SETTLED_SLOT_MS)]);
    expect(platform.store.get('call:' + MISSED_ID)).toMatchObject({ v: 1, status: 'unlinked', outcome: 'missed', link: { state: 'unlinked' } });
    expect(platform.schedule.names()).toEqual(['call-sync-drain']);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallUpdate', code: 'unlinked', callId: MISSED_ID }]);
    expect(JSON.stringify(platform.logs)).not.toMatch(/555.?0199/);
  });

  test('a failed request is logged as an error, recorded, and queued for a retry; the handler still resolves', async () => {
    const platform = new FakePlatform();
    platform.responses.set('chatFindUsersByPhone', httpError(503));
    await expect(handleCallEvent('onCallUpdate', MISSED, platform)).resolves.toEqual({});
    expect(runLines(platform.logs)).toEqual([{ level: 'error', source: 'onCallUpdate', code: 'deferred', callId: MISSED_ID }]);
    expect(platform.store.get('call:' + MISSED_ID)).toMatchObject({ v: 1, status: 'retrying', failure: { code: 'server', permanent: false, at: platform.time, nextAt: platform.time + 60000 } });
    const slot = Math.floor((platform.time + 60000) / SLOT_MS);
    expect(platform.store.get('q:' + slot)).toEqual({ ['c' + MISSED_ID]: { i: MISSED_ID, k: 'r', d: platform.time + 60000, n: 1, s: platform.time } });
    expect(platform.schedule.names()).toEqual(['call-sync-drain', expect.stringMatching(/^drain-\d$/)]);
  });

  test('a synced event with a backlog left by the last drain takes some of it', async () => {
    const platform = new FakePlatform();
    knownCaller(platform);
    platform.seed('app:state', { dh: Math.floor(platform.time / SLOT_MS), db: 3 });
    await handleCallEvent('onCallUpdate', ANSWERED, platform);
    // One line for the event, which also says what queued work it took.
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallUpdate', code: 'synced', callId: ANSWERED_ID }]);
    expect(platform.logs.map((l) => l.message).join('\n')).toMatch(/queued work: ran \d+, left \d+/);
    expect(sentRequests(platform).map((r) => r.template)).toEqual(['chatFindUsersByPhone', 'chatGetUserConversations', 'chatGetConversation', 'callerGetCallMetrics', 'callerGetUser', 'chatPostMessage']);
    // app:state was read once, for the note's author; the share of the backlog cost no second read.
    expect(platform.dbOps().filter((op) => op === 'get app:state')).toEqual(['get app:state']);
    expect(platform.store.get('app:state')).toMatchObject({ db: 0 });
  });

  test('a synced event with no backlog drains nothing, and reads app:state only for the author', async () => {
    const platform = new FakePlatform();
    knownCaller(platform);
    await handleCallEvent('onCallUpdate', ANSWERED, platform);
    expect(runLines(platform.logs).map((l) => l.code)).toEqual(['synced']);
    expect(platform.dbOps().filter((op) => /q:|app:state/.test(op))).toEqual(['get app:state', 'update app:state']);
  });

  test('the store refusing the first read (budget spent): storage_deferred, and the call rides on the overflow schedule', async () => {
    const platform = new FakePlatform();
    platform.dbBudget = 0;
    await handleCallEvent('onCallUpdate', MISSED, platform);
    expect(runLines(platform.logs)).toEqual([{ level: 'error', source: 'onCallUpdate', code: 'storage_deferred', callId: MISSED_ID }]);
    const minute = Math.ceil((platform.time + MIN_SCHEDULE_AHEAD_MS) / 60000);
    expect(platform.schedule.names()).toEqual(['drain-' + (minute % 10)]);
    expect(platform.schedule.pending.get('drain-' + (minute % 10))!.data).toEqual({ kind: 'calls', calls: [MISSED_ID] });
    expect(sentRequests(platform)).toEqual([]);
  });

  test('an event that is never synced: skipped, no request and no storage operation', async () => {
    const platform = new FakePlatform();
    await handleCallEvent('onCallUpdate', variant(MISSED, (p) => { p.iparams = { log_call_types: ['answered'] }; }), platform);
    expect(platform.calls).toEqual([]);
    expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallUpdate', code: 'skipped', callId: MISSED_ID }]);
  });

  test('a payload with no call id is rejected and recorded as bad:unknown, with nothing to replay', async () => {
    const platform = new FakePlatform();
    await onCallCreate({ event: 'onCallCreate', data: {} }, platform);
    expect(platform.dbOps()).toEqual(['set bad:unknown']);
    expect(runLines(platform.logs)).toEqual([{ level: 'error', source: 'onCallCreate', code: 'rejected', callId: 'unknown' }]);
    expect(platform.schedule.names()).toEqual([]);
  });

  test('a rejected payload whose record cannot be saved (budget spent) still has its call replayed by the overflow schedule', async () => {
    const platform = new FakePlatform();
    platform.dbBudget = 0;
    await handleCallEvent('onCallUpdate', variant(MISSED, (p) => { p.data.call.direction = 5; }), platform);
    expect(runLines(platform.logs)).toEqual([{ level: 'error', source: 'onCallUpdate', code: 'rejected', callId: MISSED_ID }]);
    expect(platform.schedule.names()).toEqual([expect.stringMatching(/^drain-\d$/)]);
  });

  test('a repeat of the event that ended the call: nothing, no request; the create it tries first fails, then one read', async () => {
    const platform = new FakePlatform();
    knownCaller(platform);
    await handleCallEvent('onCallUpdate', ANSWERED, platform);
    const before = platform.calls.length;
    await handleCallEvent('onCallUpdate', ANSWERED, platform);
    expect(platform.calls.slice(before).map((c) => c.api + ' ' + c.op + ' ' + String(c.args[0]))).toEqual(['db set call:' + ANSWERED_ID, 'db get call:' + ANSWERED_ID]);
    expect(runLines(platform.logs).map((l) => l.code)).toEqual(['synced', 'nothing']);
  });

  test('a repeat of a later event: nothing, one storage read and no request', async () => {
    const platform = new FakePlatform();
    knownCaller(platform);
    const later = variant(ANSWERED, (p) => { p.data.changes = { call_notes: ['Asked about the refund.', null] }; });
    await handleCallEvent('onCallUpdate', later, platform);
    const before = platform.calls.length;
    await handleCallEvent('onCallUpdate', later, platform);
    expect(platform.calls.slice(before).map((c) => c.api + ' ' + c.op + ' ' + String(c.args[0]))).toEqual(['db get call:' + ANSWERED_ID]);
  });

  describe('note_timing complete', () => {
    const complete = (payload: typeof ANSWERED) => variant(payload, (p) => { p.iparams = Object.assign({}, p.iparams, { note_timing: 'complete' }); });

    test('the event that ends the call: scheduled, no request and no storage operation; a one-time schedule 5 minutes on', async () => {
      const platform = new FakePlatform();
      await handleCallEvent('onCallUpdate', complete(ANSWERED), platform);
      expect(runLines(platform.logs)).toEqual([{ level: 'info', source: 'onCallUpdate', code: 'scheduled', callId: ANSWERED_ID }]);
      expect(platform.calls.filter((c) => c.api !== 'schedule')).toEqual([]);
      const pending = platform.schedule.pending.get('nt-' + ANSWERED_ID)!;
      expect(pending.data).toEqual({ kind: 'note', calls: [ANSWERED_ID] });
      expect(Date.parse(pending.schedule_at) - platform.time).toBeGreaterThanOrEqual(5 * 60000);
    });

    test('later events while it waits: left to it, still no request and no storage operation, no second schedule', async () => {
      const platform = new FakePlatform();
      await handleCallEvent('onCallUpdate', complete(ANSWERED), platform);
      platform.time += 60000;
      await handleCallEvent('onCallUpdate', complete(ANSWERED), platform);
      expect(runLines(platform.logs).map((l) => l.code)).toEqual(['scheduled', 'scheduled']);
      expect(platform.calls.filter((c) => c.api !== 'schedule')).toEqual([]);
      expect(platform.schedule.names()).toEqual(['nt-' + ANSWERED_ID]);
    });

    test('an event when the schedule is about to fire is not left to it: the call syncs now', async () => {
      const platform = new FakePlatform();
      knownCaller(platform);
      await handleCallEvent('onCallUpdate', complete(ANSWERED), platform);
      platform.time += 5 * 60000;
      await handleCallEvent('onCallUpdate', complete(ANSWERED), platform);
      expect(runLines(platform.logs).map((l) => l.code)).toEqual(['scheduled', 'synced']);
    });

    test('no schedule can be made (the 1000 are taken): the call syncs now, as with immediate', async () => {
      const platform = new FakePlatform();
      knownCaller(platform);
      platform.schedule.fail('create', { status: 400, message: 'Maximum number of schedules reached' });
      await handleCallEvent('onCallUpdate', complete(ANSWERED), platform);
      expect(runLines(platform.logs).map((l) => l.code)).toEqual(['synced']);
      expect(sentRequests(platform).map((r) => r.template)).toContain('chatPostMessage');
    });

    test('a transfer: the leg is read before its root by the one schedule, named for the root, whichever ends first', async () => {
      const transfer = loadSequence('transfer');
      const root = complete(variant(transfer[3] as Payload, (p) => { p.iparams = loadIparams(); }));
      const leg = complete(variant(transfer[4] as Payload, (p) => { p.iparams = loadIparams(); }));
      const rootId = String(root.data.call.id);
      const legId = String(leg.data.call.id);
      for (const order of [[root, leg], [leg, root]]) {
        const platform = new FakePlatform();
        for (const payload of order) await handleCallEvent('onCallUpdate', payload, platform);
        expect(runLines(platform.logs).map((l) => [l.code, l.callId])).toEqual([['scheduled', rootId], ['scheduled', rootId]]);
        expect(platform.schedule.names()).toEqual(['nt-' + rootId]);
        expect(platform.schedule.pending.get('nt-' + rootId)!.data).toEqual({ kind: 'note', calls: [legId, rootId] });
        expect(platform.calls.filter((c) => c.api !== 'schedule')).toEqual([]);
      }
    });

    test('an event that is never synced schedules nothing', async () => {
      const platform = new FakePlatform();
      await handleCallEvent('onCallUpdate', variant(complete(MISSED), (p) => { p.iparams = Object.assign({}, p.iparams, { log_call_types: ['answered'] }); }), platform);
      expect(platform.calls).toEqual([]);
    });
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
