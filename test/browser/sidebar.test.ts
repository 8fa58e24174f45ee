// The sidebar as an agent uses it: the real app, built from app/src with crayons from the local
// server, in both placements of the local page (tools/start), against the real server.js in the
// local runtime and the stand-in APIs over HTTP, in headless Chromium. Every assertion is on
// state: what the stand-ins hold, what the app stored, what the card and the pane draw (their
// crayons attributes and data), and what the stand-in platform client reported to the host page.
// One session, one browser and one project copy for the file; the stand-ins are reset where a
// case needs a fresh start. app/scripts/app.js is served instrumented and every page's coverage
// is recorded for tools/coverage/report.ts.
import type { Frame, Page } from 'playwright-core';
import { build } from '../../tools/build/index';
import { ManualClock } from '../../tools/runtime';
import { sampleCallIds } from '../../tools/start/dev-page';
import { startDevServer, type DevServer } from '../../tools/start/dev-server';
import { haveIcons } from '../../tools/start/icons';
import { startLocalSession, type LocalSession } from '../../tools/start/session';
import { appFrame, launchBrowser, recordPageCoverage, screenshot, waitForHydrated, type Browser } from '../support/browser';
import { ROOT } from '../support/fixtures';
import { appNotes, renamed, SEED, sequence, type LocalApp } from '../support/scenario';
import { copyProject, removeCopies } from '../tooling/helpers';

const { jordanResolved, jordanOpen, sam } = SEED.conversations;
const ANSWERED = '25847696';
const MISSED = '25847700';
const UNKNOWN_CALLER = '25847730';
const LIVE = 25849101;
/** The card's status chip for each stored record status (app/src/view/card-view.ts). */
const LABELS: Record<string, string> = { synced: 'Synced', unlinked: 'Not linked', failed: 'Failed', live: 'Live call' };

let appCopy: string;
let session: LocalSession;
let dev: DevServer;
let browser: Browser;
let page: Page | null = null;

beforeAll(async () => {
  if (!haveIcons(ROOT)) throw new Error('crayons icons missing: run npm run icons (npm test does)');
  // the app built as `npm start` builds it (crayons from /_local/crayons/), in a copy, so the
  // project's own app/index.html stays the shippable one (crayons from jsDelivr)
  appCopy = copyProject(ROOT, { fresh: true });
  await build(appCopy, { crayons: 'local' });
  session = await startLocalSession({ root: ROOT, appRoot: appCopy, clock: new ManualClock(Date.UTC(2026, 10, 2, 14)), skipBuild: true });
  dev = await startDevServer(session, 0, { instrumentApp: true });
  browser = await launchBrowser();
  await session.replayAll();
});

afterAll(async () => {
  await closePage();
  if (browser) await browser.close();
  if (dev) await dev.close();
  if (session) await session.close();
  removeCopies();
});

// The platform's budgets are per minute, and the manual clock does not move by itself: each case
// starts in a fresh minute (the cases that spend a budget do it on purpose).
beforeEach(() => newMinute());

function newMinute(): void {
  session.runtime.requestBudget.reset();
  session.runtime.dbBudget.reset();
  session.runtime.serverMethodBudget.reset();
}

afterEach(() => {
  expect(browser.blocked).toEqual([]);
  expect(browser.errors).toEqual([]);
});

// --- helpers ----------------------------------------------------------------------------------

/** Records the page's coverage and checks what the stand-in client saw: no platform rule broken, the frame within 700 px. */
async function closePage(): Promise<void> {
  if (!page) return;
  await recordPageCoverage(page, appCopy);
  if ((await page.locator('#app-frame').count()) > 0) {
    expect(await page.locator('#problems li').allTextContents()).toEqual([]);
    const height = await page.evaluate(() => (document.getElementById('app-frame') as HTMLIFrameElement).getBoundingClientRect().height);
    expect(height).toBeLessThanOrEqual(700);
  }
  await page.close();
  page = null;
}

/** Opens a placement in a new tab (a fresh session cache, as a new agent tab has). */
async function open(path: string): Promise<{ page: Page; frame: Frame }> {
  await closePage();
  const p = await browser.newPage();
  p.setDefaultTimeout(10_000);
  page = p;
  await p.goto(dev.url + path);
  const frame = await appFrame(p);
  await frame.waitForSelector('#panel > header.head, #panel > .state.error, #panel > .state.empty');
  return { page: p, frame };
}

const openCard = (callId: string | number) => open('placements/conversation_card?call=' + callId);
const openPane = (conversationId: string) => open('placements/conversation_user_info?conversation=' + conversationId);

