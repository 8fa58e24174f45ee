// The built server/server.js, loaded the way the platform loads it, handling the sample calls.
import { loadSequence, variant } from '../support/fixtures';
import { startLocalApp, type LocalApp } from '../support/local-app';

describe('the shipped server.js in the local runtime', () => {
  let app: LocalApp;
  beforeAll(async () => { app = await startLocalApp(); });
  afterAll(async () => { await app.stop(); });

  test.each(['answered-inbound', 'missed-inbound', 'voicemail', 'abandoned-unknown', 'outgoing-answered', 'transfer', 'duplicated-reordered'])(
    'replays %s: each event completes within the platform rules, with one log line',
    async (name) => {
      app.clock.advance(60_000); // a call a minute: within the platform's 50 requests per minute
      for (const payload of loadSequence(name)) {
        const result = await app.runtime.fireEvent(payload.event, payload);
        expect(result.problems).toEqual([]);
        expect(result.completed).toBe(true);
        expect(result.renderDataCalls).toBe(1);
        expect(result.renderData).toEqual({ error: undefined, data: undefined });
        expect(result.logs.map((l) => l.level)).toEqual(['info']);
        expect(result.logs[0]!.message).toMatch(new RegExp('^\\[call-sync\\] ' + payload.event + ': call \\d+ · (incoming|outgoing)'));
      }
    },
  );

  test('logs never hold a phone number, the notes or a key', async () => {
    const results = [];
    for (const payload of loadSequence('answered-inbound')) results.push(await app.runtime.fireEvent(payload.event, payload));
    const logged = JSON.stringify(results.map((r) => r.logs));
    expect(logged).not.toMatch(/\+?1?\s?\(?415\)?[\s-]?555/);
    expect(logged).not.toContain('Friday');
    expect(logged).not.toContain(String(app.iparams.freshchat_api_key));
  });

  test('a malformed event is reported by path, completes, and does not throw out of the handler', async () => {
    const [, , , , completed] = loadSequence('answered-inbound');
    const bad = variant(completed!, (p) => { p.data.call.direction = 2; });
    const result = await app.runtime.fireEvent('onCallUpdate', bad);
    expect(result.problems).toEqual([]);
    expect(result.completed).toBe(true);
    expect(result.platformError).toBeUndefined();
    expect(result.logs.map((l) => [l.level, l.message])).toEqual([
      ['error', '[call-sync] onCallUpdate: payload rejected for call 25847696; invalid at data.call.direction'],
    ]);
  });

  test('a payload without data is reported and completes', async () => {
    const result = await app.runtime.fireEvent('onCallCreate', { event: 'onCallCreate' });
    expect(result.completed).toBe(true);
    expect(result.logs[0]!.message).toBe('[call-sync] onCallCreate: payload rejected for call unknown; invalid at data');
  });

  const [created, ringing] = loadSequence('answered-inbound');
  test.each([
    ['an outgoing call', variant(created!, (p) => { p.data.call.direction = 'Outgoing'; }), 'info',
      'onCallCreate: call 25847696 · outgoing · customer queued (6) · no agent · call still in progress'],
    ['a transferred leg', variant(ringing!, (p) => { p.data.call.id = 25847697; p.data.call.parent_call_id = 25847696; p.data.call.root_call_id = 25847696; }), 'info',
      'onCallCreate: call 25847697 · incoming · leg of 25847696 · customer in progress (8) · agents in progress (8) · call still in progress'],
    ['an undocumented status and a participant without one', variant(ringing!, (p) => { p.data.call.participants[0]!.call_status = 7; delete p.data.call.participants[1]!.call_status; }), 'info',
      'onCallCreate: call 25847696 · incoming · customer undocumented (7) · agents none · call still in progress'],
    ['a call without participants', variant(created!, (p) => { p.data.call.participants = null as never; }), 'info',
      'onCallCreate: call 25847696 · incoming · customer none · no agent · call still in progress'],
    ['a string call id on a bad payload', variant(created!, (p) => { p.data.call.id = '25847696'; p.data.call.direction = 'up'; }), 'error',
      'onCallCreate: payload rejected for call 25847696; invalid at data.call.direction'],
    ['a call that is not an object', { data: { call: 'x' } }, 'error', 'onCallCreate: payload rejected for call unknown; invalid at data.call'],
  ])('handles %s', async (_label, payload, level, message) => {
    const result = await app.runtime.fireEvent('onCallCreate', payload as never);
    expect(result.problems).toEqual([]);
    expect(result.completed).toBe(true);
    expect(result.logs.map((l) => [l.level, l.message])).toEqual([[level, '[call-sync] ' + message]]);
  });

  test('onAppInstall lets the install proceed and onScheduledEvent completes', async () => {
    app.clock.advance(60_000);
    const install = await app.runtime.fireEvent('onAppInstall', {});
    expect(install.problems).toEqual([]);
    expect(install.installBlocked).toBeUndefined();
    expect(install.renderDataCalls).toBe(1);
    const scheduled = await app.runtime.invoke('onScheduledEventHandler', { data: {} });
    expect(scheduled.problems).toEqual([]);
    expect(scheduled.completed).toBe(true);
  });
});
