// The property suite is only worth its verdicts if its parts are right: the generator builds
// lifecycles that are what they claim (ids unique, times consistent, Freshcaller's view the call's
// final state, deliveries as specified), pendingWork sees what it should, and every check in
// checkCase fires on an outcome that breaks it (and stays silent on one that does not).
import fc from 'fast-check';
import type { InvocationResult } from '../../tools/runtime';
import {
  buildCase, caseArb, CASE_START, MAX_EVENTS, outcomeIndex, plainCall, type BuiltCase, type CaseSpec,
} from '../support/lifecycle-gen';
import { backlogCalls, pendingWork } from '../support/pending-work';
import { allAppNotes, SEED } from '../support/scenario';
import { checkCase, runCase, startPropertyApp, type CaseRun, type PropertyApp, type PropertyName, type Violation } from '../support/sync-harness';
import { loadIparams } from '../support/fixtures';

const iparams = loadIparams();
const properties = (violations: Violation[]): PropertyName[] => [...new Set(violations.map((v) => v.property))].sort();

describe('lifecycle generator', () => {
  const specs = fc.sample(caseArb(), { numRuns: 150, seed: 7 });

  test('root and leg ids are unique in a case; every event names its own call', () => {
    for (const spec of specs) {
      const built = buildCase(spec, iparams);
      const ids = built.calls.flatMap((c) => (c.legId ? [c.id, c.legId] : [c.id]));
      expect(new Set(ids).size).toBe(ids.length);
      for (const call of built.calls) {
        for (const event of call.events) expect([call.id, call.legId]).toContain(event.payload.data.call.id);
      }
    }
  });

  test("Freshcaller's view of a call is its last lifecycle snapshot, as recent as any event of it", () => {
    for (const spec of specs) {
      for (const call of buildCase(spec, iparams).calls) {
        for (const view of call.freshcallerView) {
          const own = call.lifecycle.filter((e) => e.payload.data.call.id === view.id);
          const last = own[own.length - 1]!.payload.data.call;
          expect({ ...view, updated_time: null }).toEqual({ ...last, updated_time: null });
          const newest = Math.max(...call.events.filter((e) => e.payload.data.call.id === view.id).map((e) => e.at));
          expect(Date.parse(String(view.updated_time))).toBe(newest);
        }
      }
    }
  });

  test('the timeline is in clock order, nothing is delivered before it happened, and copies follow the spec', () => {
    for (const spec of specs) {
      const built = buildCase(spec, iparams);
      const times = built.timeline.map((item) => item.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const item of built.timeline) if (item.kind === 'deliver') expect(item.at).toBeGreaterThanOrEqual(item.event.at);
      for (const call of built.calls) {
        call.lifecycle.forEach((event, n) => {
          const copies = built.timeline.filter((item) => item.kind === 'deliver' && item.event === event).length;
          const wanted = call.spec.deliveries[n]!.copies;
          if (wanted > 0) expect(copies).toBe(wanted);
          else expect(copies === 0 || (call.index === 0 && n === outcomeIndex(call.spec.kind))).toBe(true);
        });
      }
      const outcomes = built.calls.some((call) =>
        call.lifecycle.some((event, n) => n >= outcomeIndex(call.spec.kind) && built.timeline.some((item) => item.kind === 'deliver' && item.event === event)),
      );
      expect(outcomes).toBe(true);
    }
  });

  test('a concurrent duplicate sits right after its first copy, at the same time', () => {
    for (const spec of specs) {
      const timeline = buildCase(spec, iparams).timeline;
      timeline.forEach((item, i) => {
        if (item.kind !== 'deliver' || !item.concurrent) return;
        const before = timeline[i - 1]!;
        expect(before.kind === 'deliver' && before.event === item.event && before.at === item.at).toBe(true);
      });
    }
  });

  test('without chaos every event arrives once, when it happens; lifecycles end in their outcome', () => {
    for (const spec of fc.sample(caseArb({ chaos: false, faults: false }), { numRuns: 100, seed: 8 })) {
      const built = buildCase(spec, iparams);
      expect(spec.faults).toEqual([]);
      expect(built.dropped).toEqual([]);
      for (const item of built.timeline) if (item.kind === 'deliver') expect(item.at).toBe(item.event.at);
      for (const call of built.calls) {
        expect(call.lifecycle.length).toBeLessThanOrEqual(MAX_EVENTS);
        const times = call.lifecycle.map((e) => e.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(times[0]).toBeGreaterThanOrEqual(CASE_START);
      }
    }
  });

  test('who gets noted follows README.md and the default installation parameters', () => {
    const expectFor = (spec: CaseSpec): Array<boolean | 'maybe'> => buildCase(spec, iparams).calls.map((c) => c.expect.noted);
    const one = (kind: Parameters<typeof plainCall>[0], caller: Parameters<typeof plainCall>[1]): CaseSpec => ({ calls: [plainCall(kind, caller)], faults: [], runtime: {} });
    expect(expectFor(one('missed', 'sam'))).toEqual([true]);
    expect(expectFor(one('missed', 'stranger1'))).toEqual([false]);
    expect(expectFor(one('abandoned', 'stranger1'))).toEqual([false]);
    expect(expectFor(one('voicemail', 'stranger1'))).toEqual([true]);
    expect(expectFor(one('answered', 'stranger1'))).toEqual([true]);
    expect(expectFor({ calls: [plainCall('answered', 'stranger1'), plainCall('missed', 'stranger1')], faults: [], runtime: {} })).toEqual([true, 'maybe']);
    const never = buildCase({ calls: [plainCall('answered', 'jordan', { csat: { kind: 'rated', key: 4 } })], faults: [], runtime: {} }, { ...iparams, resolve_policy: 'never' });
    expect(never.calls[0]!.expect).toMatchObject({ noted: true, resolves: false, csatRating: null });
  });
});

describe('pendingWork', () => {
  let app: PropertyApp;
  beforeAll(async () => {
    app = await startPropertyApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test('lists one-time schedules and q:<slot> entries of pending calls, not the recurring schedule or other keys', async () => {
    app.newCase();
    expect(pendingWork(app)).toEqual([]);
    const at = new Date(CASE_START + 10 * 60_000).toISOString();
    await app.runtime.scheduler.create({ name: 'rp-1', data: {}, schedule_at: at });
    await app.runtime.scheduler.create({ name: 'tick', data: {}, schedule_at: at, repeat: { time_unit: 'minutes', frequency: 5 } });
    const store = app.runtime.store('freshcaller');
    store.seed('q:3', { c26000010: 1, c26000020: { at: 1 }, slot: 3 });
    store.seed('q:4', { next: 1 });
    store.seed('call:26000010', { c: 1 });
    expect(pendingWork(app)).toEqual(['schedule rp-1', 'queue q:3 c26000010', 'queue q:3 c26000020']);
  });

  test('backlogCalls counts calls due and not done, once each: carried in a schedule\'s data, queued and due, or a schedule of their own; not a kick, a complete note\'s wait or a queued item not due yet', async () => {
    app.newCase();
    const now = app.clock.now();
    expect(backlogCalls(app, now)).toBe(0);
    const at = new Date(CASE_START + 10 * 60_000).toISOString();
    await app.runtime.scheduler.create({ name: 'drain-1', data: { kind: 'drain' }, schedule_at: at });
    await app.runtime.scheduler.create({ name: 'nt-26000060', data: { kind: 'note', calls: ['26000060'] }, schedule_at: at });
    expect(backlogCalls(app, now)).toBe(0);
    await app.runtime.scheduler.create({ name: 'drain-2', data: { kind: 'calls', calls: ['26000010', '26000030', '26000040'] }, schedule_at: at });
    await app.runtime.scheduler.create({ name: 'rp-26000050', data: { kind: 'replay', callId: '26000050' }, schedule_at: at });
    app.runtime.store('freshcaller').seed('q:3', { c26000010: { d: now }, c26000020: { d: now - 1 }, c26000070: { d: now + 600_000 } });
    // 26000010 is both carried and queued: one call. 26000070 is not due for 10 minutes.
    expect(backlogCalls(app, now)).toBe(5);
    expect(backlogCalls(app, now + 600_000)).toBe(6);
  });

});

describe('checkCase fires on broken outcomes', () => {
  let app: PropertyApp;
  let built: BuiltCase;
  let run: CaseRun;
  const chat = (method: string, path: string, body: unknown): Promise<Response> =>
    fetch(app.standins.freshchat.url + path, {
      method,
      headers: { Authorization: 'Bearer ' + String(app.iparams.freshchat_api_key), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await startPropertyApp();
  });
  afterAll(async () => {
    await app.stop();
  });
  beforeEach(async () => {
    // Jordan's answered call (CSAT 4, recording later) and Sam's missed call, delivered plainly.
    const spec: CaseSpec = {
      calls: [plainCall('answered', 'jordan', { recordingLater: true, csat: { kind: 'rated', key: 4 } }), plainCall('missed', 'sam', { startSec: 300 })],
      faults: [],
      runtime: {},
    };
    built = buildCase(spec, iparams);
    run = await runCase(app, built);
  });

  test('a plain run of the current app breaks nothing', () => {
    expect(checkCase(app, built, run)).toEqual([]);
    expect(allAppNotes(app, { kind: 'summary' }).map((n) => n.callId).sort()).toEqual(['26000010', '26000020']);
  });

  test('a second summary, a note in a stranger\'s conversation, a repeated follow-up: summary-once, followups-unique', () => {
    const summary = allAppNotes(app, { callId: 26000010, kind: 'summary' })[0]!;
    const note = (text: string): void => {
      app.standins.freshchat.addMessage(SEED.conversations.jordanOpen, {
        message_type: 'private', actor_type: 'agent', actor_id: SEED.agents.defaultAgent, message_parts: [{ text: { content: text } }],
      });
    };
    note(summary.text);
    note('Recording ready: https://example.com/r\nCall Sync \u00b7 call 26000020 \u00b7 follow-up');
    note('Recording ready: https://example.com/r\nCall Sync \u00b7 call 26000020 \u00b7 follow-up');
    const found = checkCase(app, built, run);
    expect(properties(found)).toEqual(['followups-unique', 'summary-once']);
    expect(found.map((v) => v.detail)).toEqual(expect.arrayContaining([
      expect.stringContaining('call 26000010 has 2 summary notes'),
      expect.stringContaining('a follow-up of call 26000020 is in conversation ' + SEED.conversations.jordanOpen),
      expect.stringContaining('written in two follow-ups'),
    ]));
  });

  test('a follow-up repeating what the summary says: followups-unique', () => {
    const summary = allAppNotes(app, { callId: 26000010, kind: 'summary' })[0]!;
    const notes = summary.lines.find((l) => l.startsWith('Call notes: '))!;
    app.standins.freshchat.addMessage(SEED.conversations.jordanOpen, {
      message_type: 'private', actor_type: 'agent', actor_id: SEED.agents.defaultAgent,
      message_parts: [{ text: { content: notes.replace('Call notes: ', 'Call notes updated: ') + '\nCall Sync \u00b7 call 26000010 \u00b7 follow-up' } }],
    });
    expect(checkCase(app, built, run).map((v) => v.detail)).toEqual([expect.stringContaining('in the summary and again in a follow-up')]);
  });

  test('a call never synced: summary-once (lost)', () => {
    const withPhantom = buildCase({ calls: built.spec.calls.concat([plainCall('voicemail', 'riley')]), faults: [], runtime: {} }, iparams);
    const found = checkCase(app, withPhantom, run);
    expect(found).toEqual([{ property: 'summary-once', detail: 'call 26000030 (voicemail, riley) has no summary note: lost' }]);
  });

  test('a second resolve and a second CSAT: resolution-once, csat-once-after-resolution', async () => {
    expect((await chat('PUT', '/v2/conversations/' + SEED.conversations.jordanOpen, { status: 'resolved' })).status).toBe(200);
    expect((await chat('POST', '/v2/csat/' + SEED.conversations.jordanOpen, { issue_resolved: true, rating: 4 })).status).toBe(201);
    expect(properties(checkCase(app, built, run))).toEqual(['csat-once-after-resolution', 'resolution-once']);
  });

  test('a CSAT refused on an open conversation: csat-once-after-resolution', async () => {
    expect((await chat('POST', '/v2/csat/' + SEED.conversations.sam, { issue_resolved: true, rating: 4 })).status).toBe(400);
    expect(checkCase(app, built, run).map((v) => v.detail)).toEqual([expect.stringContaining('refused because it was not resolved yet')]);
  });

  test('an answered call whose conversation was reopened afterwards: resolved-and-csat-posted', async () => {
    expect((await chat('PUT', '/v2/conversations/' + SEED.conversations.jordanOpen, { status: 'reopened' })).status).toBe(200);
    expect(properties(checkCase(app, built, run))).toEqual(['resolved-and-csat-posted']);
  });

  test('an invocation that broke a platform rule: platform-clean', () => {
    const bad = { ...run.invocations[0]!.result, problems: ['called renderData more than once'] } as InvocationResult;
    const found = checkCase(app, built, { ...run, invocations: run.invocations.concat([{ cause: 'deliver X', result: bad }]) });
    expect(properties(found)).toEqual(['platform-clean']);
  });

  test('51 requests or $db operations in a clock minute, or a platform 429: budgets', () => {
    const at = CASE_START + 3 * 3_600_000;
    const request = { template: 'chatGetConversation', method: 'GET', url: '', status: 200, attempts: 1, durationMs: 1, ok: true, headers: {}, at };
    for (let i = 0; i < 51; i++) app.runtime.requests.push({ ...request });
    app.runtime.dbOps.push({ op: 'get', key: 'call:1', ok: false, error: { status: 429, message: 'Rate limit exceeded' }, at });
    const found = checkCase(app, built, run);
    expect(properties(found)).toEqual(['budgets']);
    expect(found.map((v) => v.detail)).toEqual([expect.stringContaining('51 requests in the clock minute'), expect.stringContaining('the platform answered 429: $db get call:1')]);
  });

  test('work left over: nothing-pending', async () => {
    await app.runtime.scheduler.create({ name: 'rp-26000010', data: {}, schedule_at: new Date(app.clock.now() + 600_000).toISOString() });
    const found = checkCase(app, built, { ...run, pendingAtEnd: pendingWork(app) });
    expect(found).toEqual([{ property: 'nothing-pending', detail: expect.stringContaining('schedule rp-26000010') }]);
  });

  test('a request outside the API contract: api-contracts', async () => {
    expect((await chat('PUT', '/v2/conversations/' + SEED.conversations.sam, { status: 'closed-for-good' })).status).toBe(400);
    expect(properties(checkCase(app, built, run))).toEqual(['api-contracts']);
  });

  test('a key, a phone number or call notes in a log line: no-leaks', () => {
    const entry = { level: 'info' as const, handler: 'onCallUpdateHandler', at: 0 };
    app.runtime.logs.push({ ...entry, message: 'caller +14155550123' }, { ...entry, message: 'key ' + String(app.iparams.freshcaller_api_key) }, { ...entry, message: 'notes: refund issued' });
    expect(checkCase(app, built, run).map((v) => v.detail)).toEqual([
      expect.stringContaining('a full phone number'), expect.stringContaining('an API key'), expect.stringContaining('call notes'),
    ]);
  });
});