async function settle(p: Page, frame: Frame): Promise<void> {
  await waitForHydrated(frame, 'fw-label, fw-pill, fw-button, fw-format-date, fw-inline-message').catch(() => undefined);
  await p.waitForTimeout(300); // the last resize reaches the host page
}

/** The frame area only, at sidebar width (test-output/screenshots/). */
async function shot(p: Page, frame: Frame, name: string): Promise<void> {
  await settle(p, frame);
  await screenshot(p, name, '#app-frame');
}

const statusOf = (frame: Frame): Promise<string | null> => frame.getAttribute('header.head fw-label', 'value');
const paneCallIds = (frame: Frame): Promise<string[]> =>
  frame.locator('li.call').evaluateAll((items) => items.map((li) => li.getAttribute('data-call-id') || ''));
const invokes = (p: Page, name: string): Promise<number> => p.locator('#client-log li', { hasText: 'request.invoke ' + name + ' →' }).count();
const notices = (p: Page, type: string): Promise<string[]> => p.locator(`#notices .notice[data-type="${type}"]`).allTextContents();

function notes(conversationId: string, filter: { callId?: string | number; kind?: 'summary' | 'follow-up' | 'moved' } = {}) {
  return appNotes({ standins: session.standins } as unknown as LocalApp, conversationId, filter);
}

/** The calls a conversation's pane must list: a summary in it, newest first, not moved away since. */
function expectedPaneCalls(conversationId: string): string[] {
  const moved = new Set(notes(conversationId, { kind: 'moved' }).map((n) => n.callId));
  return notes(conversationId, { kind: 'summary' })
    .map((n) => n.callId)
    .filter((id) => !moved.has(id))
    .reverse();
}

function storedStatus(callId: string): string {
  const record = session.runtime.store('freshcaller').peek('call:' + callId) as { status?: string; link?: { conversationId: string | null } } | undefined;
  return record && record.status ? record.status : 'none';
}

function storedLink(callId: string): string | null {
  const record = session.runtime.store('freshcaller').peek('call:' + callId) as { link: { conversationId: string | null } };
  return record.link.conversationId;
}

function storedLinkState(callId: string): string {
  const record = session.runtime.store('freshcaller').peek('call:' + callId) as { link: { state: string } };
  return record.link.state;
}

const short = (id: string): string => '…' + id.slice(-8);

/** Presses Tab until the element with `id` has the focus in the app's frame (at most 12 times). */
async function tabTo(p: Page, frame: Frame, id: string): Promise<void> {
  await frame.locator('h1').click();
  for (let i = 0; i < 12; i += 1) {
    await p.keyboard.press('Tab');
    if ((await frame.evaluate(() => (document.activeElement ? document.activeElement.id : ''))) === id) return;
  }
  throw new Error('#' + id + ' is not reachable with Tab');
}

/** A call still in progress in the stand-in Freshcaller: a seeded call's caller, a new id (test/integration/sidebar/card-methods.test.ts). */
function addLiveCall(from: string, id: number, callerNumber?: string): void {
  const seeded = session.standins.freshcaller.state.calls.find((c) => String(c.id) === from);
  type Participant = { call_id: number; call_status: number; participant_type: string; caller_number: string | null };
  const call = JSON.parse(JSON.stringify(seeded)) as { id: number; participants: Participant[]; bill_duration: number | null; recording: unknown };
  call.id = id;
  call.bill_duration = null;
  call.recording = null;
  for (const participant of call.participants) {
    participant.call_id = id;
    participant.call_status = 8; // in progress
    if (callerNumber && participant.participant_type === 'Customer') participant.caller_number = callerNumber;
  }
  session.standins.freshcaller.addCall(call as never);
}

async function resetAll(): Promise<void> {
  const response = await fetch(dev.url + 'api/reset', { method: 'POST' });
  expect(response.status).toBe(200);
}

/** Spends the rest of the installation's 50 server-method calls of this minute, as other agents' tabs would. */
async function spendBudget(): Promise<void> {
  for (let i = session.runtime.serverMethodBudget.used(); i < 50; i += 1) {
    await fetch(dev.url + '_local/placement/conversation_card/invoke', { method: 'POST', body: JSON.stringify({ name: 'getCallSync', args: { callId: ANSWERED } }) });
  }
}

// --- the sample calls, replayed ----------------------------------------------------------------

