// Robustness: calls that are unusual but real, through the shipped server/server.js: caller
// numbers stored nationally or not numbers at all, call notes with accents and emoji edited
// later, missing or very long durations, very long notes, transfers arriving before their root
// call, CSAT keys on every scale (and off it), settings given as strings or of the wrong type,
// scheduled events the app did not create, left by its first version, or whose call Freshcaller no
// longer has, and a CSAT survey still open when the call ends (the queued `look`).
import {
  advance,
  allAppNotes,
  appNotes,
  callerRequests,
  chatRequests,
  contractWatch,
  costOf,
  csatPosts,
  FREE,
  ONE_READ,
  renamed,
  SEED,
  sequence,
  setFreshcallerCall,
  startScenarioApp,
  useSettings,
  type AppNote,
  type LocalApp,
  type Payload,
  forgetCallers,
} from '../../support/scenario';
import {
  agentOf,
  customerOf,
  fire,
  fireOn,
  laterUpdate,
  outcomeOf,
  primeDrain,
  queued,
  recordIn,
  recordSideRuntimes,
  sideRuntimeLogLeaks,
  runCodes,
  runLines,
  schedulesFor,
  sideRuntime,
  stepsOf,
} from '../../support/robustness';

const JORDAN = '+14155550123';
const SAM = '+14155550199';
const RILEY = '+14155550142';
const { jordanOpen, sam, riley } = SEED.conversations;

/** The one summary note of a call, wherever it went. */
function summaryOf(app: LocalApp, callId: number): AppNote {
  const notes = allAppNotes(app, { callId, kind: 'summary' });
  expect(notes).toHaveLength(1);
  return notes[0]!;
}

