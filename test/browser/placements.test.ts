// The placement host pages and the stand-in platform client, with a small fixture sidebar
// (fixtures/sidebar-app) that asks the client for everything the real sidebar does: the card and
// the pane load crayons from /_local/crayons/ (hydrated, icons served locally), get their
// placement's data, call server methods that run in the sandbox as the placement's module (the
// card sees the Freshcaller store, the pane does not), get non-secure iparams only, resize, notify,
// and the card receives call.ended. The 50-a-minute server-method budget answers 429. The fixture
// app's scripts are served instrumented, so window.__coverage__ is checked too.
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ManualClock } from '../../tools/runtime';
import { startDevServer, type DevServer } from '../../tools/start/dev-server';
import { haveIcons } from '../../tools/start/icons';
import { startLocalSession, type LocalSession } from '../../tools/start/session';
import { appFrame, frameCoverage, launchBrowser, screenshot, waitForHydrated, type Browser } from '../support/browser';
import { ROOT } from '../support/fixtures';

const FIXTURE_APP = join(__dirname, 'fixtures', 'sidebar-app');
const CALL = '25847696';
const CONVERSATION = 'c0c00000-0000-4000-8000-000000000001';

describe('placements with the stand-in platform client', () => {
  let session: LocalSession;
  let dev: DevServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!haveIcons(ROOT)) throw new Error('crayons icons missing: run npm run icons (npm test does)');
    session = await startLocalSession({ root: ROOT, appRoot: FIXTURE_APP, clock: new ManualClock(Date.UTC(2026, 10, 2, 14)), skipBuild: true });
    dev = await startDevServer(session, 0, { instrumentApp: true });
    browser = await launchBrowser();
    page = await browser.newPage();
    const created = await fetch(dev.url + 'api/simulate', { method: 'POST', body: JSON.stringify({ sample: 'answered-inbound', index: 0 }) });
    expect(((await created.json()) as { account: { ok: boolean } }).account.ok).toBe(true);
  });
  afterAll(async () => {
    if (browser) await browser.close();
    if (dev) await dev.close();
    if (session) await session.close();
  });

  async function openPlacement(path: string): Promise<Frame> {
    await page.goto(dev.url + path);
    const frame = await appFrame(page);
    await frame.waitForFunction(() => (document.getElementById('answer') as HTMLElement).textContent !== '' || (document.getElementById('error') as HTMLElement).textContent !== '');
    return frame;
  }

  test('the Freshcaller card gets its call, a server-method answer from the Freshcaller store, and no secure iparams', async () => {
    const frame = await openPlacement('placements/conversation_card?call=' + CALL);
    expect(await frame.textContent('#data')).toBe('call ' + CALL);
    expect(JSON.parse((await frame.textContent('#answer')) || '')).toEqual({ callId: CALL, stored: 'incoming', secureSeen: 'string' });
    expect(await frame.textContent('#iparams')).toBe('freshchat_host,resolve_policy');
    expect(await frame.getAttribute('#location', 'value')).toBe('conversation_card');
    // resize and showNotify reach the host page
    await page.waitForFunction(() => (document.getElementById('app-frame') as HTMLIFrameElement).style.height === '420px');
    expect(await page.locator('#notices .notice[data-type="success"]').textContent()).toBe('success: Loaded');
    expect(await page.locator('#client-log li', { hasText: 'request.invoke getCallSync → answer' }).count()).toBe(1);
    expect(await page.locator('#problems li').count()).toBe(0);
    await screenshot(page, 'placement-host-conversation_card');
  });

  test('crayons from /_local/crayons/ hydrate, and fw-icon draws an icon served from this machine', async () => {
    const frame = await appFrame(page);
    expect(await waitForHydrated(frame, 'fw-button, fw-label, fw-icon')).toBe(3);
    await frame.waitForFunction(() => {
      const icon = document.querySelector('fw-icon');
      return !!(icon && icon.shadowRoot && icon.shadowRoot.querySelector('svg'));
    });
  });

  test('call.ended from the host page reaches the card, which loads again', async () => {
    const frame = await appFrame(page);
    await page.click('#call-ended');
    await frame.waitForFunction(() => (document.getElementById('ended') as HTMLElement).textContent === 'call ended');
    await page.waitForFunction(() => document.querySelectorAll('#client-log li').length > 0 && Array.from(document.querySelectorAll('#client-log li')).filter((li) => (li.textContent || '').indexOf('request.invoke getCallSync') === 0).length === 2);
  });

  test('the Freshchat pane gets its conversation and runs as chat_conversation: the call store is not its store', async () => {
    const frame = await openPlacement('placements/conversation_user_info?conversation=' + CONVERSATION);
    expect(await frame.textContent('#data')).toBe('conversation ' + CONVERSATION);
    expect(JSON.parse((await frame.textContent('#answer')) || '')).toEqual({ conversationId: CONVERSATION, sawCallStore: false });
    expect(await page.locator('#call-ended').count()).toBe(0);
    await screenshot(page, 'placement-host-conversation_user_info');
  });

  test('past 50 server-method calls in a minute the client rejects with 429 and the app shows a notice', async () => {
    const used = session.runtime.serverMethodBudget.used();
    for (let i = used; i < 50; i += 1) {
      await fetch(dev.url + '_local/placement/conversation_card/invoke', { method: 'POST', body: JSON.stringify({ name: 'getCallSync', args: { callId: CALL } }) });
    }
    const frame = await openPlacement('placements/conversation_card?call=' + CALL);
    expect(await frame.textContent('#error')).toMatch(/^429 Rate limit exceeded/);
    expect(await page.locator('#notices .notice[data-type="danger"]').count()).toBe(1);
  });

  test('an unknown call or placement is a 404 page, not a broken frame', async () => {
    expect((await fetch(dev.url + 'placements/conversation_card?call=1')).status).toBe(404);
    expect((await fetch(dev.url + 'placements/ticket_sidebar')).status).toBe(404);
    expect((await fetch(dev.url + 'app/..%2fmanifest.json')).status).toBe(404);
  });

  test("the app's scripts were served instrumented and their coverage is in window.__coverage__", async () => {
    const coverage = await frameCoverage(await appFrame(page));
    const file = Object.keys(coverage || {}).find((f) => f.endsWith(join('sidebar-app', 'app', 'scripts', 'app.js')));
    expect(file).toBeDefined();
    const hits = (coverage as Record<string, { s: Record<string, number> }>)[file as string] as { s: Record<string, number> };
    expect(Object.values(hits.s).filter((n) => n > 0).length).toBeGreaterThan(10);
  });

  test('no request left the machine and no page logged an error', () => {
    expect(browser.blocked).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
