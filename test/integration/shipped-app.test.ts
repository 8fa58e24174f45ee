// The built server/server.js, loaded the way the platform loads it, handling the sample calls.
import { loadSequence, variant } from '../support/fixtures';
import { startLocalApp, type LocalApp } from '../support/local-app';
import { loggedOutcomes } from '../support/scenario';

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
        // One outcome line: the event's name, a run code, the call.
        const [logged] = loggedOutcomes(result);
        expect(logged).toEqual({ level: 'info', source: payload.event, code: expect.stringMatching(/^(skipped|synced|recorded|nothing|unlinked)$/), callId: expect.stringMatching(/^\d+$/) });
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
    expect(result.logs).toHaveLength(1);
    expect(loggedOutcomes(result)).toEqual([{ level: 'error', source: 'onCallUpdate', code: 'rejected', callId: '25847696' }]);
    expect(result.logs[0]!.message).toContain('data.call.direction');
  });

  test('a payload without data is reported and completes', async () => {
    const result = await app.runtime.fireEvent('onCallCreate', { event: 'onCallCreate' });
    expect(result.completed).toBe(true);
    expect(result.logs).toHaveLength(1);
    expect(loggedOutcomes(result)).toEqual([{ level: 'error', source: 'onCallCreate', code: 'rejected', callId: 'unknown' }]);
    expect(result.logs[0]!.message).toMatch(/\bdata\b/);
  });

  // Each ends in triage (skipped) or is refused at the edge (rejected): the code and the call
  // the line names; a rejected payload's line names the failing path.
  const [created, ringing] = loadSequence('answered-inbound');
  test.each([
    ['an outgoing call', variant(created!, (p) => { p.data.call.direction = 'Outgoing'; }), 'info', 'skipped', '25847696', null],
    ['a transferred leg', variant(ringing!, (p) => { p.data.call.id = 25847697; p.data.call.parent_call_id = 25847696; p.data.call.root_call_id = 25847696; }), 'info', 'skipped', '25847697', null],
    ['an undocumented status and a participant without one', variant(ringing!, (p) => { p.data.call.participants[0]!.call_status = 7; delete p.data.call.participants[1]!.call_status; }), 'info', 'skipped', '25847696', null],
    ['a call without participants', variant(created!, (p) => { p.data.call.participants = null as never; }), 'info', 'skipped', '25847696', null],
    ['a string call id on a bad payload', variant(created!, (p) => { p.data.call.id = '25847696'; p.data.call.direction = 2 as never; }), 'error', 'rejected', '25847696', 'data.call.direction'],
    // An unknown direction word reads as `unknown` (call-event.ts): not a reason to reject.
    ['an unknown direction word', variant(created!, (p) => { p.data.call.direction = 'up'; }), 'info', 'skipped', '25847696', null],
    ['a call that is not an object', { data: { call: 'x' } }, 'error', 'rejected', 'unknown', 'data.call'],
  ])('handles %s', async (_label, payload, level, code, callId, path) => {
    const result = await app.runtime.fireEvent('onCallCreate', payload as never);
    expect(result.problems).toEqual([]);
    expect(result.completed).toBe(true);
    expect(result.logs).toHaveLength(1);
    expect(loggedOutcomes(result)).toEqual([{ level, source: 'onCallCreate', code, callId }]);
    if (path) expect(result.logs[0]!.message).toContain(path);
    expect(result.requests).toEqual([]);
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
