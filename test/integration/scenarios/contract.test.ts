// Scenario 11: across every sample call (and the deferred work they queue), every request the
// stand-ins received kept the APIs' contracts, credentials travelled only in headers, and no log
// line or stored value holds a full phone number, an API key or the call notes.
import type { InvocationResult } from '../../../tools/runtime';
import {
  advance,
  allAppNotes,
  contractWatch,
  FULL_CALLER_NUMBER,
  FULL_NUMBER,
  logCodes,
  NOTES_TEXT,
  pendingQueue,
  replay,
  startScenarioApp,
  storedText,
  type LocalApp,
} from '../../support/scenario';

const SAMPLES = ['answered-inbound', 'missed-inbound', 'voicemail', 'abandoned-unknown', 'outgoing-answered', 'transfer', 'duplicated-reordered'];

describe('contract: every sample call, one installation', () => {
  let app: LocalApp;
  const results: InvocationResult[] = [];

  beforeAll(async () => {
    app = await startScenarioApp();
    for (const name of SAMPLES) results.push(...(await replay(app, name)));
    results.push(...(await advance(app, 15 * 60_000)));
  });
  afterAll(async () => {
    await app.stop();
  });

  test('the calls did their work (the checks below are not vacuous)', () => {
    // The recurring drain (and a kick) ran; one of them did the transfer call's CSAT look.
    const scheduled = results.filter((r) => r.handler === 'onScheduledEventHandler');
    expect(scheduled.length).toBeGreaterThanOrEqual(1);
    // The transfer's CSAT look ran: a read whose result was recorded.
    expect(logCodes(scheduled)).toContain('recorded');
    expect(pendingQueue(app)).toEqual([]);
    // Every sample synced something, and no run failed or was deferred.
    expect(logCodes(results).filter((code) => code === 'synced').length).toBeGreaterThanOrEqual(SAMPLES.length);
    expect(logCodes(results).filter((code) => ['deferred', 'failed', 'rejected', 'storage_deferred', 'busy'].indexOf(code) >= 0)).toEqual([]);
    expect(allAppNotes(app, { kind: 'summary' }).length).toBeGreaterThanOrEqual(6);
    expect(app.standins.freshchat.requests.length).toBeGreaterThan(30);
    expect(app.standins.freshcaller.requests.length).toBeGreaterThan(5);
  });

  test('every request the stand-ins received has no contract violation', () => {
    const all = app.standins.freshchat.requests.concat(app.standins.freshcaller.requests);
    expect(all.filter((r) => r.violations.length > 0).map((r) => [r.method, r.path, r.violations])).toEqual([]);
    for (const request of all) expect(request.violations).toEqual([]);
  });

  test('no request names a missing id (null or undefined) in its path', () => {
    const all = app.standins.freshchat.requests.concat(app.standins.freshcaller.requests);
    expect(all.filter((r) => /\/(null|undefined)(\/|$)/.test(r.path)).map((r) => r.method + ' ' + r.path)).toEqual([]);
  });

  test('the API keys travel only in headers, never in a path or query', () => {
    const keys = [String(app.iparams.freshchat_api_key), String(app.iparams.freshcaller_api_key)];
    for (const request of app.runtime.requests) {
      for (const key of keys) expect(request.url).not.toContain(key);
    }
    for (const request of app.standins.freshchat.requests.concat(app.standins.freshcaller.requests)) {
      const visible = request.path + JSON.stringify(request.query) + JSON.stringify(request.body === undefined ? null : request.body);
      for (const key of keys) expect(visible).not.toContain(key);
    }
  });

  test('no log line holds a full phone number, an API key or call notes', () => {
    const logs = app.runtime.logs.map((l) => l.message);
    expect(logs.length).toBeGreaterThanOrEqual(results.length);
    const keys = [String(app.iparams.freshchat_api_key), String(app.iparams.freshcaller_api_key)];
    expect(logs.filter((m) => FULL_NUMBER.test(m))).toEqual([]);
    expect(logs.filter((m) => /\+1415|\(415\) 555-|4155550/.test(m))).toEqual([]);
    expect(logs.filter((m) => keys.some((k) => m.includes(k)))).toEqual([]);
    expect(logs.filter((m) => NOTES_TEXT.some((t) => m.includes(t)))).toEqual([]);
  });

  test('the store holds no phone number, no call notes and no key: fingerprints and masked numbers only', () => {
    const stored = storedText(app);
    expect(stored).not.toMatch(FULL_CALLER_NUMBER);
    for (const words of NOTES_TEXT) expect(stored).not.toContain(words);
    expect(stored).not.toContain(String(app.iparams.freshchat_api_key));
    expect(stored).not.toContain(String(app.iparams.freshcaller_api_key));
  });

  test('the incremental watch used by the other scenario files agrees', () => {
    const fresh = contractWatch(app);
    expect(fresh.check()).toEqual({ violations: [], logLeaks: [] });
  });
});
