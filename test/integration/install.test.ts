// The BUILT server/server.js installing against the local stand-ins: onAppInstall checks both
// credentials with one request each and blocks the install with a short message naming the
// product that failed, within the platform's rules (10 s, no $db, no $schedule, renderData once,
// message of at most 60 characters).
import { recordShippedCoverage } from '../../tools/coverage/shipped-coverage';
import { LocalRuntime, ManualClock, type InvocationResult } from '../../tools/runtime';
import { ROOT } from '../support/fixtures';
import { startLocalApp, type LocalApp } from '../support/local-app';

describe('onAppInstall of the shipped app', () => {
  let app: LocalApp;
  const runtimes: LocalRuntime[] = [];

  beforeAll(async () => { app = await startLocalApp(); });
  afterAll(async () => {
    for (const runtime of runtimes) recordShippedCoverage(ROOT, runtime.coverage());
    await app.stop();
  });
  beforeEach(() => {
    app.standins.freshchat.clearRequests();
    app.standins.freshcaller.clearRequests();
    app.standins.freshchat.clearFaults();
    app.standins.freshcaller.clearFaults();
  });

  /**
   * The same stand-ins (which accept only the test_data keys) with other installation parameters
   * or another host map: startLocalApp would configure the stand-ins to accept whatever key it is given.
   */
  function runtimeWith(iparamChanges: Record<string, unknown>, options: { hostMap?: Record<string, string>; requestTimeoutMs?: number } = {}): LocalRuntime {
    const iparams = Object.assign({}, app.iparams, iparamChanges);
    const hostMap = options.hostMap || app.standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) });
    const runtime = new LocalRuntime({
      root: ROOT,
      iparams,
      clock: new ManualClock(Date.UTC(2026, 10, 2, 14, 0, 0)),
      instrument: true,
      hostMap,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    runtimes.push(runtime);
    return runtime;
  }

  function expectWithinPlatformRules(result: InvocationResult): void {
    expect(result.problems).toEqual([]);
    expect(result.completed).toBe(true);
    expect(result.renderDataCalls).toBe(1);
    expect(result.platformError).toBeUndefined();
    expect(result.dbOps).toEqual([]);
    expect(result.schedules).toEqual([]);
    expect(result.logs).toHaveLength(1);
    const logged = JSON.stringify(result.logs);
    for (const secret of [app.iparams.freshchat_api_key, app.iparams.freshcaller_api_key, 'wrong-token', 'wrong-key']) {
      expect(logged).not.toContain(String(secret));
    }
  }

  const templatesOf = (result: InvocationResult) => result.requests.map((r) => r.template).sort();

  test('the right keys: the install proceeds after one request to each product', async () => {
    const result = await app.runtime.fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBeUndefined();
    expect(result.renderData).toEqual({ error: undefined, data: undefined });
    expect(templatesOf(result)).toEqual(['callerCheckKey', 'chatCheckToken']);
    expect(result.requests.every((r) => r.ok)).toBe(true);
    expect(result.logs[0]!.message).toBe('[call-sync] onAppInstall: Freshchat and Freshcaller credentials accepted');
    // the stand-ins found nothing to object to in either request
    const recorded = [...app.standins.freshchat.requests, ...app.standins.freshcaller.requests];
    expect(recorded.map((r) => [r.path, r.status, r.violations])).toEqual(expect.arrayContaining([
      ['/v2/accounts/configuration', 200, []],
      ['/api/v1/users', 200, []],
    ]));
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a wrong Freshchat token', { freshchat_api_key: 'wrong-token' }, 'Freshchat rejected the API token'],
    ['a wrong Freshcaller key', { freshcaller_api_key: 'wrong-key' }, 'Freshcaller rejected the API key'],
    ['both keys wrong', { freshchat_api_key: 'wrong-token', freshcaller_api_key: 'wrong-key' }, 'Freshchat and Freshcaller keys rejected'],
  ])('%s blocks the install with "%s"', async (_label, changes, message) => {
    const result = await runtimeWith(changes).fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe(message);
    expect(message.length).toBeLessThanOrEqual(60);
    expect(templatesOf(result)).toEqual(['callerCheckKey', 'chatCheckToken']);
    expect(result.logs[0]!.level).toBe('error');
  });

  test('an unmapped Freshchat host (connection failure, 502) blocks naming Freshchat', async () => {
    const hostMap = { [String(app.iparams.freshcaller_host)]: app.standins.freshcaller.url };
    const result = await runtimeWith({ freshchat_host: 'acme.freshchst.com' }, { hostMap }).fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe('Freshchat host not reachable: check it');
    expect(result.logs[0]!.message).toBe('[call-sync] onAppInstall: blocked; freshchat unreachable (502), freshcaller ok');
    expect(result.logs[0]!.message).not.toContain('freshchst');
  });

  test('an unreachable Freshcaller host (nothing listening) blocks naming Freshcaller', async () => {
    const hostMap = {
      [String(app.iparams.freshchat_host)]: app.standins.freshchat.url,
      [String(app.iparams.freshcaller_host)]: 'http://127.0.0.1:9',
    };
    const result = await runtimeWith({}, { hostMap }).fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe('Freshcaller host not reachable: check it');
  });

  test('both hosts unreachable', async () => {
    const result = await runtimeWith({}, { hostMap: {} }).fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe('Freshchat and Freshcaller hosts not reachable');
  });

  test('a Freshcaller host that does not answer in time blocks naming Freshcaller', async () => {
    app.standins.freshcaller.injectFault({ path: '/api/v1/users', delayMs: 1500 });
    const result = await runtimeWith({}, { requestTimeoutMs: 300 }).fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe('Freshcaller did not answer in time: try again');
  });

  test('a Freshchat outage (503 on every attempt) blocks naming Freshchat', async () => {
    app.standins.freshchat.injectFault({ path: '/v2/accounts/configuration', status: 503, times: Infinity });
    const result = await app.runtime.fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe('Freshchat had a server error: try again later');
    // a single attempt: the install has 10 s, and a retry would spend it
    expect(result.requests.find((r) => r.template === 'chatCheckToken')!.attempts).toBe(1);
  });

  test('a Freshcaller key without permission (403) blocks naming Freshcaller', async () => {
    app.standins.freshcaller.injectFault({ path: '/api/v1/users', status: 403 });
    const result = await app.runtime.fireEvent('onAppInstall', {});
    expectWithinPlatformRules(result);
    expect(result.installBlocked).toBe('Freshcaller API key lacks permission');
  });
});