describe('the sample calls, replayed through the app', () => {
  test('every sample call has a Freshcaller card showing its stored status and conversation', async () => {
    const ids = session.samples.flatMap(sampleCallIds);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    for (const id of ids) {
      const { page: p, frame } = await openCard(id);
      await waitForHydrated(frame, 'fw-label');
      // a transferred leg's card shows its root call
      const shown = ((await frame.textContent('#panel-title')) || '').replace('Call ', '');
      const status = storedStatus(shown);
      expect([id, await statusOf(frame)]).toEqual([id, LABELS[status]]);
      const link = storedLink(shown);
      if (link) expect(await frame.textContent('.target-label')).toBe('Conversation ' + short(link));
      if (status === 'synced') expect(await frame.locator('.items .item-label', { hasText: 'Call summary note' }).count()).toBeGreaterThanOrEqual(1);
      expect(await invokes(p, 'getCallSync')).toBe(1); // one server-method call per opening
      if (id === ANSWERED) {
        expect(await frame.textContent('#target-heading')).toBe('Written to');
        await shot(p, frame, 'card-synced');
      }
    }
  });

  test("each seeded conversation's pane lists exactly the calls whose summary is in it, newest first", async () => {
    for (const conversation of session.standins.freshchat.state.conversations) {
      const { page: p, frame } = await openPane(conversation.conversation_id);
      expect([conversation.conversation_id, await paneCallIds(frame)]).toEqual([conversation.conversation_id, expectedPaneCalls(conversation.conversation_id)]);
      expect(await invokes(p, 'getConversationCalls')).toBe(1);
      if (conversation.conversation_id === jordanOpen) {
        await waitForHydrated(frame, 'fw-pill');
        await shot(p, frame, 'pane-calls');
      }
    }
  });

  test('the pane reads the notes, not the call store: with the Freshcaller store emptied it still lists the calls', async () => {
    const saved = session.runtime.store('freshcaller').keys().map((key) => [key, session.runtime.store('freshcaller').peek(key)] as const);
    session.runtime.store('freshcaller').clear();
    try {
      const { frame } = await openPane(jordanOpen);
      expect(await paneCallIds(frame)).toEqual(expectedPaneCalls(jordanOpen));
      expect(expectedPaneCalls(jordanOpen).length).toBeGreaterThan(0);
    } finally {
      for (const [key, value] of saved) session.runtime.store('freshcaller').set(key, value);
    }
  });

  test('a call in the pane: outcome, facts, the follow-ups folded (opened with the keyboard), the recording opened safely', async () => {
    const { page: p, frame } = await openPane(jordanOpen);
    const call = frame.locator(`li.call[data-call-id="${ANSWERED}"]`);
    expect(await call.locator('fw-pill').first().textContent()).toBe('answered');
    expect(await call.locator('dt').allTextContents()).toEqual(expect.arrayContaining(['Time', 'Duration', 'Agent', 'CSAT']));
    const link = call.locator('a.recording');
    expect(await link.getAttribute('href')).toMatch(/^https:\/\//);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await call.locator('details.follow-ups').getAttribute('open')).toBeNull();
    await call.locator('summary').focus();
    await p.keyboard.press('Enter');
    expect(await call.locator('details.follow-ups').getAttribute('open')).toBe('');
    expect(await call.locator('.follow-up p').count()).toBeGreaterThan(0);
  });

  test("the pane's answer is cached for the session; Refresh reads it again", async () => {
    const { page: p, frame } = await openPane(jordanOpen);
    await p.click('#reload'); // the host page's "Reload the app": the same tab, its session cache
    await frame.waitForSelector('li.call');
    const reloaded = await appFrame(p);
    await reloaded.waitForSelector('li.call');
    expect(await invokes(p, 'getConversationCalls')).toBe(0);
    await reloaded.locator('#refresh').click();
    await p.locator('#client-log li', { hasText: 'request.invoke getConversationCalls → answer' }).waitFor();
    expect(await paneCallIds(reloaded)).toEqual(expectedPaneCalls(jordanOpen));
    // a double click on Refresh reads once
    await reloaded.evaluate(() => {
      const button = document.getElementById('refresh') as HTMLElement;
      button.click();
      button.click();
    });
    await p.locator('#client-log li', { hasText: 'request.invoke getConversationCalls → answer' }).nth(1).waitFor();
    await reloaded.waitForSelector('li.call');
    await p.waitForTimeout(300);
    expect(await invokes(p, 'getConversationCalls')).toBe(2);
  });

  test('an unreadable cached answer is dropped and read afresh', async () => {
    const { page: p, frame } = await openPane(jordanOpen);
    await frame.evaluate((id) => sessionStorage.setItem('callsync:conversation:' + id, '{"not":"calls"}'), jordanOpen);
    await p.click('#reload');
    await p.locator('#client-log li', { hasText: 'request.invoke getConversationCalls → answer' }).waitFor();
    const reloaded = await appFrame(p);
    await reloaded.waitForSelector('li.call');
    expect(await paneCallIds(reloaded)).toEqual(expectedPaneCalls(jordanOpen));
    expect(await reloaded.getAttribute('html', 'data-cache')).toMatch(/^off: /);
  });

  test('the empty state, for a conversation with no app notes', async () => {
    expect(notes(jordanResolved)).toEqual([]);
    const { page: p, frame } = await openPane(jordanResolved);
    expect(await frame.textContent('.state.empty')).toBe('No calls synced into this conversation yet');
    expect(await frame.locator('li.call').count()).toBe(0);
    expect(await frame.textContent('header.head .muted')).toBe('0 calls');
    await shot(p, frame, 'pane-empty');
  });

  test('an unknown caller: the card says not linked, and the picker says there is nothing to link to', async () => {
    const { page: p, frame } = await openCard(UNKNOWN_CALLER);
    expect(await statusOf(frame)).toBe('Not linked');
    await frame.locator('#relink-open').click();
    await frame.getByText('This caller has no Freshchat user, so there is nothing to link to.').waitFor();
    expect(await invokes(p, 'listCallerConversations')).toBe(1);
    // the inline message's fw-icon draws an icon crayons fetched from this machine
    await frame.waitForFunction(() => {
      const message = document.querySelector('#relink fw-inline-message');
      const icon = message && message.shadowRoot ? message.shadowRoot.querySelector('fw-icon') : null;
      return !!(icon && icon.shadowRoot && icon.shadowRoot.querySelector('svg'));
    });
    await frame.getByText('Close', { exact: true }).click();
    expect(await frame.locator('#relink').innerHTML()).toBe('');
    expect(await frame.evaluate(() => (document.activeElement ? document.activeElement.id : ''))).toBe('relink-open');
  });
});

// --- re-linking a written call -----------------------------------------------------------------

describe('re-linking moves the note', () => {
  test('the picker lists the caller\'s conversations; Link moves the summary, leaves a moved note, and the card says so', async () => {
    expect(storedLink(ANSWERED)).toBe(jordanOpen);
    const { page: p, frame } = await openCard(ANSWERED);
    // keyboard: Tab reaches "Link to another conversation" and Enter opens the picker
    await tabTo(p, frame, 'relink-open');
    await p.keyboard.press('Enter');
    await waitForHydrated(frame, 'fw-select');
    expect(await invokes(p, 'listCallerConversations')).toBe(1);
    await frame.locator('fw-select').click();
    const options = frame.locator('fw-select fw-list-options fw-select-option');
    await options.first().waitFor();
    const texts = await options.evaluateAll((els) => els.map((e) => String((e as unknown as { text: string }).text)));
    expect(texts).toEqual(expect.arrayContaining([expect.stringContaining(short(jordanOpen) + ' (linked now)'), expect.stringContaining(short(jordanResolved))]));
    await shot(p, frame, 'card-picker-open');
    await options.filter({ hasText: short(jordanResolved) }).click();
    await p.keyboard.press('Escape');
    expect(await frame.getAttribute('#relink-confirm', 'disabled')).toBeNull();
    await frame.locator('#relink-confirm').click();
    await frame.waitForFunction((id) => (document.querySelector('.target-label') || { textContent: '' }).textContent === 'Conversation ' + id, short(jordanResolved));
    // the stand-in: the summary in the new conversation (once), the moved note in the old one
    expect(notes(jordanResolved, { callId: ANSWERED, kind: 'summary' })).toHaveLength(1);
    const moved = notes(jordanOpen, { callId: ANSWERED, kind: 'moved' });
    expect(moved).toHaveLength(1);
    expect(moved[0]!.text).toContain(jordanResolved);
    expect(storedLink(ANSWERED)).toBe(jordanResolved);
    expect(await notices(p, 'success')).toEqual(['Linked: The call now goes to conversation ' + short(jordanResolved) + '.']);
    // the card: the moved note among what was written, and where the CSAT stayed
    expect(await frame.locator('.items .item-label', { hasText: '"Moved" note left' }).count()).toBe(1);
    await frame.getByText('CSAT stays in conversation ' + short(jordanOpen) + ', where it was posted.').waitFor();
    await shot(p, frame, 'card-relinked');
  });

  test('both panes show it: the new one lists the call, the old one says it moved', async () => {
    const now = await openPane(jordanResolved);
    expect(await paneCallIds(now.frame)).toEqual([ANSWERED]);
    expect(expectedPaneCalls(jordanResolved)).toEqual([ANSWERED]);
    const old = await openPane(jordanOpen);
    expect(await paneCallIds(old.frame)).toEqual(expectedPaneCalls(jordanOpen));
    expect(await paneCallIds(old.frame)).not.toContain(ANSWERED);
    expect(await old.frame.textContent('p.moved')).toBe(`Call ${ANSWERED} was moved to conversation ${short(jordanResolved)}.`);
    await shot(old.page, old.frame, 'pane-after-move');
  });

  test('a second call moved out (from another agent\'s card): the old pane counts them', async () => {
    const TRANSFER = '25847740';
    expect(storedLink(TRANSFER)).toBe(jordanOpen);
    await session.advanceClock(1); // a minute after the first move: the notes' times tell them apart
    const response = await fetch(dev.url + '_local/placement/conversation_card/invoke', { method: 'POST', body: JSON.stringify({ name: 'relinkCall', args: { callId: TRANSFER, conversationId: jordanResolved } }) });
    expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
    expect(notes(jordanOpen, { kind: 'moved' }).map((n) => n.callId).sort()).toEqual([ANSWERED, TRANSFER].sort());
    const { frame } = await openPane(jordanOpen);
    expect(await paneCallIds(frame)).toEqual(expectedPaneCalls(jordanOpen));
    expect(await frame.textContent('p.moved')).toBe('2 calls were moved to other conversations.');
    const now = await openPane(jordanResolved);
    expect(await paneCallIds(now.frame)).toEqual(expectedPaneCalls(jordanResolved));
    expect((await paneCallIds(now.frame)).sort()).toEqual([ANSWERED, TRANSFER].sort());
  });
});

// --- a live call -------------------------------------------------------------------------------

describe('a live call', () => {
  beforeAll(async () => {
    await resetAll();
    addLiveCall(ANSWERED, LIVE);
  });

  test('the card says where the outcome will go and why, then refreshes on call.ended with what was written', async () => {
    const { page: p, frame } = await openCard(LIVE);
    expect(await statusOf(frame)).toBe('Live call');
    expect(await frame.textContent('#target-heading')).toBe('Will be written to');
    expect(await frame.textContent('.target-label')).toBe('Conversation ' + short(jordanOpen));
    expect(await frame.textContent('.reason')).toContain('most recent open conversation');
    expect(notes(jordanOpen, { callId: LIVE })).toEqual([]);
    await shot(p, frame, 'card-live');

    for (const payload of renamed(sequence('answered-inbound'), { [Number(ANSWERED)]: LIVE })) await session.simulatePayload(payload.event, payload);
    expect(notes(jordanOpen, { callId: LIVE, kind: 'summary' })).toHaveLength(1);
    await p.click('#call-ended');
    await frame.waitForFunction(() => {
      const label = document.querySelector('header.head fw-label');
      return !!label && label.getAttribute('value') === 'Synced';
    });
    expect(await frame.textContent('#target-heading')).toBe('Written to');
    expect(await invokes(p, 'getCallSync')).toBe(2);
    // two call.ended in a row while the first reload runs: one more read, not two
    await p.evaluate(() => {
      const button = document.getElementById('call-ended') as HTMLButtonElement;
      button.click();
      button.click();
    });
    await p.locator('#client-log li', { hasText: 'event call.ended' }).nth(2).waitFor();
    await p.waitForTimeout(500);
    expect(await invokes(p, 'getCallSync')).toBe(3);
  });

  test('a spent budget refuses the Link in words; the picker stays, and Link works once the minute is over', async () => {
    const { page: p, frame } = await openCard(LIVE);
    await frame.locator('#relink-open').click();
    await waitForHydrated(frame, 'fw-select');
    await frame.locator('fw-select').click();
    await frame.locator('fw-select fw-list-options fw-select-option', { hasText: short(jordanResolved) }).click();
    await p.keyboard.press('Escape');
    await spendBudget();
    try {
      await frame.locator('#relink-confirm').click();
      await p.locator('#notices .notice[data-type="warning"]').waitFor();
      expect(await notices(p, 'warning')).toEqual(["Too many requests: This app's 50 requests a minute are used up. Try again in a minute."]);
      expect(await frame.getAttribute('#relink-confirm', 'disabled')).toBeNull(); // not left busy
      expect(storedLink(String(LIVE))).toBe(jordanOpen);
    } finally {
      newMinute();
    }
    await frame.locator('#relink-confirm').click();
    await frame.waitForFunction((id) => (document.querySelector('.target-label') || { textContent: '' }).textContent === 'Conversation ' + id, short(jordanResolved));
    expect(storedLink(String(LIVE))).toBe(jordanResolved);
    expect(notes(jordanResolved, { callId: LIVE, kind: 'summary' })).toHaveLength(1);
    expect(notes(jordanOpen, { callId: LIVE, kind: 'moved' })).toHaveLength(1);
  });
});

// --- a failed call, and Retry ------------------------------------------------------------------

describe('a failed call', () => {
  beforeAll(async () => {
    await resetAll();
    session.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 403, times: Infinity });
    const response = await fetch(dev.url + 'api/simulate', { method: 'POST', body: JSON.stringify({ sample: 'missed-inbound', index: 0 }) });
    expect(response.status).toBe(200);
    for (let index = 1; index < (session.samples.find((s) => s.name === 'missed-inbound') as { events: unknown[] }).events.length; index += 1) {
      await session.simulate('missed-inbound', index);
    }
  });
  afterAll(() => session.standins.freshchat.clearFaults());

  test('the card shows the error in words and that nothing retries it by itself; the clock moving on changes nothing', async () => {
    expect(storedStatus(MISSED)).toBe('failed');
    await session.advanceClock(60);
    expect(storedStatus(MISSED)).toBe('failed');
    expect(notes(sam, { callId: MISSED })).toEqual([]);
    const { page: p, frame } = await openCard(MISSED);
    expect(await statusOf(frame)).toBe('Failed');
    const message = frame.locator('fw-inline-message[type="error"]');
    const reason = (session.runtime.store('freshcaller').peek('call:' + MISSED) as { failure: { reason: string } }).failure.reason;
    expect(await message.textContent()).toContain('Sync failed: ' + reason.replace(/\.?$/, '.') + ' Nothing retries');
    expect(await message.locator('.next').textContent()).toBe('Nothing retries this by itself: fix the cause, then press Retry.');
    await shot(p, frame, 'card-failed');
  });

  test('Retry while Freshchat still refuses: the card stays failed, with a notice', async () => {
    const { page: p, frame } = await openCard(MISSED);
    await frame.locator('#retry').click();
    await p.locator('#notices .notice[data-type="danger"]').waitFor();
    expect(await statusOf(frame)).toBe('Failed');
    expect(notes(sam, { callId: MISSED })).toEqual([]);
  });

  test('with the fault removed, Retry (reached with Tab, pressed with Enter) writes the summary once', async () => {
    session.standins.freshchat.clearFaults();
    const { page: p, frame } = await openCard(MISSED);
    await tabTo(p, frame, 'retry');
    await p.keyboard.press('Enter');
    await frame.waitForFunction(() => {
      const label = document.querySelector('header.head fw-label');
      return !!label && label.getAttribute('value') === 'Synced';
    });
    expect(storedStatus(MISSED)).toBe('synced');
    expect(notes(sam, { callId: MISSED, kind: 'summary' })).toHaveLength(1);
    expect(await notices(p, 'success')).toEqual(['Synced: The call is written to Freshchat.']);
    expect(await frame.locator('#retry').count()).toBe(0);
  });
});

