// Real headless Chromium for browser tests (Debian's /usr/bin/chromium driven by playwright-core;
// never `npx playwright install`). Each browser gets a fresh profile folder; every request that
// is not to 127.0.0.1/localhost is aborted and recorded, so no test request leaves the machine;
// console errors and page errors are collected for the test to assert on. Screenshots go to
// test-output/screenshots/ (gitignored). Front-end coverage: the local server serves
// app/scripts/*.js instrumented, and collectAppCoverage reads window.__coverage__ from the app's
// frames for tools/coverage to report.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Frame, type Page } from 'playwright-core';
import { ROOT } from './fixtures';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  /** Requests to anything but this machine, aborted. */
  blocked: string[];
  /** Console messages of type error, and uncaught page errors, with the page URL. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

function isLocal(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost';
  } catch {
    return false;
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM + ' is missing: install Debian\'s chromium (apt-get install -y chromium; .ci/run does it)');
  const profile = mkdtempSync(join(tmpdir(), 'callsync-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const watch = (page: Page): void => {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') errors.push(page.url() + ': ' + message.text());
    });
    page.on('pageerror', (err: Error) => errors.push(page.url() + ': ' + err.message));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    blocked,
    errors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The frame of the app inside a placement host page (the iframe #app-frame). */
export async function appFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#app-frame');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the placement page has no app frame');
  return frame;
}

/** Waits until every element matching `selector` is a hydrated crayons component (it has its shadow root). */
export async function waitForHydrated(frame: Frame | Page, selector: string, timeoutMs = 10_000): Promise<number> {
  await frame.waitForFunction(
    (sel: string) => {
      const elements = Array.from(document.querySelectorAll(sel));
      return elements.length > 0 && elements.every((el) => el.shadowRoot !== null);
    },
    selector,
    { timeout: timeoutMs },
  );
  return frame.evaluate((sel: string) => document.querySelectorAll(sel).length, selector);
}

export async function screenshot(page: Page, name: string, selector?: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, name.replace(/[^\w.-]+/g, '-') + '.png');
  if (selector) await (await page.waitForSelector(selector)).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** window.__coverage__ of a frame (an instrumented app/scripts file ran there), or undefined. */
export async function frameCoverage(frame: Frame): Promise<Record<string, unknown> | undefined> {
  const coverage = await frame.evaluate(() => (window as unknown as { __coverage__?: unknown }).__coverage__ || null);
  return coverage ? (coverage as Record<string, unknown>) : undefined;
}

/**
 * Records the coverage of every frame of `page` that ran instrumented app/scripts code
 * (tools/coverage); `servedFrom` is the project copy the app was served from, when not ROOT.
 */
export async function recordPageCoverage(page: Page, servedFrom: string = ROOT): Promise<number> {
  const { recordAppCoverage } = await import('../../tools/coverage/shipped-coverage');
  let recorded = 0;
  for (const frame of page.frames()) {
    const coverage = await frameCoverage(frame).catch(() => undefined);
    if (!coverage) continue;
    recordAppCoverage(ROOT, coverage, servedFrom);
    recorded += 1;
  }
  return recorded;
}
