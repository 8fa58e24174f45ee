// The local page in real headless Chromium, as a developer uses it: /web/test simulates an event
// through the built server.js and says Success; Reset empties the stand-ins and the store;
// Advance clock fires the due schedules; /custom_configs saves installation parameters without
// showing a secret. No request leaves the machine and no page logs an error.
import type { Page } from 'playwright-core';
import { recordShippedCoverage } from '../../tools/coverage/shipped-coverage';
import { ManualClock } from '../../tools/runtime';
import { startDevServer, type DevServer } from '../../tools/start/dev-server';
import { haveIcons } from '../../tools/start/icons';
import { startLocalSession, type LocalSession } from '../../tools/start/session';
import { launchBrowser, screenshot, type Browser } from '../support/browser';
import { ROOT } from '../support/fixtures';

describe('the local page in a browser', () => {
  let session: LocalSession;
  let dev: DevServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!haveIcons(ROOT)) throw new Error('crayons icons missing: run npm run icons (npm test does)');
    session = await startLocalSession({ root: ROOT, clock: new ManualClock(Date.UTC(2026, 10, 2, 14)), instrument: true, skipBuild: true });
    dev = await startDevServer(session, 0);
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    if (browser) await browser.close();
    if (dev) await dev.close();
    if (session) {
      recordShippedCoverage(ROOT, session.runtime.coverage());
      await session.close();
    }
  });

  const privateNotesFor = (callId: string): Promise<number> =>
    page.locator('#notes .message.private', { hasText: 'Call Sync · call ' + callId }).count();

  async function simulateSample(label: string): Promise<string> {
    await page.selectOption('#event', 'onCallUpdate');
    await page.selectOption('#source', { label });
    await page.click('#simulate');
    await page.waitForSelector('#verdict.verdict');
    await page.waitForFunction(() => !(document.getElementById('simulate') as HTMLButtonElement).disabled);
    return (await page.getAttribute('#verdict', 'data-outcome')) || '';
  }

  test('/web/test simulates an edited sample payload and shows Success with the account', async () => {
    await page.goto(dev.url + 'web/test');
    expect(await page.locator('#event option').allTextContents()).toEqual(expect.arrayContaining(['call · onCallCreate', 'call · onCallUpdate', 'common · onScheduledEvent']));
    await page.selectOption('#event', 'onCallUpdate');
    await page.selectOption('#source', { label: 'sample missed-inbound #2' });
    const payload = JSON.parse(await page.inputValue('#payload')) as { event: string; data: { call: { id: number } } };
    expect(payload.event).toBe('onCallUpdate');
    expect(payload.data.call.id).toBe(25847700);
    expect(await simulateSample('sample missed-inbound #2')).toBe('success');
    expect(await page.textContent('#verdict')).toBe('Success');
    expect(await page.textContent('#account')).toMatch(/^✓ simulated onCallUpdate: done \([1-9]\d* requests/);
    await page.waitForFunction(() => document.querySelectorAll('#notes .message.private').length > 0);
    expect(await privateNotesFor('25847700')).toBe(1);
    const stored = session.runtime.store('freshcaller').peek('call:25847700') as { status: string } | undefined;
    expect(stored && stored.status).toBe('synced');
    await screenshot(page, 'local-page-web-test');
  });

  test('a payload that is not JSON is refused on the page and nothing runs', async () => {
    const before = session.runtime.logs.length;
    await page.fill('#payload', '{ "event": ');
    await page.click('#simulate');
    expect(await page.textContent('#payload-error')).toMatch(/^The payload is not JSON/);
    expect(session.runtime.logs.length).toBe(before);
  });

  test('Reset empties the stand-ins and the store, so Simulate shows a fresh sync', async () => {
    await page.click('#reset');
    await page.waitForSelector('#verdict[data-outcome="reset"]');
    await page.waitForFunction(() => !document.querySelector('#notes .message.private'));
    expect(session.runtime.store('freshcaller').keys()).toEqual([]);
    expect(session.runtime.schedules()).toEqual([]);
    expect(session.standins.freshchat.requests).toHaveLength(0);
    // the seed is back: the conversations are there, without the app's notes
    expect(session.standins.freshchat.state.conversations.length).toBeGreaterThan(0);

    expect(await simulateSample('sample missed-inbound #2')).toBe('success');
    await page.waitForFunction(() => document.querySelectorAll('#notes .message.private').length > 0);
    expect(await privateNotesFor('25847700')).toBe(1); // written again, once
  });

  test('Advance clock moves the runtime clock and fires the schedules that fall due', async () => {
    const start = session.runtime.clock.now();
    const due = session.runtime.schedules().filter((s) => s.nextRunAt <= start + 30 * 60_000).length;
    await page.fill('#minutes', '30');
    await page.click('#advance');
    await page.waitForSelector('#verdict[data-outcome="advanced"]');
    expect(session.runtime.clock.now()).toBe(start + 30 * 60_000);
    const fired = await page.locator('#fired pre.fired').count();
    expect(fired).toBeGreaterThanOrEqual(due);
    if (due > 0) expect(await page.locator('#fired pre.fired').first().textContent()).toMatch(/scheduled event/);
    expect(await page.textContent('#verdict')).toMatch(/^Clock advanced 30 min: \d+ schedule\(s\) fired$/);
  });

  test('/notes shows the notes as an agent sees them, not JSON', async () => {
    await page.goto(dev.url + 'notes');
    const note = page.locator('.message.private', { hasText: 'Call Sync · call 25847700' });
    expect(await note.count()).toBe(1);
    expect(await note.locator('.meta').textContent()).toMatch(/private note/);
    expect(await page.locator('main').textContent()).not.toContain('"message_parts"');
  });

  test('/custom_configs masks secure fields and saves valid values into the running app', async () => {
    await page.goto(dev.url + 'custom_configs');
    const key = String(session.runtime.iparams.freshchat_api_key);
    expect(await page.getAttribute('#ip-freshchat_api_key', 'type')).toBe('password');
    expect(await page.inputValue('#ip-freshchat_api_key')).toBe('');
    expect(await page.content()).not.toContain(key);
    expect(await page.locator('#ip-csat_scale option').allTextContents()).toEqual(['1-5', '1-9', '1-2']);

    await page.fill('#ip-freshchat_host', 'https://acme.freshchat.com/');
    await page.click('button[type=submit]');
    await page.waitForSelector('#saved[data-outcome="refused"]');
    expect(session.runtime.iparams.freshchat_host).toBe('acme.freshchat.com');

    await page.fill('#ip-freshchat_host', 'acme.freshchat.com');
    await page.selectOption('#ip-resolve_policy', 'never');
    await page.click('button[type=submit]');
    await page.waitForSelector('#saved[data-outcome="saved"]');
    expect(session.runtime.iparams.resolve_policy).toBe('never');
    expect(session.runtime.iparams.freshchat_api_key).toBe(key); // left empty: kept
    expect(await page.textContent('#install-account')).toMatch(/^✓ onAppInstall: done/);
  });

  test('the overview links every sample call to its card and every conversation to its pane', async () => {
    await page.goto(dev.url);
    const cards = await page.locator('a.card-link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(cards).toContain('/placements/conversation_card?call=25847696');
    const panes = await page.locator('a.pane-link').count();
    expect(panes).toBe(session.standins.freshchat.state.conversations.length);
  });

  test('a fault switched on from the page fails the next sync for the card to show; Clear faults ends it', async () => {
    await page.goto(dev.url + 'web/test');
    await page.click('#reset');
    await page.waitForSelector('#verdict[data-outcome="reset"]');
    await page.selectOption('#fault', 'chat_refuses_notes');
    await page.click('#fault-on');
    await page.waitForSelector('#faults[data-faults="1"]');
    // the app logged the failed sync as an error: the page says Failed, and the card shows why
    expect(await simulateSample('sample missed-inbound #2')).toBe('failed');
    expect(await privateNotesFor('25847700')).toBe(0);
    expect(session.runtime.store('freshcaller').peek('call:25847700')).toMatchObject({ status: 'failed', failure: { permanent: true, status: 403 } });
    await page.click('#fault-clear');
    await page.waitForSelector('#faults[data-faults="0"]');
    expect(session.standins.freshchat.requests.length).toBeGreaterThan(0);
    // Reset also clears what is on
    await page.click('#fault-on');
    await page.waitForSelector('#faults[data-faults="1"]');
    await page.click('#reset');
    await page.waitForSelector('#faults[data-faults="0"]');
  });

  test('no request left the machine and no page logged an error', () => {
    expect(browser.blocked).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});