// --- refusals and the platform's errors --------------------------------------------------------

describe('refusals', () => {
  test('a spent budget: the card shows Too many requests with Try again, and loads once the minute is over', async () => {
    await spendBudget();
    let p: Page;
    let frame: Frame;
    try {
      ({ page: p, frame } = await openCard(MISSED));
      expect(await frame.textContent('.state.error strong')).toBe('Too many requests');
      expect(await frame.getAttribute('.state.error fw-inline-message', 'type')).toBe('warning');
      expect(await notices(p, 'warning')).toHaveLength(1);
      expect(await p.locator('#client-log li', { hasText: 'request.invoke getCallSync → error 429' }).count()).toBe(1);
      await shot(p, frame, 'card-error');
    } finally {
      newMinute();
    }
    await frame.getByText('Try again', { exact: true }).click();
    await frame.waitForSelector('header.head fw-label[value="Synced"]');
  });

  test('the pane when Freshchat fails: an error state, and Try again lists the calls once it answers', async () => {
    session.standins.freshchat.injectFault({ method: 'GET', path: /\/messages/, status: 500, times: Infinity });
    let frame: Frame;
    try {
      ({ frame } = await openPane(sam));
      expect(await frame.locator('.state.error').count()).toBe(1);
      expect(await frame.locator('li.call').count()).toBe(0);
    } finally {
      session.standins.freshchat.clearFaults();
    }
    await frame.getByText('Try again', { exact: true }).click();
    await frame.waitForSelector('li.call');
    expect(await paneCallIds(frame)).toEqual(expectedPaneCalls(sam));
  });

  test('a conversation gone from Freshchat: the pane says so in words, as a refusal rather than a hiccup', async () => {
    session.standins.freshchat.injectFault({ method: 'GET', path: /\/messages/, status: 404, times: Infinity });
    try {
      const { page: p, frame } = await openPane(jordanResolved);
      expect(await frame.textContent('.state.error strong')).toBe('Request refused');
      expect(await frame.getAttribute('.state.error fw-inline-message', 'type')).toBe('error');
      expect(await p.locator('#client-log li', { hasText: 'request.invoke getConversationCalls → error 404' }).count()).toBe(1);
      expect(await notices(p, 'danger')).toHaveLength(1);
    } finally {
      session.standins.freshchat.clearFaults();
    }
  });

  test('the platform timing a server method out (504): a Timed out notice, and the picker does not open', async () => {
    const { page: p, frame } = await openCard(MISSED);
    await p.route('**/_local/placement/conversation_card/invoke', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, status: 504, message: 'Timeout error while processing the request' }) }),
    );
    await frame.locator('#relink-open').click();
    await p.locator('#notices .notice[data-type="warning"]').waitFor();
    expect(await notices(p, 'warning')).toEqual(['Timed out: The app took too long to answer. Try again in a moment.']);
    expect(await frame.locator('fw-select').count()).toBe(0);
    expect(await frame.getAttribute('#relink-open', 'disabled')).toBeNull();
    await p.unroute('**/_local/placement/conversation_card/invoke');
  });
});

