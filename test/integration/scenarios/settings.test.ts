// Scenario 8: the installation parameters change what the app writes
// (README.md "Installation parameters"). Each setting gets its own app instance (fresh stand-ins
// and store), since each one changes how the same sample call must end.
import { loadSeedFile } from '../../../tools/standins';
import { variant } from '../../support/fixtures';
import {
  advance,
  allAppNotes,
  appNotes,
  chatRequests,
  contractWatch,
  conversation,
  csatPosts,
  FULL_CALLER_NUMBER,
  logCodes,
  record,
  renamed,
  replay,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  type LocalApp,
} from '../../support/scenario';

const ANSWERED = 25847696;
const UNKNOWN_CALL = 25847800;
const UNKNOWN_NUMBER = '+14155550188';
const { jordanOpen } = SEED.conversations;
const seed = loadSeedFile().freshchat!;

/** The answered sample call, from a number no Freshchat user has. */
function answeredFromUnknown() {
  return renamed(sequence('answered-inbound'), { [ANSWERED]: UNKNOWN_CALL }, UNKNOWN_NUMBER);
}

/** One app per describe block, closed (and its coverage recorded) after it; contract checked per test. */
function appFor(overrides: Record<string, unknown>): { get(): LocalApp } {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  beforeAll(async () => {
    app = await startScenarioApp(overrides);
    watch = contractWatch(app);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });
  return { get: () => app };
}

