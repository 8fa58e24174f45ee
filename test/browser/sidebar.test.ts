// The sidebar in real headless Chromium, against a fake platform client (fake-client.js), with
// app/ built with crayons from /_local/crayons/ (node_modules) into a temp copy of the project
// and served on 127.0.0.1. No request leaves the machine: anything not for 127.0.0.1 is
// aborted and counted, except the icons crayons fetches from jsDelivr, answered with a local SVG.
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from '../../tools/build/index';
import { copyProject, removeCopies, REAL_ROOT } from '../tooling/helpers';
import { callView, callerConversations, conversationCalls, syncedCall, T0 } from '../unit/sidebar/builders';

const CRAYONS_DIST = path.join(REAL_ROOT, 'node_modules/@freshworks/crayons/dist/crayons');
const FAKE_CLIENT = fs.readFileSync(path.join(__dirname, 'fake-client.js'), 'utf8');
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><path d="M4 6l4 4 4-4" fill="none" stroke="#475867" stroke-width="1.5"/></svg>';
const SHOTS = path.join(REAL_ROOT, '.tmp/screenshots');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

let server: http.Server;
let base: string;
let context: BrowserContext;
let profile: string;
const outside: string[] = [];

function serve(appDir: string): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (url.pathname === '/_test/appclient.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(FAKE_CLIENT);
      return;
    }
    const local = url.pathname.startsWith('/_local/crayons/');
    const file = local ? path.join(CRAYONS_DIST, url.pathname.slice('/_local/crayons/'.length)) : path.join(appDir, url.pathname === '/' ? 'index.html' : url.pathname);
    const within = local ? CRAYONS_DIST : appDir;
    if (!file.startsWith(within) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    let body: Buffer | string = fs.readFileSync(file);
    if (file.endsWith('index.html')) body = body.toString('utf8').replace('{{{appclient}}}', '/_test/appclient.js');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' }).end(body);
  });
}

beforeAll(async () => {
  const root = copyProject(REAL_ROOT, { fresh: true });
  await build(root, { crayons: 'local' });
  server = serve(path.join(root, 'app'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sidebar-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 340, height: 700 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    if (url.hostname === 'cdn.jsdelivr.net' && /crayons-icon.*\.svg$/.test(url.pathname)) return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: ICON });
    outside.push(url.href);
    return route.abort();
  });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 120000);

afterAll(async () => {
  if (context) await context.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  fs.rmSync(profile, { recursive: true, force: true });
  removeCopies();
});

afterEach(() => {
  expect(outside).toEqual([]);
});

interface Scenario {
  placement: 'conversation_card' | 'conversation_user_info';
  data: Record<string, unknown>;
  answers: Record<string, Array<{ response?: unknown; error?: { status: number; message: string } }>>;
  activateOnRegister?: boolean;
}

interface Log {
  invokes: Array<{ name: string; args: Record<string, unknown> }>;
  notices: Array<{ type: string; title: string; message: string }>;
  resizes: string[];
}

async function open(scenario: Scenario, page?: Page): Promise<{ page: Page; errors: string[] }> {
  const p = page || (await context.newPage());
  const errors: string[] = [];
  p.setDefaultTimeout(8000);
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.addInitScript((s) => {
    (window as unknown as { __scenario: unknown }).__scenario = s;
  }, scenario);
  await p.goto(base + '/index.html');
  return { page: p, errors };
}

function log(page: Page): Promise<Log> {
  return page.evaluate(() => (window as unknown as { __log: Log }).__log);
}

/** Crayons components are hydrated: each has its shadow root. */
async function hydrated(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => {
    const all = Array.from(document.querySelectorAll(s));
    return all.length > 0 && all.every((e) => e.shadowRoot !== null);
  }, selector);
}

const card = (answers: Scenario['answers'], extra: Partial<Scenario> = {}): Scenario =>
  Object.assign({ placement: 'conversation_card' as const, data: { currentCall: { id: 25847696 } }, answers }, extra);
const pane = (answers: Scenario['answers']): Scenario => ({
  placement: 'conversation_user_info',
  data: { conversation: { conversation_id: 'c0ffee00-1111-4222-8333-444455556666' } },
  answers,
});

