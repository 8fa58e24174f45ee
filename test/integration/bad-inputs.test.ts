// A corpus of bad and sparse inputs, each delivered to the built app in the local runtime. Every
// one completes within the platform's rules, logs one line whose code says what happened, and
// makes no request unless the input is a call the app can sync; nothing personal reaches a log.
import type { Payload } from '../support/fixtures';
import { variant } from '../support/fixtures';
import { assertPlatformClean, contractWatch, costOf, logCodes, loggedOutcomes, sequence, startScenarioApp, type LocalApp } from '../support/scenario';

const COMPLETED = sequence('answered-inbound')[4] as Payload;
type Call = Record<string, unknown> & { participants: Array<Record<string, unknown>> };

/** The completed answered call under a fresh id, changed by `change`. */
function completedCall(id: number, change: (call: Call, payload: Payload) => void): Payload {
  return variant(COMPLETED, (copy) => {
    const call = copy.data.call as unknown as Call;
    call.id = id;
    for (const participant of call.participants) participant.call_id = id;
    change(call, copy);
  });
}

/** Inputs the schema refuses: logged as `rejected` by their failing paths, no request. */
const REJECTED: Array<[string, unknown, string | null]> = [
  ['no data at all', { event: 'onCallUpdate' }, null],
  ['data that is a string', { event: 'onCallUpdate', data: 'call' }, null],
  ['a call that is null', { event: 'onCallUpdate', data: { call: null } }, null],
  ['a call id that is not a number', completedCall(0, (call) => (call.id = 'abc')), null],
  ['participants as an object, not an array', completedCall(26100001, (call) => ((call as Record<string, unknown>).participants = { a: 1 })), '26100001'],
  ['a call status as text', completedCall(26100002, (call) => ((call.participants[0] as Record<string, unknown>).call_status = '1')), '26100002'],
  ['a recording given as an array', completedCall(26100003, (call) => (call.recording = ['https://example.test/r'])), '26100003'],
  ['a direction given as a number', completedCall(26100004, (call) => (call.direction = 1)), '26100004'],
  ['changes given as an array', completedCall(26100005, (_call, payload) => ((payload.data as Record<string, unknown>).changes = [1, 2])), '26100005'],
  ['a bill duration as text', completedCall(26100006, (call) => (call.bill_duration = '184')), '26100006'],
];

/** Inputs read but never synced: `skipped`, free. */
const SKIPPED: Array<[string, Payload]> = [
  ['an undocumented call status (99)', completedCall(26100101, (call) => ((call.participants[0] as Record<string, unknown>).call_status = 99))],
  ['no participants at all', completedCall(26100102, (call) => ((call as Record<string, unknown>).participants = []))],
  ['participants null', completedCall(26100103, (call) => ((call as Record<string, unknown>).participants = null))],
  ['changes naming only updated_time', completedCall(26100104, (_call, payload) => ((payload.data as Record<string, unknown>).changes = { updated_time: ['a', 'b'] }))],
];

describe('bad and sparse inputs', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  test.each(REJECTED)('%s: rejected, recorded by its paths, no request', async (_label, payload, callId) => {
    const result = await app.runtime.fireEvent('onCallUpdate', payload);
    assertPlatformClean(result);
    expect(loggedOutcomes(result)).toEqual([expect.objectContaining({ level: 'error', code: 'rejected', callId: callId || 'unknown' })]);
    expect(costOf(result).requests).toBe(0);
    const bad = app.runtime.store('freshcaller').peek('bad:' + (callId || 'unknown'));
    expect(bad).toMatchObject({ event: 'onCallUpdate', paths: expect.any(String) });
    // The failing paths, never the values: no number, no name, no notes.
    expect(JSON.stringify(bad)).not.toMatch(/4155550123|Ava Parker|delivery to Friday/);
  });

  test.each(SKIPPED)('%s: skipped at no cost', async (_label, payload) => {
    const result = await app.runtime.fireEvent('onCallUpdate', payload);
    assertPlatformClean(result);
    expect(logCodes(result)).toEqual(['skipped']);
    expect(costOf(result)).toMatchObject({ requests: 0, dbOps: 0 });
  });

  test("Freshworks' own sparse sample (no direction, a customer without participant_type) is synced", async () => {
    const payload = completedCall(26100201, (call) => {
      delete call.direction;
      const customer = call.participants[0] as Record<string, unknown>;
      delete customer.participant_type;
    });
    const result = await app.runtime.fireEvent('onCallUpdate', payload);
    assertPlatformClean(result);
    expect(logCodes(result)).toEqual(['synced']);
    const notes = app.standins.freshchat.state.conversations.flatMap((c) => app.standins.freshchat.messagesOf(c.conversation_id));
    const summary = notes.map((m) => m.message_parts.map((p) => (p.text ? p.text.content : '')).join('\n')).find((text) => text.endsWith('call 26100201 \u00b7 summary'));
    expect(summary).toMatch(/^Call \u00b7 answered/);
  });

  test('call notes of 200 KB are synced into a note within its cap', async () => {
    const payload = completedCall(26100202, (call) => (call.call_notes = 'Long notes. '.repeat(17000)));
    const result = await app.runtime.fireEvent('onCallUpdate', payload);
    assertPlatformClean(result);
    expect(logCodes(result)).toEqual(['synced']);
    const posted = app.standins.freshchat.requests.filter((r) => r.method === 'POST' && /\/messages$/.test(r.path)).pop();
    expect(JSON.stringify(posted && posted.body).length).toBeLessThan(6000);
  });
});