// --- what else the card and the pane tell ---------------------------------------------------------

describe('what else the card and the pane tell', () => {
  beforeAll(() => resetAll());
  afterEach(() => session.standins.freshchat.clearFaults());

  test('a delayed sync: the card tells it apart from a failure, with when the app tries again by itself', async () => {
    session.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 429, times: Infinity });
    const voicemail = session.samples.find((s) => s.name === 'voicemail') as { events: unknown[] };
    for (let index = 0; index < voicemail.events.length; index += 1) await session.simulate('voicemail', index);
    const record = session.runtime.store('freshcaller').peek('call:25847710') as { failure: { permanent: boolean; nextAt: number | null } };
    expect(record.failure).toMatchObject({ permanent: false });
    expect(record.failure.nextAt).toEqual(expect.any(Number));
    const { page: p, frame } = await openCard('25847710');
    expect(await statusOf(frame)).toBe('Retrying');
    const message = frame.locator('fw-inline-message[type="warning"]');
    expect(await message.locator('strong').textContent()).toBe('Sync delayed: ');
    expect(await message.locator('.next').textContent()).toBe('The app tries again by itself at ');
    expect(await message.locator('.next fw-format-date').getAttribute('date')).toBe(new Date(record.failure.nextAt as number).toISOString());
    expect(await frame.locator('#pending-heading').textContent()).toBe('Still to do');
    await shot(p, frame, 'card-retrying');
  });

  test('two Freshchat users share the caller\'s number: the live card flags it', async () => {
    session.standins.freshchat.addUser({ phone: '+14155550123', first_name: 'Jo' } as never);
    addLiveCall(ANSWERED, 25849201);
    const { frame } = await openCard(25849201);
    expect(await statusOf(frame)).toBe('Live call');
    expect(await frame.textContent('.block fw-inline-message[type="warning"]')).toBe('2 users share this number: check that this is the right person.');
  });

  test('a caller with many conversations: the picker lists the 10 newest and says so; a conversation gone meanwhile is refused in words', async () => {
    const samUser = SEED.users.sam;
    const added: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      added.push(session.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000001' + String(i).padStart(2, '0'), users: [{ id: samUser }], status: i % 2 ? 'resolved' : 'new' } as never).conversation_id);
    }
    addLiveCall(MISSED, 25849301);
    const { page: p, frame } = await openCard(25849301);
    await frame.locator('#relink-open').click();
    await waitForHydrated(frame, 'fw-select');
    expect(await frame.textContent('.picker p.muted')).toMatch(/^Showing the 10 newest conversations of this caller\.$/);
    await frame.locator('fw-select').click();
    const options = frame.locator('fw-select fw-list-options fw-select-option');
    await options.first().waitFor();
    expect(await options.count()).toBe(10);
    const texts = await options.evaluateAll((els) => els.map((e) => String((e as unknown as { text: string }).text)));
    const free = texts.find((t) => t.indexOf('(linked now)') < 0) as string;
    const target = added.concat([sam]).find((id) => free.indexOf(short(id)) >= 0) as string;
    await options.filter({ hasText: short(target) }).click();
    await p.keyboard.press('Escape');
    session.standins.freshchat.injectFault({ method: 'GET', path: new RegExp('/conversations/' + target + '$'), status: 404, times: Infinity });
    await frame.locator('#relink-confirm').click();
    await p.locator('#notices .notice[data-type="danger"]').waitFor();
    const [refused] = await notices(p, 'danger');
    expect(refused).toMatch(/^Request refused: /);
    expect(storedLink('25849301')).not.toBe(target);
    expect(await frame.locator('fw-select').count()).toBe(1); // the picker stays for another choice
  });

  test('a caller with a Freshchat user but no conversation: the picker says there is none to link to', async () => {
    session.standins.freshchat.addUser({ phone: '+14155550166', first_name: 'Quinn' } as never);
    addLiveCall(ANSWERED, 25849401, '+14155550166');
    const { page: p, frame } = await openCard(25849401);
    // still live: its outcome may yet create a conversation, so it is not settled as unlinked
    expect(await statusOf(frame)).toBe('Live call');
    expect(storedLinkState('25849401')).toBe('none');
    await frame.locator('#relink-open').click();
    await frame.getByText('This caller has no Freshchat conversations.').waitFor();
    expect(await invokes(p, 'listCallerConversations')).toBe(1);
  });

  test('a long conversation: the pane says only its most recent notes were read', async () => {
    for (let i = 0; i < 151; i += 1) {
      session.standins.freshchat.addMessage(sam, { actor_type: 'user', actor_id: SEED.users.sam, message_parts: [{ text: { content: 'message ' + i } }] } as never);
    }
    const { frame } = await openPane(sam);
    expect(await frame.textContent('#panel > fw-inline-message')).toBe('This conversation is long: only its most recent notes were read.');
  });

  test('a call Freshcaller does not know: the card says so and offers nothing to do', async () => {
    session.standins.freshcaller.injectFault({ method: 'GET', path: /\/calls\/25847720/, status: 404, times: Infinity });
    try {
      const { frame } = await openCard('25847720');
      expect(await statusOf(frame)).toBe('Unknown call');
      expect(await frame.locator('fw-button').count()).toBe(0);
      expect(session.runtime.store('freshcaller').peek('call:25847720')).toBeUndefined();
    } finally {
      session.standins.freshcaller.clearFaults();
    }
  });
});

