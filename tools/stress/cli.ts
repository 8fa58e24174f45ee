// `npm run stress [-- --json] [--calls 500] [--fault-rate 0.1] [--seed 1]`: a burst the per-minute
// budgets cannot absorb. Builds the app, starts the stand-ins and the runtime on a manual clock,
// makes N calls (mixed outcomes, test/support/lifecycle-gen.ts shapes) end in the same clock
// minute, with a share of all requests failing through injected stand-in faults (429 with
// Retry-After, 500, 503, mixed) for the whole run; then advances the clock minute by minute,
// firing schedules, until nothing is pending (pendingWork) or 48 h have passed. Prints calls
// synced, lost and duplicated, the peak requests and $db operations in any clock minute, the
// minutes to drain and the most one-time schedules pending at once.
import { join } from 'node:path';
import { build } from '../build';
import { endAt, runBurst } from '../../test/support/burst';
import { buildCase, CASE_START, plainCall, type BuiltCall, type CallKind, type CallSpec, type CallerName, type CsatSpec } from '../../test/support/lifecycle-gen';
import { oneTimeSchedules } from '../../test/support/pending-work';
import { pick, random } from '../../test/support/random';
import { assertPlatformClean } from '../../test/support/scenario';
import { minuteLoad, noteViolations, seedFreshcaller, startPropertyApp, type PropertyApp } from '../../test/support/sync-harness';

interface Options {
  json: boolean;
  calls: number;
  faultRate: number;
  seed: number;
  /** Clock hours after the burst before giving up. */
  limitHours: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n)) throw new Error(name + ' needs a number');
    return n;
  };
  return { json: argv.includes('--json'), calls: value('--calls', 500), faultRate: value('--fault-rate', 0.1), seed: value('--seed', 1), limitHours: value('--hours', 48) };
}

/** The burst minute: every call's outcome event falls in it. */
const BURST_AT = CASE_START + 10 * 60_000;

function burstCalls(count: number, rand: () => number, iparams: Record<string, unknown>): CallSpec[] {
  const calls: CallSpec[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick<CallKind>(rand, [['answered', 30], ['missed', 15], ['voicemail', 15], ['abandoned', 10], ['outgoing', 15], ['transfer', 15]]);
    const caller = pick<CallerName>(rand, [['jordan', 20], ['sam', 20], ['riley', 20], ['stranger1', 14], ['stranger2', 13], ['stranger3', 13]]);
    const csat = pick<CsatSpec>(rand, [[{ kind: 'rated', key: 1 + Math.floor(rand() * 5) }, 5], [{ kind: 'none' }, 3], [{ kind: 'pending' }, 2]]);
    const spec = plainCall(kind, caller, { recordingLater: rand() < 0.5, notesEdited: rand() < 0.3, csat });
    // Start it so its outcome event lands in the burst minute.
    calls.push(endAt(spec, BURST_AT, Math.floor(rand() * 55), iparams));
  }
  return calls;
}

interface FaultFeeder {
  /** Injects faults so that `rate` of all requests served so far (and from now on) fail. */
  topUp(): void;
  injected: number;
}

function faultFeeder(app: PropertyApp, rate: number, rand: () => number): FaultFeeder {
  const feeder = {
    injected: 0,
    topUp(): void {
      const chat = app.standins.freshchat.requests.length;
      const caller = app.standins.freshcaller.requests.length;
      const due = Math.floor(rate * (chat + caller + 1)) - feeder.injected;
      for (let i = 0; i < due; i++) {
        const target = rand() * (chat + caller + 2) < chat + 1 ? app.standins.freshchat : app.standins.freshcaller;
        const kind = pick(rand, [['429', 1], ['500', 1], ['503', 1]] as Array<['429' | '500' | '503', number]>);
        target.injectFault(kind === '429' ? { status: 429, retryAfter: 1 + Math.floor(rand() * 60) } : { status: Number(kind) });
        feeder.injected += 1;
      }
    },
  };
  return feeder;
}

interface StressResult {
  calls: number;
  shouldBeNoted: number;
  synced: number;
  lost: number;
  /** Calls with more than one summary or a repeated follow-up fact. */
  duplicatedCalls: number;
  /** Summaries beyond the first plus repeated follow-up facts. */
  duplicateNotes: number;
  peakRequestsPerMinute: number;
  peakDbOpsPerMinute: number;
  platform429s: number;
  /** Clock minutes from the burst minute until nothing was pending; null if it never drained. */
  minutesToDrain: number | null;
  maxOneTimeSchedules: number;
  pendingAtEnd: number;
  injectedFaults: number;
  requests: number;
  invocations: number;
  /** Invocations that fail assertPlatformClean (a broken rule, or renderData with an error). */
  brokenInvocations: number;
  realSeconds: number;
}

/**
 * STRESS_DEBUG=1: a call that went wrong, with its record and log lines; STRESS_DEBUG=2 adds
 * every storage operation, request and schedule operation that names it.
 */
