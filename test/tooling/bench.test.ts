// `npm run bench` (tools/bench/): its pure parts (the API minimum, the rate search, the backlog
// rule, adding up costs, the tables and the JSON), and one call through the real runtime as the
// bench measures it.
import type { DbOpRecord, InvocationResult, RequestRecord } from '../../tools/runtime';
import { callCost, runCase, Twins } from '../../tools/bench/case';
import { callerNumber, nationalFormat } from '../../tools/bench/callers';
import { costOf, isListing, minus } from '../../tools/bench/drive';
import { callWithEvents } from '../../tools/bench/growth';
import { conversationResolvedBefore, minimumOf, type CallFacts } from '../../tools/bench/minimum';
import { bookkeepingExtras } from '../../tools/bench/mix';
import { parseOptions } from '../../tools/bench/options';
import { mark, renderReport, renderTable, type Table } from '../../tools/bench/render';
import { header, tablesOf, targetsOf, type BenchResults } from '../../tools/bench/report';
import { OUTCOME_SCENARIOS, rowOf, scenarioCall } from '../../tools/bench/scenarios';
import { searchRate, type ProbeResult } from '../../tools/bench/search';
import { openingsAllowed } from '../../tools/bench/sidebar';
import { percentile } from '../../tools/bench/stats';
import { backlogGrows, probe } from '../../tools/bench/throughput';
import { InProcessWorld } from '../../tools/bench/world';
import { buildCall } from '../support/lifecycle-gen';
import { loadIparams } from '../support/fixtures';

const iparams = loadIparams();

function facts(changes: Partial<CallFacts>): CallFacts {
  return Object.assign(
    { kind: 'answered', csat: { kind: 'none' }, lateFactGroups: 0, userExists: true, conversationExists: true, conversationResolved: false, noteTiming: 'immediate' },
    changes,
  ) as CallFacts;
}

describe('the API minimum of a call', () => {
  test('an answered call with CSAT and a late recording: summary, follow-up, resolve, CSAT post, and the metrics read', () => {
    const min = minimumOf(facts({ csat: { kind: 'rated', key: 4 }, lateFactGroups: 1 }), iparams);
    expect(min.writes).toEqual({ createUser: 0, createConversation: 0, summary: 1, followUps: 1, resolve: 1, reopen: 0, csatPost: 1 });
    expect([min.writeCount, min.metricsRead, min.requests]).toEqual([4, 1, 5]);
  });

  test('complete note timing folds the late facts into the one note', () => {
    const min = minimumOf(facts({ csat: { kind: 'rated', key: 4 }, lateFactGroups: 2, noteTiming: 'complete' }), iparams);
    expect(min.writes.followUps).toBe(0);
    expect(min.requests).toBe(4);
  });

  test('missed, voicemail and abandoned calls reopen a resolved conversation, and read no metrics', () => {
    expect(minimumOf(facts({ kind: 'missed', conversationResolved: true }), iparams)).toMatchObject({ writeCount: 2, metricsRead: 0, requests: 2 });
    expect(minimumOf(facts({ kind: 'abandoned', conversationResolved: false }), iparams).requests).toBe(1);
    expect(minimumOf(facts({ kind: 'voicemail', conversationResolved: true, lateFactGroups: 1 }), iparams).writes).toMatchObject({ summary: 1, followUps: 1, reopen: 1, resolve: 0 });
  });

  test('an unknown caller: answered calls create the user and a conversation carrying the summary; missed ones write nothing', () => {
    const answered = minimumOf(facts({ userExists: false, conversationExists: false }), iparams);
    expect(answered.writes).toMatchObject({ createUser: 1, createConversation: 1, summary: 0, resolve: 1 });
    expect(minimumOf(facts({ kind: 'missed', userExists: false, conversationExists: false }), iparams).requests).toBe(0);
    const noChannel = Object.assign({}, iparams, { freshchat_channel_id: '' });
    expect(minimumOf(facts({ userExists: false, conversationExists: false }), noChannel).requests).toBe(0);
  });

  test('the installation parameters: resolve_policy never, log_call_types, csat_scale', () => {
    const never = minimumOf(facts({ csat: { kind: 'rated', key: 4 } }), Object.assign({}, iparams, { resolve_policy: 'never' }));
    expect(never.writes).toMatchObject({ summary: 1, resolve: 0, csatPost: 0 });
    expect(minimumOf(facts({ kind: 'missed' }), Object.assign({}, iparams, { log_call_types: ['answered'] })).requests).toBe(0);
    const twoPoint = minimumOf(facts({ csat: { kind: 'rated', key: 4 } }), Object.assign({}, iparams, { csat_scale: '1-2' }));
    expect(twoPoint.writes.csatPost).toBe(0);
    expect(minimumOf(facts({ kind: 'transfer', lateFactGroups: 1 }), iparams)).toMatchObject({ writeCount: 3, metricsRead: 1 });
  });

  test('which conversation is resolved before the call', () => {
    expect(conversationResolvedBefore(['resolved'], false, iparams)).toBe(true);
    expect(conversationResolvedBefore(['resolved', 'new'], false, iparams)).toBe(false);
    // A returning caller's answered call resolved the open one; the older resolved one stays so.
    expect(conversationResolvedBefore(['new'], true, iparams)).toBe(true);
    expect(conversationResolvedBefore(['new', 'new'], true, iparams)).toBe(false);
    expect(conversationResolvedBefore([], false, iparams)).toBe(false);
  });
});

