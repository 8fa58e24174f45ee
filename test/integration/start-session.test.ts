// What `npm start` does, without the terminal: the session replays every sample through the
// built app, and the local page lists the events, simulates one on request and shows the state.
import { ManualClock } from '../../tools/runtime';
import { startDevServer, type DevServer } from '../../tools/start/dev-server';
import { startLocalSession, type LocalSession } from '../../tools/start/session';
import { formatAccount } from '../../tools/start/account';
import { recordShippedCoverage } from '../../tools/coverage/shipped-coverage';
import { ROOT } from '../support/fixtures';

describe('npm start session and local page', () => {
  let session: LocalSession;
  let dev: DevServer;
  beforeAll(async () => {
    session = await startLocalSession({ root: ROOT, clock: new ManualClock(Date.UTC(2026, 10, 2, 14)), instrument: true, skipBuild: true });
    dev = await startDevServer(session, 0);
  });
  afterAll(async () => {
    await dev.close();
    recordShippedCoverage(ROOT, session.runtime.coverage());
    await session.close();
  });

  test('replays every sample event and gives a readable account of each', async () => {
    const accounts = await session.replayAll();
    const expected = session.samples.reduce((n, s) => n + s.events.length, 0);
    expect(accounts).toHaveLength(expected);
    expect(accounts.every((a) => a.ok)).toBe(true);
    const text = accounts.map(formatAccount).join('\n');
    expect(text).toContain('✓ answered-inbound #1 onCallCreate: done (0 requests, 0 storage ops)');
    expect(text).toContain('call 25847700 · incoming · customer missed (3) · no agent');
    expect(text).not.toMatch(/\+1415|local-freshchat-token/);
  });

  test('the page lists every sample event with a Simulate button', async () => {
    const response = await fetch(dev.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    const buttons = html.match(/<button type="button" data-sample="[^"]+" data-index="\d+">Simulate<\/button>/g) || [];
    expect(buttons).toHaveLength(session.samples.reduce((n, s) => n + s.events.length, 0));
    expect(html).toContain('data-sample="voicemail" data-index="3"');
  });

  test('simulating an event runs it and answers with its account and the state', async () => {
    const response = await fetch(dev.url + 'api/simulate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sample: 'missed-inbound', index: 1 }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { text: string; state: { freshchat: { conversations: unknown[] } } };
    expect(body.text).toMatch(/^✓ missed-inbound #2 onCallUpdate: done/);
    expect(body.state.freshchat.conversations.length).toBeGreaterThan(0);
  });

  test('refuses a malformed simulate request and an unknown sample', async () => {
    const bad = await fetch(dev.url + 'api/simulate', { method: 'POST', body: JSON.stringify({ sample: 3 }) });
    expect(bad.status).toBe(400);
    const unknown = await fetch(dev.url + 'api/simulate', { method: 'POST', body: JSON.stringify({ sample: 'nope', index: 0 }) });
    expect(unknown.status).toBe(500);
    expect(((await unknown.json()) as { error: string }).error).toBe('no sample event nope #1');
  });
});