function explainCall(app: PropertyApp, label: string, call: BuiltCall): void {
  const id = String(call.id);
  const time = (at: number): string => new Date(at).toISOString().slice(11, 19);
  const record = app.runtime.store('freshcaller').peek('call:' + id);
  const conversation = record && record.link ? String((record.link as { conversationId: unknown }).conversationId) : id;
  if (process.env.STRESS_DEBUG === '2') {
    for (const op of app.runtime.dbOps.filter((o) => o.key.indexOf(id) >= 0)) console.log('   db', time(op.at), op.op, op.key, op.ok ? '' : 'FAILED ' + JSON.stringify(op.error));
    for (const r of app.runtime.requests.filter((q) => q.url.indexOf(conversation) >= 0 || q.url.indexOf(id) >= 0)) console.log('   rq', time(r.at), r.method, r.url.replace(/^https?:[/][/][^/]+/, '').slice(0, 140), r.status);
    for (const o of app.runtime.scheduleOps.filter((x) => JSON.stringify(x).indexOf(id) >= 0)) console.log('   sc', time(o.at), JSON.stringify(o).slice(0, 160));
  }
  const logs = app.runtime.logs.filter((l) => l.message.includes('call ' + id)).map((l) => time(l.at) + ' ' + l.message.slice(0, 300));
  console.log(label, id, JSON.stringify(record), logs);
}

/** STRESS_TRACE=<call id>: the call's record each time it changes (after each event and minute). */
function tracer(app: PropertyApp, id: string | undefined): () => void {
  let last = '';
  return () => {
    if (!id) return;
    const record = app.runtime.store('freshcaller').peek('call:' + id);
    const text = JSON.stringify(record || null);
    if (text !== last) console.log('   trace', new Date(app.clock.now()).toISOString().slice(11, 19), text.slice(0, 700));
    last = text;
  };
}

async function stress(options: Options): Promise<StressResult> {
  const started = Date.now();
  const root = join(__dirname, '..', '..');
  await build(root);
  const app = await startPropertyApp();
  try {
    const rand = random(options.seed);
    const built = buildCase({ calls: burstCalls(options.calls, rand, app.iparams), faults: [], runtime: {} }, app.iparams);
    app.newCase();
    seedFreshcaller(app, built);
    const feeder = faultFeeder(app, options.faultRate, rand);
    let maxSchedules = 0;
    const trace = tracer(app, process.env.STRESS_TRACE);
    const sample = (): void => {
      maxSchedules = Math.max(maxSchedules, oneTimeSchedules(app));
      trace();
    };
    const run = await runBurst(app, built, BURST_AT + options.limitHours * 3_600_000, { beforeStep: () => feeder.topUp(), afterStep: sample });
    const results = run.results;

    const { count } = noteViolations(app, built.calls);
    if (process.env.STRESS_DEBUG) {
      for (const call of count.duplicated.slice(0, 3)) explainCall(app, 'twice', call);
      for (const call of count.lost.slice(0, 6)) explainCall(app, 'lost', call);
    }
    const load = minuteLoad(app.runtime);
    const broken = results.filter((r) => {
      try {
        assertPlatformClean(r);
        return false;
      } catch {
        return true;
      }
    }).length;
    return {
      calls: built.calls.length,
      shouldBeNoted: built.calls.filter((c) => c.expect.noted === true).length,
      synced: count.synced,
      lost: count.lost.length,
      duplicatedCalls: count.duplicated.length,
      duplicateNotes: count.extraNotes,
      peakRequestsPerMinute: load.peakRequests,
      peakDbOpsPerMinute: load.peakDbOps,
      platform429s: load.platformRefusals.length,
      minutesToDrain: run.drainedAt === null ? null : Math.ceil((run.drainedAt - BURST_AT) / 60_000),
      maxOneTimeSchedules: maxSchedules,
      pendingAtEnd: run.pendingAtEnd,
      injectedFaults: feeder.injected,
      requests: app.standins.freshchat.requests.length + app.standins.freshcaller.requests.length,
      invocations: results.length,
      brokenInvocations: broken,
      realSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await app.stop();
  }
}

function print(r: StressResult, options: Options): void {
  const rows: Array<[string, string]> = [
    ['calls (ending in one clock minute)', r.calls + ' (' + r.shouldBeNoted + ' should get a note)'],
    ['calls synced', String(r.synced)],
    ['calls lost', String(r.lost)],
    ['calls duplicated (notes)', r.duplicatedCalls + ' (' + r.duplicateNotes + ' extra notes or repeated facts)'],
    ['peak requests in a clock minute', r.peakRequestsPerMinute + ' (budget 50)'],
    ['peak $db ops in a clock minute', r.peakDbOpsPerMinute + ' (budget 50)'],
    ['429s from the platform itself', String(r.platform429s)],
    ['minutes to drain', r.minutesToDrain === null ? 'never (gave up after ' + options.limitHours + ' h, ' + r.pendingAtEnd + ' pending)' : String(r.minutesToDrain)],
    ['most one-time schedules pending', r.maxOneTimeSchedules + ' (limit 1000)'],
    ['injected faults / stand-in requests', r.injectedFaults + ' / ' + r.requests],
    ['invocations (not platform-clean)', r.invocations + ' (' + r.brokenInvocations + ')'],
    ['real time', r.realSeconds + ' s'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(k.padEnd(width + 2) + v);
}

const options = parseArgs(process.argv.slice(2));
stress(options).then(
  (result) => {
    if (options.json) console.log(JSON.stringify(result));
    else print(result, options);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack || err.message : String(err));
    process.exit(1);
  },
);