/** Unpaired surrogates: a note cut inside an emoji. */
const BROKEN_UTF16 = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('robustness: unusual calls', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  const record = (id: number) => recordIn(app.runtime, id);

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    await primeDrain(app.runtime);
  });
  afterEach(() => {
    app.standins.freshchat.clearFaults();
    app.standins.freshcaller.clearFaults();
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
    expect(sideRuntimeLogLeaks(app)).toEqual([]);
  });
  afterAll(async () => {
    recordSideRuntimes();
    await app.stop();
  });

  describe('caller numbers', () => {
    test('stored nationally in the event, "(415) 555-0123", with the US business number: still Jordan', async () => {
      const id = 26200001;
      const result = await fire(app, outcomeOf('missed-inbound', id, '(415) 555-0123'));
      // Looked up in E.164 first, which is how Jordan is stored: one lookup.
      expect(result.requests.filter((r) => r.template === 'chatFindUsersByPhone')).toHaveLength(1);
      expect(chatRequests(app, 'GET', '/v2/users').slice(-1)[0]!.query.phone_no).toBe(JORDAN);
      expect(record(id)).toMatchObject({ link: { state: 'linked', conversationId: jordanOpen, reason: 'matched user by phone \u20260123; most recent open conversation' } });
      expect(summaryOf(app, id).lines).toContain('Caller: +1 415 555 0123');
    });

    test('a business number without "+" still gives the region: "415-555-0199" is Sam', async () => {
      const id = 26200002;
      await fire(app, outcomeOf('missed-inbound', id, '415-555-0199', (call) => {
        call.phone_number = '18582810798';
      }));
      expect(record(id)).toMatchObject({ link: { conversationId: sam }, summary: 'written' });
      const summary = summaryOf(app, id);
      expect(summary.conversationId).toBe(sam);
      expect(summary.lines).toEqual(expect.arrayContaining(['Caller: +1 415 555 0199', 'Business number: +1 858 281 0798 \u00b7 queue Support queue']));
    });

    test.each([
      ['anonymous', 26200003],
      ['12', 26200004],
      ['', 26200005],
    ])('an unusable caller number (%j): no lookup, nothing created, unlinked with a reason', async (number, id) => {
      const users = app.standins.freshchat.state.users.length;
      // A voicemail, which may create a user and a conversation for a number it can use.
      const event = outcomeOf('voicemail', id, undefined, (_call, customer) => {
        customer.caller_number = number;
      });
      const result = await fire(app, event);
      expect(record(id)).toMatchObject({ status: 'unlinked', link: { state: 'unlinked', conversationId: null, reason: 'the caller has no usable phone number' }, summary: 'none', failure: null });
      expect(app.standins.freshchat.state.users).toHaveLength(users);
      expect(queued(app.runtime, id)).toEqual([]);
      // Waiting for an agent to link it: the recording arriving later asks nothing of Freshchat.
      const recording = { id: 1, url: 'https://acme.freshcaller.com/api/v1/calls/' + id + '/recording/1' };
      const again = await fire(app, laterUpdate(event, 1, { recording: [recording, null] }, (call) => {
        call.recording = recording;
      }));
      expect(costOf(again)).toMatchObject({ requests: 0, reads: 1 });
      expect(record(id)).toMatchObject({ status: 'unlinked', link: { state: 'unlinked' }, summary: 'none' });
      // No number to look up: no request at all, and the run code says why nothing was written.
      expect(result.requests).toEqual([]);
      expect(runCodes(result)).toEqual([['info', 'unlinked']]);
    });

    test('a Freshchat user stored as E.164 digits without "+" ("14155550172") is found', async () => {
      const user = app.standins.freshchat.addUser({ phone: '14155550172', first_name: 'Dana' });
      const conversationId = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000f2', users: [{ id: user.id }], status: 'new' }).conversation_id;
      const id = 26200008;
      const result = await fire(app, outcomeOf('missed-inbound', id, '+14155550172'));
      expect(chatRequests(app, 'GET', '/v2/users').slice(-2).map((r) => [r.query.phone_no, r.status])).toEqual([['+14155550172', 200], ['14155550172', 200]]);
      expect(runCodes(result)).toEqual([['info', 'synced']]);
      expect(record(id)).toMatchObject({ link: { state: 'linked', conversationId, userId: user.id, reason: 'matched user by phone \u20260172; most recent open conversation' } });
      expect(summaryOf(app, id).conversationId).toBe(conversationId);
    });

    test('a call without a business number: the queue is named alone, and an E.164 caller is still found', async () => {
      const id = 26200006;
      await fire(app, outcomeOf('missed-inbound', id, RILEY, (call) => {
        call.phone_number = null;
      }));
      const summary = summaryOf(app, id);
      expect(summary.conversationId).toBe(riley);
      expect(summary.lines).toContain('Queue: Support queue');
      expect(summary.lines.some((l) => l.startsWith('Business number'))).toBe(false);
    });

    test('a business number that is not a phone number is shown as given; an E.164 caller is still found', async () => {
      const id = 26200007;
      await fire(app, outcomeOf('missed-inbound', id, RILEY, (call) => {
        call.phone_number = '+999 12';
      }));
      const summary = summaryOf(app, id);
      expect(summary.conversationId).toBe(riley);
      expect(summary.lines).toEqual(expect.arrayContaining(['Caller: +1 415 555 0142', 'Business number: +999 12 \u00b7 queue Support queue']));
    });
  });

  describe('call notes', () => {
    const id = 26200010;
    const FIRST = 'Café crème for señor Müller \u2014 wants a callback \ud83d\ude00';
    const EDITED = 'Café crème for señor Müller \u2014 wants a callback at 17:00 \ud83d\udcde\u2705';
    let first: Payload;
    let edited: Payload;

    test('with accents and emoji: written as given in the summary, fingerprinted in the record', async () => {
      first = outcomeOf('answered-inbound', id, SAM, (call) => {
        call.call_notes = FIRST;
      });
      const result = await fire(app, first);
      expect(summaryOf(app, id).lines).toContain('Call notes: ' + FIRST);
      expect(record(id)).toMatchObject({ summary: 'written', notesFp: expect.stringMatching(/^[0-9a-f]{8}$/) });
      expect(JSON.stringify(app.runtime.store('freshcaller').peek('call:' + id))).not.toContain('Müller');
      expect(result.logs.map((l) => l.message).join('\n')).not.toContain('Müller');
    });

    test('edited later: exactly one "Call notes updated" follow-up, which does not repeat the summary', async () => {
      edited = laterUpdate(first, 3, { call_notes: [EDITED, FIRST] }, (call) => {
        call.call_notes = EDITED;
      });
      await fire(app, edited);
      const followUps = allAppNotes(app, { callId: id, kind: 'follow-up' });
      expect(followUps).toHaveLength(1);
      expect(followUps[0]!.lines).toEqual(['Call notes updated: ' + EDITED]);
      expect(followUps[0]!.text).not.toMatch(BROKEN_UTF16);
    });

    test('the same edit delivered again costs one read; only whitespace added writes nothing to Freshchat', async () => {
      const again = await fire(app, edited);
      const padded = await fire(app, laterUpdate(edited, 1, { call_notes: [EDITED + '  \n', EDITED] }, (call) => {
        call.call_notes = EDITED + '  \n';
      }));
      expect(costOf(again)).toEqual(ONE_READ);
      // A newer snapshot of the call: the record may take its time (claim and save), nothing more.
      expect(costOf(padded)).toMatchObject({ requests: 0, reads: 1, schedules: 0 });
      expect(costOf(padded).dbOps).toBeLessThanOrEqual(3);
      expect(allAppNotes(app, { callId: id })).toHaveLength(2);
    });

    test('a card number in the notes is removed, other digit runs kept', async () => {
      const nid = 26200011;
      await fire(app, outcomeOf('missed-inbound', nid, RILEY, (call) => {
        call.call_notes = 'Paid with 5555 5555 5555 4444, order 12345678.';
      }));
      expect(summaryOf(app, nid).lines).toContain('Call notes: Paid with [card number removed], order 12345678.');
      expect(JSON.stringify(app.standins.freshchat.state.messages)).not.toContain('5555 5555');
    });

    test.each([
      ['emoji only', '\ud83d\ude00'.repeat(2600), 26200012],
      ['a letter, then emoji', 'a' + '\ud83d\ude00'.repeat(2600), 26200013],
    ])('too long for one note (%s): cut to fit, never inside an emoji, the identifying line kept', async (_label, notes, nid) => {
      await fire(app, outcomeOf('missed-inbound', nid, RILEY, (call) => {
        call.call_notes = notes;
      }));
      const summary = summaryOf(app, nid);
      expect(summary.text.length).toBeLessThanOrEqual(4000);
      expect(summary.text.length).toBeGreaterThan(3900);
      expect(summary.text).not.toMatch(BROKEN_UTF16);
      const line = summary.lines.find((l) => l.startsWith('Call notes: '))!;
      expect(line.endsWith('\u2026')).toBe(true);
      expect(summary.lines[summary.lines.length - 1]).toBe('Freshcaller call ' + nid);
    });

    test('a queue name longer than a note: the note is capped and still ends with its identifying line', async () => {
      const nid = 26200014;
      await fire(app, outcomeOf('missed-inbound', nid, RILEY, (call) => {
        call.assigned_call_queue_name = 'Q'.repeat(4100);
      }));
      const summary = summaryOf(app, nid);
      expect(summary.text.length).toBe(4000);
      expect(summary.text.endsWith('\u2026\nCall Sync \u00b7 call ' + nid + ' \u00b7 summary')).toBe(true);
    });
  });

  describe('durations and outcomes', () => {
    test('bill_duration null: the caller\'s own duration is used', async () => {
      const id = 26200020;
      await fire(app, outcomeOf('missed-inbound', id, RILEY, (call, customer) => {
        call.bill_duration = null;
        customer.duration = 95;
      }));
      expect(summaryOf(app, id).lines).toContain('Duration: 1m 35s');
    });

    test('no duration anywhere: no duration line rather than a wrong one', async () => {
      const id = 26200021;
      await fire(app, outcomeOf('missed-inbound', id, RILEY, (call, customer) => {
        call.bill_duration = null;
        customer.duration = null;
      }));
      expect(summaryOf(app, id).lines.filter((l) => l.startsWith('Duration'))).toEqual([]);
    });

    test('over an hour: hours, minutes and seconds', async () => {
      const id = 26200022;
      await fire(app, outcomeOf('missed-inbound', id, RILEY, (call) => {
        call.bill_duration = 3725;
      }));
      expect(summaryOf(app, id).lines).toContain('Duration: 1h 02m 05s');
    });

    test('completed, but no agent ever connected (the call ended in the IVR): missed', async () => {
      const id = 26200023;
      const event = outcomeOf('answered-inbound', id, RILEY, (call) => {
        const agent = call.participants.find((p) => p.participant_type === 'Agent')!;
        agent.call_status = 3;
        agent.duration = 0;
      });
      const result = await fire(app, event);
      expect(result.requests.map((r) => r.template)).not.toContain('callerGetCallMetrics');
      expect(summaryOf(app, id).lines[0]).toBe('Incoming call \u00b7 missed');
      expect(record(id)).toMatchObject({ outcome: 'missed' });
      expect(record(id)!.resolution).not.toBe('resolved');
    });

    test('an agent who talked (duration > 0) whatever their status code: answered', async () => {
      const id = 26200024;
      const event = outcomeOf('answered-inbound', id, RILEY, (call) => {
        agentOfCall(call).call_status = 3;
      });
      await fire(app, event);
      expect(summaryOf(app, id).lines[0]).toBe('Incoming call \u00b7 answered');
      expect(record(id)).toMatchObject({ outcome: 'answered', resolution: 'resolved' });
    });

    test('a blocked call is never logged: nothing read, nothing asked', async () => {
      const id = 26200025;
      const result = await fire(app, outcomeOf('missed-inbound', id, RILEY, (_call, customer) => {
        customer.call_status = 9;
      }));
      expect(costOf(result)).toEqual(FREE);
      expect(runCodes(result)).toEqual([['info', 'skipped']]);
      expect(record(id)).toBeUndefined();
    });

    test('an update of a finished call that changes only bookkeeping (a linked ticket, the time) costs nothing', async () => {
      const id = 26200026;
      const done = outcomeOf('missed-inbound', id, RILEY);
      await fire(app, done);
      const ticket = [{ id: 90001, type: 'freshdesk_ticket' }];
      const update = laterUpdate(done, 2, { integrated_resources: [ticket, []], cost: [0.0085, null] }, (call) => {
        call.integrated_resources = ticket;
      });
      const result = await fire(app, update);
      expect(costOf(result)).toEqual(FREE);
      expect(runCodes(result)).toEqual([['info', 'skipped']]);
    });

    test('changes given as bare values instead of pairs are still read: the outcome is synced', async () => {
      const id = 26200027;
      const event = outcomeOf('missed-inbound', id, RILEY, (_call, _customer, payload) => {
        payload.data.changes = { bill_duration: 31, participants: [[{ call_status: 3 }], [{ call_status: 6 }]] };
      });
      await fire(app, event);
      expect(record(id)).toMatchObject({ summary: 'written', failure: null });
    });
  });

  test('an update whose changes have odd shapes (a bare recording text, an id cleared, a number as text) syncs from the call itself', async () => {
    const id = 26200028;
    const done = outcomeOf('voicemail', id, RILEY);
    await fire(app, done);
    const recording = { id: 7, url: 'https://acme.freshcaller.com/api/v1/calls/' + id + '/recording/7' };
    const update = laterUpdate(done, 2, {
      recording: ['processing', recording],
      assigned_agent_id: [null, 67030],
      parent_call_id: [null, 26200000],
      root_call_id: [null, 26200000],
      bill_duration: [null, '58'],
    }, (call) => {
      call.recording = recording;
    });
    const result = await fire(app, update);
    expect(runCodes(result)).toEqual([['info', 'synced']]);
    expect(stepsOf(runLines(result)[0]!)).toEqual(['post_follow_up']);
    expect(allAppNotes(app, { callId: id, kind: 'follow-up' }).map((n) => n.lines)).toEqual([['Recording ready: ' + recording.url]]);
  });

  describe('a transferred leg that arrives before its root call ends', () => {
    const ROOT_ID = 26200030;
    const LEG_ID = 26200031;
    let events: Payload[];

    beforeAll(() => {
      events = renamed(sequence('transfer'), { 25847740: ROOT_ID, 25847741: LEG_ID }, SAM);
      // The leg's agent is not named and no duration is known yet.
      const leg = events[4]!.data.call;
      leg.assigned_agent_name = null;
      leg.bill_duration = null;
      for (const p of leg.participants) p.duration = null;
    });

    test('the leg is recorded on the root call; nothing is asked of Freshchat yet', async () => {
      const result = await fire(app, events[4]!);
      expect(result.requests).toEqual([]);
      // The leg's line names the root call: the leg is folded into the root's record.
      expect(runLines(result).map((l) => [l.code, l.callId])).toEqual([['recorded', String(ROOT_ID)]]);
      expect(record(LEG_ID)).toBeUndefined();
      expect(record(ROOT_ID)).toMatchObject({
        link: { state: 'none', conversationId: null },
        summary: 'none',
        transfers: [{ leg: String(LEG_ID), agentName: null, durationSeconds: null, written: false }],
      });
    });

    test('the leg again costs one read', async () => {
      expect(costOf(await fire(app, events[4]!))).toEqual(ONE_READ);
    });

    test('the root call\'s outcome writes one summary that names the transfer', async () => {
      await fire(app, events[3]!);
      const summary = summaryOf(app, ROOT_ID);
      expect(summary.conversationId).toBe(sam);
      expect(summary.lines).toContain('Transferred to: another agent');
      expect(allAppNotes(app, { callId: ROOT_ID })).toHaveLength(1);
      expect(allAppNotes(app, { callId: LEG_ID })).toEqual([]);
      expect(record(ROOT_ID)).toMatchObject({ summary: 'written', transfers: [expect.objectContaining({ written: true })] });
    });
  });

  describe('a transferred leg that ends while the root call\'s summary is still to be written (Freshchat failed)', () => {
    const ROOT_ID = 26200035;
    const LEG_ID = 26200036;
    let events: Payload[];

    beforeAll(() => {
      events = renamed(sequence('transfer'), { 25847740: ROOT_ID, 25847741: LEG_ID }, RILEY);
      setFreshcallerCall(app, events[3]!.data.call); // what the replay of the root call reads back
    });

    test('the root call\'s summary fails (503): linked, and queued for a retry', async () => {
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      const result = await fire(app, events[3]!);
      expect(runCodes(result)).toEqual([['error', 'deferred']]);
      expect(record(ROOT_ID)).toMatchObject({ link: { state: 'linked', conversationId: riley }, summary: 'none', uncertain: ['summary'], failure: { code: 'server' } });
      expect(queued(app.runtime, ROOT_ID)).toEqual([expect.objectContaining({ kind: 'retry' })]);
      expect(schedulesFor(app.runtime, ROOT_ID)).toEqual([]);
    });

    test('the leg is recorded on the root call without writing anything on its own', async () => {
      const result = await fire(app, events[4]!);
      // It may check whether the 503 wrote the summary after all (a read), but it writes nothing.
      expect(result.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(allAppNotes(app, { callId: ROOT_ID })).toEqual([]);
      expect(record(ROOT_ID)).toMatchObject({ summary: 'none', transfers: [{ leg: String(LEG_ID), agentName: 'Dan Fischer', durationSeconds: 70, written: false }] });
    });

    test('the retry writes one summary that names the transfer; no separate transfer note', async () => {
      await advance(app, 7 * 60_000);
      const notes = allAppNotes(app, { callId: ROOT_ID });
      expect(notes.map((n) => n.kind)).toEqual(['summary']);
      expect(notes[0]!.lines).toContain('Transferred to: Dan Fischer (1m 10s)');
      expect(record(ROOT_ID)).toMatchObject({ status: 'synced', summary: 'written', failure: null, transfers: [expect.objectContaining({ written: true })] });
      expect(queued(app.runtime, ROOT_ID)).toEqual([]);
    });
  });

  describe('which conversation, when a user has several', () => {
    // Each test looks the number up afresh: what an earlier test remembered would skip the lookup.
    beforeEach(() => forgetCallers(app));

    const PHONE = '+14155550111';
    let newestResolved: string;
    let olderOpen: string;

    beforeAll(() => {
      const user = app.standins.freshchat.addUser({ phone: PHONE, first_name: 'Alex' });
      olderOpen = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000a1', users: [{ id: user.id }], status: 'new', created_time: '2026-09-01T10:00:00.000Z' }).conversation_id;
      newestResolved = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000a2', users: [{ id: user.id }], status: 'resolved', created_time: '2026-10-01T10:00:00.000Z' }).conversation_id;
    });

    test('the newest is resolved: the most recent one that is not resolved is chosen', async () => {
      const id = 26200040;
      await fire(app, outcomeOf('missed-inbound', id, PHONE));
      expect(record(id)).toMatchObject({ link: { conversationId: olderOpen, reason: 'matched user by phone \u20260111; most recent conversation that is not resolved' } });
      expect(appNotes(app, olderOpen, { callId: id })).toHaveLength(1);
      expect(appNotes(app, newestResolved, { callId: id })).toEqual([]);
    });

    test('a conversation Freshchat no longer has (404) is skipped', async () => {
      const id = 26200041;
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/conversations/' + newestResolved, status: 404, times: 1 });
      await fire(app, outcomeOf('missed-inbound', id, PHONE));
      expect(record(id)).toMatchObject({ link: { conversationId: olderOpen, reason: 'matched user by phone \u20260111; most recent open conversation' } });
    });

    test('none of them can be read: unlinked with a reason, nothing written', async () => {
      const id = 26200042;
      app.standins.freshchat.injectFault({ method: 'GET', path: /^\/v2\/conversations\/[^/]+$/, status: 404, times: 2 });
      const result = await fire(app, outcomeOf('missed-inbound', id, PHONE));
      expect(record(id)).toMatchObject({ status: 'unlinked', link: { state: 'unlinked', conversationId: null, reason: 'matched user by phone \u20260111; their conversations could not be read' }, failure: null });
      expect(allAppNotes(app, { callId: id })).toEqual([]);
      expect(runCodes(result)).toEqual([['info', 'unlinked']]);
    });

    test('two users share a number and one has no conversation: the other one\'s is chosen, and the ambiguity recorded', async () => {
      const shared = '+14155550122';
      app.standins.freshchat.addUser({ phone: shared, first_name: 'Twin A' });
      const b = app.standins.freshchat.addUser({ phone: shared, first_name: 'Twin B' });
      const conversationB = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000b2', users: [{ id: b.id }], status: 'new' }).conversation_id;
      const id = 26200043;
      await fire(app, outcomeOf('missed-inbound', id, shared));
      expect(record(id)).toMatchObject({ link: { conversationId: conversationB, ambiguous: true } });
      expect(String(record(id)!.link.reason)).toContain('2 users share it');
    });

    test('two users share a number, the first listed has the newest conversation: theirs is chosen', async () => {
      const shared = '+14155550124';
      const c = app.standins.freshchat.addUser({ phone: shared, first_name: 'Twin C' });
      const d = app.standins.freshchat.addUser({ phone: shared, first_name: 'Twin D' });
      const newest = app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000c3', users: [{ id: c.id }], status: 'new', created_time: '2026-10-20T10:00:00.000Z' }).conversation_id;
      app.standins.freshchat.addConversation({ conversation_id: 'c0c00000-0000-4000-8000-0000000000d4', users: [{ id: d.id }], status: 'new', created_time: '2026-10-10T10:00:00.000Z' });
      const id = 26200044;
      await fire(app, outcomeOf('missed-inbound', id, shared));
      expect(record(id)).toMatchObject({ link: { conversationId: newest, ambiguous: true } });
    });
  });

  describe('scheduled events', () => {
    test.each([
      ['no data', undefined],
      ['data of another app', { job: 'nightly-report' }],
      ['a replay naming no call id', { kind: 'replay', callId: '../v2/agents' }],
    ])('%s: ignored, at no cost', async (_label, data) => {
      app.clock.advance(60_000);
      const result = await app.runtime.fireEvent('onScheduledEvent', data === undefined ? { event: 'onScheduledEvent' } : { event: 'onScheduledEvent', data });
      expect(result.problems).toEqual([]);
      expect(result.completed).toBe(true);
      expect(costOf(result)).toEqual(FREE);
      expect(runCodes(result)).toEqual([['info', 'skipped']]);
    });

    describe('one-time schedules left by the app\'s first version', () => {
      test('a replay (`rp-<id>`) runs its call through the pipeline once', async () => {
        const runtime = sideRuntime(app);
        await primeDrain(runtime);
        const id = 26200045;
        const event = outcomeOf('missed-inbound', id, RILEY);
        setFreshcallerCall(app, event.data.call);
        const result = await fireOn(runtime, { event: 'onScheduledEvent', data: { kind: 'replay', callId: String(id) } } as unknown as Payload);
        expect(result.requests.map((r) => r.template)).toEqual(expect.arrayContaining(['callerGetCall', 'chatPostMessage']));
        expect(appNotes(app, riley, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
        expect(recordIn(runtime, id)).toMatchObject({ status: 'synced', summary: 'written' });
        // Fired again (a schedule may fire twice): nothing more.
        await fireOn(runtime, { event: 'onScheduledEvent', data: { kind: 'replay', callId: String(id) } } as unknown as Payload);
        expect(appNotes(app, riley, { callId: id })).toHaveLength(1);
      });

      test('a CSAT look (`cs-<id>`) for a call the app has no record of writes nothing, and says so', async () => {
        const runtime = sideRuntime(app);
        await primeDrain(runtime);
        const result = await fireOn(runtime, { event: 'onScheduledEvent', data: { kind: 'csat', callId: '26299999' } } as unknown as Payload);
        expect(result.requests.filter((r) => r.template !== 'callerListCalls')).toEqual([]);
        expect(recordIn(runtime, '26299999')).toBeUndefined();
        expect(queued(runtime, '26299999')).toEqual([]);
        // Nothing was written to Freshchat: the scheduled event's code must not say `synced`.
        expect(runCodes(result)).toEqual([['info', 'nothing']]);
      });
    });

    test('a retry of a call Freshcaller no longer has (404): dropped, recorded as a permanent failure, nothing written', async () => {
      const id = 26200050;
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      await fire(app, outcomeOf('missed-inbound', id, RILEY)); // never added to Freshcaller
      expect(queued(app.runtime, id)).toHaveLength(1);
      const notesBefore = allAppNotes(app).length;

      const drains = await advance(app, 7 * 60_000);
      expect(drains.flatMap((d) => d.requests).filter((r) => r.template === 'callerGetCall').map((r) => [r.url.split('/').pop(), r.status])).toEqual([[String(id), 404]]);
      expect(allAppNotes(app)).toHaveLength(notesBefore);
      expect(queued(app.runtime, id)).toEqual([]);
      // Not retried any more: the sidebar must not keep saying "retrying" with a retry time gone by.
      expect(record(id)).toMatchObject({ summary: 'none', status: 'failed', failure: { permanent: true, nextAt: null } });
    });

    test('a retry whose call Freshcaller returns unreadable is dropped the same way', async () => {
      const id = 26200051;
      const event = outcomeOf('missed-inbound', id, RILEY);
      app.standins.freshcaller.addCall({ id, participants: 'none' } as never);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      await fire(app, event);
      const drains = await advance(app, 7 * 60_000);
      expect(drains.flatMap((d) => d.requests).filter((r) => r.template === 'callerGetCall').map((r) => r.status)).toEqual([200]);
      expect(allAppNotes(app, { callId: id })).toEqual([]);
      expect(queued(app.runtime, id)).toEqual([]);
      expect(record(id)).toMatchObject({ summary: 'none', status: 'failed', failure: { permanent: true, nextAt: null } });
    });

    test('a retry that finds the call still in progress in Freshcaller writes nothing', async () => {
      const id = 26200052;
      const event = outcomeOf('missed-inbound', id, RILEY);
      const inProgress = JSON.parse(JSON.stringify(event.data.call)) as Payload['data']['call'];
      customerOfCall(inProgress).call_status = 8;
      setFreshcallerCall(app, inProgress);
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      await fire(app, event);
      const drains = await advance(app, 7 * 60_000);
      expect(drains.flatMap((d) => d.requests).filter((r) => r.template === 'callerGetCall').map((r) => r.status)).toEqual([200]);
      expect(allAppNotes(app, { callId: id })).toEqual([]);
      expect(queued(app.runtime, id)).toEqual([]);
    });
  });

  describe('the CSAT survey still open when the call ends', () => {
    /** An answered call from Sam whose caller is still in the survey: the rating is `waiting`. */
    async function surveyOpen(id: number): Promise<number> {
      const event = outcomeOf('answered-inbound', id, SAM);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: null } });
      await fire(app, event);
      const at = app.clock.now();
      expect(record(id)).toMatchObject({ resolution: 'resolved', csat: { state: 'waiting', looks: 1, lookAt: at + 10 * 60_000 } });
      expect(queued(app.runtime, id)).toEqual([expect.objectContaining({ kind: 'look', due: at + 10 * 60_000 })]);
      expect(schedulesFor(app.runtime, id)).toEqual([]);
      return at;
    }

    test('Freshcaller no longer has the metrics at the look: the app stops looking', async () => {
      const id = 26200060;
      await surveyOpen(id);
      app.standins.freshcaller.injectFault({ method: 'GET', path: '/api/v1/calls/' + id + '/call_metrics', status: 404 });
      await advance(app, 11 * 60_000);
      expect(callerRequests(app, 'GET', '/api/v1/calls/' + id + '/call_metrics')).toHaveLength(2);
      expect(record(id)).toMatchObject({ csat: { state: 'none', rating: null, looks: 2, lookAt: null } });
      expect(allAppNotes(app, { callId: id })).toHaveLength(1);
      expect(queued(app.runtime, id)).toEqual([]);
    });

    test('the caller is still in the survey at the look: `gave_up`, no third look, nothing posted', async () => {
      const id = 26200061;
      const posted = csatPosts(app, sam).length;
      await surveyOpen(id);
      await advance(app, 11 * 60_000);
      expect(record(id)).toMatchObject({ csat: { state: 'gave_up', rating: null, looks: 2, lookAt: null } });
      expect(queued(app.runtime, id)).toEqual([]);
      await advance(app, 30 * 60_000);
      expect(callerRequests(app, 'GET', '/api/v1/calls/' + id + '/call_metrics')).toHaveLength(2);
      expect(csatPosts(app, sam)).toHaveLength(posted);
      expect(allAppNotes(app, { callId: id })).toHaveLength(1);
    });

    test('the caller rates during the wait: the look posts the rating once, after the resolve', async () => {
      const id = 26200062;
      const posted = csatPosts(app, sam).length;
      await surveyOpen(id);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 4 } });
      await advance(app, 11 * 60_000);
      expect(csatPosts(app, sam).slice(posted)).toEqual([expect.objectContaining({ rating: 4, issue_resolved: true })]);
      expect(record(id)).toMatchObject({ csat: { state: 'posted', rating: 4, key: 4, looks: 2, lookAt: null } });
      await advance(app, 30 * 60_000);
      expect(csatPosts(app, sam).slice(posted)).toHaveLength(1);
    });
  });
});