describe('the Freshcaller card', () => {
  it('shows a synced call once per opening, even when app.activated fires as it registers', async () => {
    const { page, errors } = await open(card({ getCallSync: [{ response: callView() }] }, { activateOnRegister: true }));
    await page.getByText('Synced', { exact: true }).waitFor();
    await hydrated(page, 'fw-label');
    await hydrated(page, 'fw-format-date');
    await expect(page.locator('#target-heading').textContent()).resolves.toBe('Written to');
    await expect(page.getByText('matched user by phone …4821; most recent open conversation').count()).resolves.toBe(1);
    await page.waitForTimeout(300);
    const l = await log(page);
    expect(l.invokes).toEqual([{ name: 'getCallSync', args: { callId: '25847696' } }]);
    expect(l.resizes.length).toBeGreaterThan(0);
    for (const h of l.resizes) expect(parseInt(h, 10)).toBeLessThanOrEqual(700);
    await page.screenshot({ path: path.join(SHOTS, 'card-synced.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells a permanent failure apart, and Retry runs retryCallSync and redraws', async () => {
    const failed = callView({
      status: 'failed',
      written: [],
      failure: { code: 'unauthorized', reason: 'Freshchat refused the API key', permanent: true, at: T0, nextAt: null },
      canRetry: true,
    });
    const { page, errors } = await open(
      card({ getCallSync: [{ response: failed }], retryCallSync: [{ response: { code: 'synced', view: callView() } }] }),
    );
    await page.getByText('Freshchat refused the API key').waitFor();
    await page.getByText('Nothing retries this by itself', { exact: false }).waitFor();
    await hydrated(page, 'fw-button');
    await page.screenshot({ path: path.join(SHOTS, 'card-failed.png'), fullPage: true });
    // keyboard: the crayons button's own <button> (in its shadow root) takes focus and Enter
    await page.locator('#retry button').focus();
    await page.keyboard.press('Enter');
    await page.getByText('Synced', { exact: true }).waitFor();
    const l = await log(page);
    expect(l.invokes.map((i) => i.name)).toEqual(['getCallSync', 'retryCallSync']);
    expect(l.notices).toEqual([{ name: 'showNotify', type: 'success', title: 'Synced', message: 'The call is written to Freshchat.' }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('re-links through a searchable picker and says where the CSAT stayed', async () => {
    const moved = callView({
      link: { conversationId: 'new-conversation-0002', by: 'agent', reason: null },
      csat: { state: 'posted', rating: 4, conversationId: 'c0ffee00-1111-4222-8333-444455556666' },
    });
    const { page, errors } = await open(
      card({
        getCallSync: [{ response: callView() }],
        listCallerConversations: [{ response: callerConversations() }],
        relinkCall: [{ response: { code: 'synced', view: moved } }],
      }),
    );
    await hydrated(page, 'fw-button');
    await page.locator('#relink-open').click();
    await hydrated(page, 'fw-select');
    await page.locator('fw-select').click();
    const options = page.locator('fw-select fw-list-options fw-select-option');
    await options.first().waitFor();
    const texts = await options.evaluateAll((els) => els.map((e) => String((e as unknown as { text: string }).text)));
    expect(texts[0]).toContain('…ion-0002');
    expect(texts[texts.length - 1]).toContain('Resolved');
    await page.screenshot({ path: path.join(SHOTS, 'card-relink-picker.png'), fullPage: true });
    await options.first().click();
    await page.keyboard.press('Escape');
    await page.locator('#relink-confirm').click();
    await page.getByText('CSAT stays in conversation …55556666, where it was posted.').waitFor();
    const l = await log(page);
    expect(l.invokes.map((i) => i.name)).toEqual(['getCallSync', 'listCallerConversations', 'relinkCall']);
    expect(l.invokes[2]!.args).toEqual({ callId: '25847696', conversationId: 'new-conversation-0002' });
    expect(l.notices[0]).toMatchObject({ type: 'success', title: 'Linked' });
    await page.screenshot({ path: path.join(SHOTS, 'card-relinked.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a spent budget as a notice and an error state with Try again', async () => {
    const { page, errors } = await open(
      card({ getCallSync: [{ error: { status: 429, message: 'Rate limit exceeded' } }, { response: callView() }] }),
    );
    await page.getByText('Too many requests', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'card-error.png'), fullPage: true });
    expect((await log(page)).notices[0]).toMatchObject({ type: 'warning', title: 'Too many requests' });
    await page.getByText('Try again', { exact: true }).click();
    await page.getByText('Synced', { exact: true }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the Freshchat pane', () => {
  it('lists the calls newest first, folds follow-ups, opens recordings safely, and caches for the session', async () => {
    const answer = conversationCalls(
      [
        syncedCall({ callId: '1', outcome: 'missed', time: '2026-06-01T10:00:00.000Z', agent: null, duration: null }),
        syncedCall({
          callId: '2',
          outcome: 'answered',
          csat: '4 of 5',
          recordingUrl: 'https://recordings.example.test/2.mp3',
          followUps: [{ time: '2026-06-03T15:00:00.000Z', lines: ['Recording ready', '<b>not markup</b>'] }],
        }),
      ],
      { movedAway: [{ callId: '3', toConversationId: 'other-conversation-9999' }] },
    );
    const { page, errors } = await open(pane({ getConversationCalls: [{ response: answer }] }));
    await page.locator('.call').first().waitFor();
    await hydrated(page, 'fw-pill');
    const titles = await page.locator('.call').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(titles).toEqual(['Incoming call, answered', 'Incoming call, missed']);
    const link = page.locator('a.recording');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(page.getByText('<b>not markup</b>').isVisible()).resolves.toBe(false);
    await page.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByText('<b>not markup</b>').isVisible()).resolves.toBe(true);
    await expect(page.locator('.follow-up b').count()).resolves.toBe(0);
    await page.getByText('Call 3 was moved to conversation …ion-9999.').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'pane-calls.png'), fullPage: true });
    await page.reload();
    await page.locator('.call').first().waitFor();
    expect((await log(page)).invokes).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so when no call was synced into the conversation', async () => {
    const { page, errors } = await open(pane({ getConversationCalls: [{ response: conversationCalls([]) }] }));
    await page.getByText('No calls synced into this conversation yet').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'pane-empty.png'), fullPage: true });
    expect((await log(page)).invokes).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