// --- the local page's own rules -----------------------------------------------------------------

describe("the stand-in platform client's rules, with the real app", () => {
  test('the front end gets the non-secure installation parameters only', async () => {
    const { frame } = await openCard(MISSED);
    const keys = await frame.evaluate(() =>
      (window as unknown as { app: { initialized(): Promise<{ iparams: { get(): Promise<Record<string, unknown>> } }> } }).app
        .initialized()
        .then((client) => client.iparams.get())
        .then((iparams) => Object.keys(iparams).sort()),
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => /api_key/.test(key))).toEqual([]);
  });

  test('an unknown call, conversation or placement is a 404 page; a path out of app/ is refused', async () => {
    expect((await fetch(dev.url + 'placements/conversation_card?call=1')).status).toBe(404);
    expect((await fetch(dev.url + 'placements/conversation_user_info?conversation=nope')).status).toBe(404);
    expect((await fetch(dev.url + 'placements/ticket_sidebar')).status).toBe(404);
    expect((await fetch(dev.url + 'app/..%2fmanifest.json')).status).toBe(404);
    expect((await fetch(dev.url + 'app/src/index.ts')).status).toBe(404);
  });

  test('the overview page and its favicon load without a console error', async () => {
    await closePage();
    const p = await browser.newPage();
    page = p;
    await p.goto(dev.url);
    await p.waitForLoadState('networkidle');
    const favicon = await fetch(dev.url + 'favicon.ico');
    expect([favicon.status, favicon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await p.locator('a.card-link').count()).toBeGreaterThan(0);
  });

  test('crayons components hydrate in both placements (each has its shadow root)', async () => {
    const card = await openCard(ANSWERED);
    for (const tag of ['fw-label', 'fw-format-date']) expect([tag, await waitForHydrated(card.frame, tag)]).toEqual([tag, expect.any(Number)]);
    const pane = await openPane(jordanResolved);
    for (const tag of ['fw-button']) expect([tag, await waitForHydrated(pane.frame, tag)]).toEqual([tag, expect.any(Number)]);
  });
});