function agentOfCall(call: Payload['data']['call']): Payload['data']['call']['participants'][number] {
  return agentOf({ data: { call } } as Payload)!;
}

function customerOfCall(call: Payload['data']['call']): Payload['data']['call']['participants'][number] {
  return customerOf({ data: { call } } as Payload);
}

describe('robustness: settings in unusual shapes', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;

  beforeAll(async () => {
    // What an older installation page, or an admin API, may store: a comma-separated string, a
    // checkbox as text, a dropdown value in other case with spaces.
    app = await startScenarioApp({ log_call_types: 'missed, Voicemail', mask_caller_number: 'true', resolve_policy: ' Answered ', csat_scale: '1-2' });
    watch = contractWatch(app);
    await primeDrain(app.runtime);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('log_call_types "missed, Voicemail": a missed call is logged, masked as mask_caller_number "true" asks', async () => {
    const id = 26200100;
    await fire(app, outcomeOf('missed-inbound', id, JORDAN));
    const summary = summaryOf(app, id);
    expect(summary.lines).toContain('Caller: \u20260123');
    expect(summary.text).not.toContain('555 0123');
  });

  test('an answered call is not in "missed, Voicemail": nothing read, nothing asked', async () => {
    const result = await fire(app, outcomeOf('answered-inbound', 26200101, JORDAN));
    expect(costOf(result)).toEqual(FREE);
    expect(runCodes(result)).toEqual([['info', 'skipped']]);
  });

  describe('csat_scale 1-2 (all types logged)', () => {
    beforeAll(() => useSettings(app, { log_call_types: ['answered', 'missed'], mask_caller_number: 'false', csat_scale: '1-2' }));

    test.each([
      [1, 5, 26200110],
      [2, 1, 26200111],
    ])('key %i gives Freshchat rating %i, posted once after the resolution', async (key, rating, id) => {
      const event = outcomeOf('answered-inbound', id, SAM);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: key } });
      const posted = csatPosts(app, sam).length;
      await fire(app, event);
      expect(csatPosts(app, sam).slice(posted)).toEqual([expect.objectContaining({ rating, issue_resolved: true })]);
      expect(summaryOf(app, id).lines).toContain('CSAT: ' + rating + '/5 (caller pressed ' + key + ')');
      expect(summaryOf(app, id).lines).toContain('Caller: +1 415 555 0199');
    });

    test('key 3 is off the 1-2 scale: no rating posted or written', async () => {
      const id = 26200112;
      const event = outcomeOf('answered-inbound', id, SAM);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 3 } });
      const posted = csatPosts(app, sam).length;
      await fire(app, event);
      expect(csatPosts(app, sam)).toHaveLength(posted);
      expect(summaryOf(app, id).lines.filter((l) => l.startsWith('CSAT'))).toEqual([]);
      expect(recordIn(app.runtime, id)).toMatchObject({ csat: { state: 'none', rating: null } });
    });
  });

  test('csat_scale 1-5 and key 7: off the scale, no CSAT posted', async () => {
    useSettings(app, { csat_scale: '1-5', log_call_types: ['answered'] });
    const id = 26200120;
    const event = outcomeOf('answered-inbound', id, RILEY);
    setFreshcallerCall(app, event.data.call);
    app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 7 } });
    await fire(app, event);
    expect(csatPosts(app, riley)).toEqual([]);
    expect(recordIn(app.runtime, id)).toMatchObject({ summary: 'written', csat: { state: 'none' } });
  });

  test('csat_scale 1-9 and key 0: off the scale, no CSAT posted', async () => {
    useSettings(app, { csat_scale: '1-9', log_call_types: ['answered'] });
    const id = 26200121;
    const event = outcomeOf('answered-inbound', id, RILEY);
    setFreshcallerCall(app, event.data.call);
    app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 0 } });
    await fire(app, event);
    expect(recordIn(app.runtime, id)).toMatchObject({ summary: 'written', csat: { state: 'none' } });
  });

  test('settings missing fall back to the defaults: every type logged, full number, resolved', async () => {
    useSettings(app, { resolve_policy: 'always' });
    for (const key of ['log_call_types', 'mask_caller_number', 'csat_scale', 'freshchat_channel_id']) delete app.runtime.iparams[key];
    const id = 26200130;
    await fire(app, outcomeOf('answered-inbound', id, JORDAN));
    expect(summaryOf(app, id).lines).toContain('Caller: +1 415 555 0123');
    expect(recordIn(app.runtime, id)).toMatchObject({ outcome: 'answered', resolution: 'resolved', summary: 'written' });
  });

  test('settings of the wrong type fall back to the defaults too', async () => {
    useSettings(app, { log_call_types: 5, mask_caller_number: 1, resolve_policy: null, csat_scale: 9 });
    const id = 26200131;
    await fire(app, outcomeOf('missed-inbound', id, JORDAN));
    expect(summaryOf(app, id).lines).toContain('Caller: +1 415 555 0123');
    expect(recordIn(app.runtime, id)).toMatchObject({ outcome: 'missed', summary: 'written' });
  });

  test('resolve_policy never: a CSAT that comes in at the look goes into a follow-up note, not to Freshchat', async () => {
    useSettings(app, { resolve_policy: 'never', log_call_types: ['answered'], csat_scale: '1-5' });
    const id = 26200140;
    const event = outcomeOf('answered-inbound', id, SAM);
    setFreshcallerCall(app, event.data.call);
    app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: null } });
    const posted = csatPosts(app, sam).length;
    await fire(app, event);
    expect(recordIn(app.runtime, id)).toMatchObject({ csat: { state: 'waiting' }, resolution: 'none' });
    expect(queued(app.runtime, id)).toEqual([expect.objectContaining({ kind: 'look' })]);

    app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 4 } });
    await advance(app, 11 * 60_000);
    const followUps = allAppNotes(app, { callId: id, kind: 'follow-up' });
    expect(followUps.map((n) => n.lines)).toEqual([['CSAT: 4/5 (caller pressed 4)']]);
    expect(csatPosts(app, sam)).toHaveLength(posted);
    expect(callerRequests(app, 'GET', '/api/v1/calls/' + id + '/call_metrics')).toHaveLength(2);
    expect(recordIn(app.runtime, id)).toMatchObject({ resolution: 'none', csat: { state: 'noted', rating: 4, key: 4, looks: 2 } });
    expect(queued(app.runtime, id)).toEqual([]);
  });
});