describe('the rate search', () => {
  const options = { low: 200, high: 400, resolution: 10, floor: 10, ceiling: 5000, maxProbes: 20 };
  const fake = (capacity: number) => async (rate: number): Promise<ProbeResult> => ({ rate, pass: rate <= capacity, reason: '' });

  test('bisects to the highest passing rate within the resolution', async () => {
    for (const capacity of [437, 150, 900, 200]) {
      const result = await searchRate(fake(capacity), options);
      expect(result.best).not.toBeNull();
      expect(result.best as number).toBeLessThanOrEqual(capacity);
      expect((result.failedAt as number) - (result.best as number)).toBeLessThanOrEqual(options.resolution);
      expect(result.probes.every((p) => p.pass === p.rate <= capacity)).toBe(true);
    }
  });

  test('stops at the floor, the ceiling and the probe limit', async () => {
    expect(await searchRate(fake(5), options)).toMatchObject({ best: null, failedAt: 10 });
    expect(await searchRate(fake(99999), options)).toMatchObject({ best: 5000, failedAt: null });
    const limited = await searchRate(fake(437), Object.assign({}, options, { maxProbes: 3 }));
    expect(limited.probes).toHaveLength(3);
  });

  test('the backlog grows when a window exceeds the one before by a quarter and two', () => {
    expect(backlogGrows([0, 0, 1.5])).toBe(false);
    expect(backlogGrows([4, 7])).toBe(false);
    expect(backlogGrows([4, 7.1])).toBe(true);
    expect(backlogGrows([10, 5, 20])).toBe(true);
  });
});

function request(changes: Partial<RequestRecord>): RequestRecord {
  return Object.assign({ template: 't', method: 'GET', url: 'https://acme.freshchat.com/v2/users', status: 200, attempts: 1, durationMs: 1, ok: true, headers: {}, at: 0 }, changes);
}

function result(requests: RequestRecord[], dbOps: number, refusedDb = 0): InvocationResult {
  const ops: DbOpRecord[] = Array.from({ length: dbOps }, () => ({ op: 'get', key: 'call:26000010', ok: true, at: 0 }));
  const refused: DbOpRecord[] = Array.from({ length: refusedDb }, () => ({ op: 'set', key: 'call:26000010', ok: false, at: 0, error: { status: 429, message: 'budget' } }));
  return { requests, dbOps: ops.concat(refused) } as unknown as InvocationResult;
}

describe('adding up what invocations cost', () => {
  test('attempts, writes, storage operations, refusals, and the listing apart', () => {
    const listing = request({ template: 'callerListCalls', url: 'https://acme.freshcaller.com/api/v1/calls?by_time%5Bfrom%5D=1' });
    const oneCall = request({ template: 'callerGetCall', url: 'https://acme.freshcaller.com/api/v1/calls/26000010' });
    expect([isListing(listing), isListing(oneCall)]).toEqual([true, false]);
    const cost = costOf([
      result([request({ method: 'POST', template: 'post', attempts: 2 }), request({ method: 'PUT', template: 'put' }), oneCall, listing], 3, 1),
      result([request({ errorSource: 'PLATFORM', status: 429, attempts: 0, ok: false })], 0),
    ]);
    expect(cost).toMatchObject({ requests: 4, writes: 2, dbOps: 3, listing: 1, refused: 2, invocations: 2 });
    expect(cost.byTemplate).toEqual({ post: 2, put: 1, callerGetCall: 1 });
    // Refused operations are not counted by kind.
    expect(cost.byStorage).toEqual({ 'get call': 3 });
    expect(minus(cost, costOf([result([oneCall], 1)]))).toMatchObject({ requests: 3, dbOps: 2, invocations: 1, byTemplate: { post: 2, put: 1 }, byStorage: { 'get call': 2 } });
  });

  test('sidebar openings a minute: the server-method budget or the requests left', () => {
    expect(openingsAllowed(1, 1, 50)).toBe(50);
    expect(openingsAllowed(3, 1, 50)).toBe(16);
    expect(openingsAllowed(1, 1, 20.5)).toBe(20);
    expect(openingsAllowed(1, 1, -5)).toBe(0);
    expect(openingsAllowed(0, 2, 0)).toBe(25);
  });

  test('percentiles are nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_x, i) => 100 - i);
    expect([percentile(values, 50), percentile(values, 99), percentile([], 50), percentile([7], 99)]).toEqual([50, 99, 0, 7]);
  });
});