describe('setting: resolve_policy never', () => {
  const handle = appFor({ resolve_policy: 'never' });

  test('an answered call changes no status and posts no CSAT; the rating goes into the note', async () => {
    const app = handle.get();
    await replay(app, 'answered-inbound');
    expect(conversation(app, jordanOpen).status).toBe('assigned');
    expect(chatRequests(app, 'PUT')).toEqual([]);
    expect(chatRequests(app, 'POST', /^\/v2\/csat\//)).toEqual([]);
    expect(app.standins.freshchat.state.csat).toEqual({});
    const summary = appNotes(app, jordanOpen, { callId: ANSWERED, kind: 'summary' });
    expect(summary).toHaveLength(1);
    expect(summary[0]!.lines).toContain('CSAT: 4/5 (caller pressed 4)');
    expect(record(app, ANSWERED)).toMatchObject({ status: 'synced', resolution: 'none', csat: { state: 'noted', rating: 4, key: 4 } });
  });
});

describe('setting: csat_scale 1-9', () => {
  const handle = appFor({ csat_scale: '1-9' });

  test('a caller who pressed 9 gives Freshchat rating 5', async () => {
    const app = handle.get();
    app.standins.freshcaller.setCallMetrics(ANSWERED, { csat: { transfer_made: true, outcome: 9 } });
    await replay(app, 'answered-inbound');
    expect(csatPosts(app, jordanOpen)).toEqual([expect.objectContaining({ rating: 5, issue_resolved: true })]);
    expect(appNotes(app, jordanOpen, { callId: ANSWERED, kind: 'summary' })[0]!.lines).toContain('CSAT: 5/5 (caller pressed 9)');
  });

  test('a caller who pressed 2 gives 1 + 1 x 4/8 = 1.5, rounded half up to 2', async () => {
    const app = handle.get();
    const events = renamed(sequence('answered-inbound'), { [ANSWERED]: 25847698 });
    setFreshcallerCall(app, events[4]!.data.call);
    app.standins.freshcaller.setCallMetrics(25847698, { csat: { transfer_made: true, outcome: 2 } });
    await replay(app, events);
    expect(csatPosts(app, jordanOpen).map((c) => c.rating)).toEqual([5, 2]);
  });
});

describe('setting: mask_caller_number on', () => {
  const handle = appFor({ mask_caller_number: true });

  test('no note holds a caller\'s full number: only its last 4 digits', async () => {
    const app = handle.get();
    for (const name of ['answered-inbound', 'missed-inbound', 'voicemail', 'outgoing-answered']) await replay(app, name);
    const notes = allAppNotes(app);
    expect(notes.filter((n) => n.kind === 'summary')).toHaveLength(4);
    for (const note of notes) expect(note.text).not.toMatch(FULL_CALLER_NUMBER);
    const callerLines = notes.filter((n) => n.kind === 'summary').map((n) => n.lines[1]);
    expect(callerLines.sort()).toEqual(['Called: \u20260199', 'Caller: \u20260123', 'Caller: \u20260142', 'Caller: \u20260199']);
  });
});

describe('setting: freshchat_channel_id empty', () => {
  const handle = appFor({ freshchat_channel_id: '' });

  test('an answered call from an unknown number stays unlinked and nothing is created', async () => {
    const app = handle.get();
    const results = await replay(app, answeredFromUnknown());
    // Waits for an agent to link it; the later recording event has nowhere to go either.
    expect(logCodes(results).slice(4)).toEqual(['unlinked', 'unlinked']);
    const state = app.standins.freshchat.state;
    expect(state.users).toHaveLength(seed.users!.length);
    expect(state.conversations).toHaveLength(seed.conversations!.length);
    expect(allAppNotes(app)).toEqual([]);
    expect(chatRequests(app).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(record(app, UNKNOWN_CALL)).toMatchObject({
      status: 'unlinked',
      link: { state: 'unlinked', conversationId: null, reason: 'no Freshchat user with phone \u20260188' },
      summary: 'none',
      failure: null,
    });
  });
});

describe('setting: freshchat_channel_id set, an unknown caller on a fresh installation', () => {
  const handle = appFor({});

  test('an answered call creates the user (E.164 phone) and a conversation whose first message is the summary', async () => {
    const app = handle.get();
    await replay(app, answeredFromUnknown());
    const state = app.standins.freshchat.state;
    const created = state.users.filter((u) => !seed.users!.some((s) => s.id === u.id));
    expect(created.map((u) => u.phone)).toEqual([UNKNOWN_NUMBER]);
    expect(chatRequests(app, 'POST', '/v2/users').map((r) => r.body)).toEqual([{ phone: UNKNOWN_NUMBER }]);
    const conversations = state.conversations.filter((c) => c.users.some((u) => u.id === created[0]!.id));
    expect(conversations).toHaveLength(1);
    const newConversation = conversations[0]!;
    expect(newConversation.channel_id).toBe(SEED.channel);
    const notes = appNotes(app, newConversation.conversation_id);
    expect(notes.map((n) => [n.index, n.kind])).toEqual([
      [0, 'summary'],
      [1, 'follow-up'],
    ]);
    expect(notes[0]).toMatchObject({ callId: String(UNKNOWN_CALL), messageType: 'private', actorId: SEED.agents.ava });
    expect(notes[0]!.lines.slice(0, 2)).toEqual(['Incoming call \u00b7 answered', 'Caller: +1 415 555 0188']);
    expect(newConversation.status).toBe('resolved');
    expect(record(app, UNKNOWN_CALL)).toMatchObject({
      status: 'synced',
      link: {
        state: 'linked',
        conversationId: newConversation.conversation_id,
        userId: created[0]!.id,
        by: 'app',
        reason: 'no Freshchat user with phone \u20260188; new user and conversation',
      },
      summary: 'written',
      resolution: 'resolved',
      uncertain: [],
      failure: null,
    });
  });

  test('a missed call from an unknown number creates nothing', async () => {
    const app = handle.get();
    const users = app.standins.freshchat.state.users.length;
    const conversations = app.standins.freshchat.state.conversations.length;
    const asked = chatRequests(app).length;
    const results = await replay(app, renamed(sequence('missed-inbound'), { 25847700: 25847801 }, '+14155550166'));
    expect(logCodes(results)).toEqual(['skipped', 'unlinked']);
    expect(app.standins.freshchat.state.users).toHaveLength(users);
    expect(app.standins.freshchat.state.conversations).toHaveLength(conversations);
    // Only the number's lookups: there is no conversation to read.
    expect(chatRequests(app).slice(asked).map((r) => r.method + ' ' + r.path)).toEqual(Array(4).fill('GET /v2/users'));
    expect(record(app, 25847801)).toMatchObject({ status: 'unlinked', link: { state: 'unlinked', conversationId: null }, summary: 'none' });
  });
});

describe('setting: freshchat_channel_id set, an unknown caller after another call was synced', () => {
  const handle = appFor({});

  test('the unknown caller still gets a user and a conversation with the summary', async () => {
    const app = handle.get();
    // Jordan's call: the app looks up Ava and caches the mapping in its store.
    await replay(app, 'answered-inbound');
    await replay(app, answeredFromUnknown());
    const stored = record(app, UNKNOWN_CALL);
    expect(stored).toMatchObject({ status: 'synced', summary: 'written', link: { state: 'linked' }, failure: null });
    const created = app.standins.freshchat.state.users.filter((u) => u.phone === UNKNOWN_NUMBER);
    expect(created).toHaveLength(1);
    expect(appNotes(app, String(stored.link.conversationId), { callId: UNKNOWN_CALL, kind: 'summary' })).toHaveLength(1);
    // Every conversation the app created carries this account's app_id.
    for (const request of chatRequests(app, 'POST', '/v2/conversations')) {
      expect((request.body as { app_id?: string }).app_id).toBe(SEED.appId);
    }
  });
});

describe('setting: note_timing complete', () => {
  const handle = appFor({ note_timing: 'complete' });
  let events: ReturnType<typeof sequence>;

  test('every event of the call costs nothing: no request, no storage operation; one schedule waits', async () => {
    const app = handle.get();
    events = sequence('answered-inbound');
    const results = await replay(app, events);
    // Freshcaller has the call as its last event describes it (recording included).
    setFreshcallerCall(app, events[events.length - 1]!.data.call);
    for (const result of results) {
      expect(result.requests).toEqual([]);
      expect(result.dbOps).toEqual([]);
    }
    expect(logCodes(results)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'scheduled', 'scheduled']);
    expect(allAppNotes(app, { callId: ANSWERED })).toEqual([]);
    expect(app.runtime.schedules().map((s) => s.name)).toEqual(['nt-' + ANSWERED]);
  });

  test('5 minutes after the call ended: one complete note, with the final notes and the recording; resolved, rated once', async () => {
    const app = handle.get();
    const ran = await advance(app, 6 * 60_000);
    expect(ran.map((r) => r.handler)).toEqual(['onScheduledEventHandler']);
    const notes = allAppNotes(app, { callId: ANSWERED });
    expect(notes.map((n) => n.kind)).toEqual(['summary']);
    expect(notes[0]!.text).toContain('Customer asked to move the delivery to Friday');
    expect(notes[0]!.text).toContain('/recording/13258090');
    expect(conversation(app, jordanOpen).status).toBe('resolved');
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
    // The run read the call once from Freshcaller and wrote note, resolve and rating: no follow-up, no second look.
    const templates = ran[0]!.requests.map((r) => r.template);
    expect(templates.filter((t) => t === 'callerGetCall')).toHaveLength(1);
    expect(templates.filter((t) => t === 'callerGetCallMetrics')).toHaveLength(1);
    expect(record(app, ANSWERED)).toMatchObject({ status: 'synced', summary: 'written', resolution: 'resolved', csat: { state: 'posted' } });
  });

  test('a fact that comes after the note is a follow-up, again after 5 minutes, and the record read then', async () => {
    const app = handle.get();
    const late = variant(events[events.length - 1]!, (p) => {
      const before = String(p.data.call.call_notes);
      p.data.call.call_notes = before + ' Also: a refund of 20 was agreed.';
      p.data.changes = { call_notes: [p.data.call.call_notes, before] };
    });
    setFreshcallerCall(app, late.data.call);
    const [result] = await replay(app, [late]);
    expect(logCodes([result!])).toEqual(['scheduled']);
    await advance(app, 6 * 60_000);
    expect(allAppNotes(app, { callId: ANSWERED }).map((n) => n.kind)).toEqual(['summary', 'follow-up']);
    expect(csatPosts(app, jordanOpen)).toHaveLength(1);
  });
});