describe('the calls the bench makes', () => {
  test('callers get distinct numbers, stored in national format', () => {
    const numbers = new Set(Array.from({ length: 9000 }, (_x, i) => callerNumber(i)));
    expect(numbers.size).toBe(9000);
    expect(callerNumber(1)).toBe('+14155552001');
    expect(nationalFormat('+14155552001')).toBe('(415) 555-2001');
  });

  test('growth calls have the events asked for', () => {
    for (const n of [2, 5, 10, 20]) {
      const call = buildCall(callWithEvents(n), 0, iparams);
      const delivered = call.lifecycle.filter((_e, i) => (call.spec.deliveries[i] as { copies: number }).copies > 0).length + call.extras.length;
      expect(delivered).toBe(n);
    }
    expect(bookkeepingExtras('missed', () => 0.5).map((x) => x.kind)).toEqual(['touch', 'touch']);
  });

  test('options: quick and full, and unknown arguments refused', () => {
    expect(parseOptions(['--quick', '--json'])).toMatchObject({ quick: true, json: true, seed: 1 });
    expect(parseOptions([]).streamEvents).toBeGreaterThanOrEqual(10_000);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown argument/);
  });
});

describe('tables and JSON', () => {
  test('the storage operations of the standard mix are shown per call, by operation and kind of key', () => {
    const results = fakeResults([]);
    const table = tablesOf(results).find((t) => t.title.startsWith('2b.'));
    expect(table && table.rows.map((row) => row.slice(0, 2))).toEqual([['set call', '2.50'], ['get cc', '1'], ['update rc', '1']]);
  });

  test('sustained throughput is judged under both readings of the budgets', () => {
    const results = fakeResults([]);
    const rows = results.targets.filter((t) => t.section === '6');
    expect(rows.map((t) => [t.value, t.pass])).toEqual([[700, true], [350, false]]);
    expect(renderReport(header(results), tablesOf(results), results.targets)).toMatch(/absorbed\s+700/);
  });

  test('a table aligns its columns and keeps its notes', () => {
    const table: Table = { title: 'T', columns: ['what', 'n'], rows: [['a', 1], ['bbb', 2.5], ['c', null]], notes: ['note'] };
    expect(renderTable(table).split('\n')).toEqual(['T', '=', 'what     n', '----  ----', 'a        1', 'bbb   2.50', 'c        -', '  note']);
    expect([mark(true), mark(false), mark(null)]).toEqual(['PASS', 'MISS', '-']);
  });
});

describe('one call through the real runtime', () => {
  let world: InProcessWorld;
  beforeAll(async () => {
    world = await InProcessWorld.start();
  });
  afterAll(async () => {
    await world.stop();
  });

  test('the throughput probe: refusals in a peak minute fail the strict reading; absorbed, every call is still synced once', async () => {
    const options = { hours: 0.5, windowMin: 10, drainLimitMin: 60, seed: 1 };
    const strict = await probe(world, 300, Object.assign({ refusals: 'none' as const }, options));
    expect(strict.pass).toBe(false);
    expect(strict.refused).toBeGreaterThan(0);
    const absorbed = await probe(world, 300, Object.assign({ refusals: 'absorbed' as const }, options));
    expect(absorbed.refused).toBeGreaterThan(0);
    expect(absorbed).toMatchObject({ pass: true, lost: 0, duplicated: 0 });
    expect(absorbed.drainedAfterMin).not.toBeNull();
  });

  test('an answered call with CSAT from a returning caller: counts consistent with the scenario, and the report renders', async () => {
    const scenario = OUTCOME_SCENARIOS[0] as (typeof OUTCOME_SCENARIOS)[number];
    const options = { caller: 'returning' as const, noteTiming: 'immediate' as const };
    const twins = new Twins();
    // The twin first: every case starts the stand-ins afresh, and the call's own state is read below.
    const twin = await twins.of(world, options);
    expect(await twins.of(world, options)).toBe(twin);
    const run = await runCase(world, scenarioCall(scenario), options);
    const row = rowOf(scenario, 'returning', 'immediate', run, twin, world.iparams);
    const call = run.measured;
    if (!call) throw new Error('no measured call');
    // Events as the scenario has them: ringing, connected, completed, recording; a hold toggle and a touch.
    expect(row.events).toBe(call.lifecycle.length + call.extras.length);
    expect(row.meaningful).toBe(2);
    expect(row.free.events).toBe(row.events - row.meaningful);
    expect(row.free).toMatchObject({ requests: 0, dbOps: 0 });
    expect(row.minimum.requests).toBe(5);
    expect(row.cost.requests).toBeGreaterThanOrEqual(row.minimum.requests);
    expect(row.cost.writes).toBeGreaterThanOrEqual(row.minimum.writeCount);
    expect(row.cost.refused).toBe(0);
    expect(row.repeat.requests).toBe(0);
    expect(row.cost).toEqual(callCost(run, twin));
    // The summary and the follow-up are in the caller's conversation, CSAT posted once.
    const conversationId = run.seeded.conversationIds[0] as string;
    const notes = world.app.standins.freshchat.messagesOf(conversationId).filter((m) => m.message_type === 'private');
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(world.app.standins.freshchat.state.csat[conversationId]).toHaveLength(1);

    const results = fakeResults([row]);
    const text = renderReport(header(results), tablesOf(results), results.targets);
    expect(text).toContain('1. Requests per call, by outcome');
    expect(text).toMatch(/answered with CSAT\s+returning\s+immediate/);
    const target = results.targets.find((t) => t.what.startsWith('requests / minimum, answered with CSAT, returning'));
    expect(target).toMatchObject({ target: '<= 1.25', value: row.ratio, pass: (row.ratio as number) <= 1.25 });
    expect(JSON.parse(JSON.stringify(results)).scenarios.rows[0].cost.requests).toBe(row.cost.requests);
  });
});

/** A whole results object around real scenario rows, the other sections small and made up. */
function fakeResults(rows: BenchResults['scenarios']['rows']): BenchResults {
  const figures = { samples: 10, p50: 1, p99: 2 };
  const measured: Omit<BenchResults, 'targets' | 'meta'> = {
    load: { bytes: 1000, samples: 5, contextMs: 1, evalMs: 2, evalCpuMs: 2, coldStarts: 3, coldStartMs: 100, nodeStartMs: 80 },
    scenarios: { rows, background: { requests: 0, listing: 12, dbOps: 48, invocations: 12 } },
    stream: {
      rate: 120, calls: 10, firstTimeCalls: 3, events: 60, meaningfulEvents: 15, freeEvents: 45, simulatedHours: 1,
      cost: { requests: 50, writes: 20, dbOps: 40, listing: 12, refused: 0, invocations: 70, byTemplate: {}, byStorage: { 'set call': 25, 'get cc': 10, 'update rc': 10 } },
      free: { requests: 0, dbOps: 0 }, perCall: { requests: 5, dbOps: 4, events: 6 }, dbPerMeaningfulEvent: 2.5,
      transport: { requestUs: 500, dbOpUs: 50, rounds: 10 },
      cpu: { handler: figures, meaningfulHandler: figures, freeHandler: figures, withTransport: figures, total: figures, prepare: figures },
      pendingAtEnd: 0,
    },
    throughput: {
      absorbed: { best: 700, failedAt: 720, probes: [{ rate: 700, pass: true, reason: 'ok', calls: 1400, firstTime: 500, backlog: [0, 1], drainedAfterMin: 3, lost: 0, duplicated: 0, refused: 4, peakRequests: 50, peakDbOps: 50, realSeconds: 60 }] },
      strict: { best: 350, failedAt: 360, probes: [{ rate: 360, pass: false, reason: 'refused', calls: 720, firstTime: 250, backlog: [0], drainedAfterMin: null, lost: 0, duplicated: 0, refused: 1, peakRequests: 50, peakDbOps: 49, realSeconds: 6 }] },
      probeHours: 2,
    },
    burst: { calls: 500, returning: 350, shouldBeNoted: 500, synced: 500, lost: 0, duplicated: 0, minutesToDrain: 60, requests: 2400, dbOps: 2000, lowerBound: 48, ratio: 1.25, minimumBound: 40, realSeconds: 50 },
    sidebar: {
      calls: [{ method: 'getConversationCalls', when: 'opened', requests: 1, dbOps: 0, invocations: 1, ok: true }],
      conversation: { requests: 1, invocations: 1 }, longConversation: { requests: 3, invocations: 1 }, card: { requests: 1, dbOps: 2, invocations: 2 },
      openingsPerMinute: 50, openingsBesideSync: 10, syncRate: 700,
    },
    growth: [{ axis: 'events per call', value: 2, caller: 'first', events: 2, requests: 5, dbOps: 3, cpuP50: 1, cpuP90: 2, cpuPerCall: 3 }],
  };
  return Object.assign({ meta: { mode: 'quick' as const, date: '2026-01-01T00:00:00.000Z', realSeconds: 1, node: 'v20', contextSeparated: true }, targets: targetsOf(measured) }, measured);
}
