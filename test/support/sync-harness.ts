// Runs a generated case (lifecycle-gen.ts) black-box through the built server/server.js in the
// local runtime and judges it by what the stand-ins hold: the properties of the sync that the
// property suite (test/property/) and the stress tool (tools/stress/) assert.
//
// One pair of stand-ins serves every case (starting them per case is slow): each case resets
// their state to the seed and gets a fresh ManualClock and LocalRuntime. The stand-ins read the
// case's manual clock (strictly increasing), so their rate-limit windows and message times follow
// simulated time; with the real clock (as test/support/local-app.ts has them) a drain of 26
// simulated hours squeezed into a second of real time would trip Freshcaller's 100 requests a
// minute, a fault no case injected.
import { LocalRuntime, ManualClock, type Clock, type InvocationResult } from '../../tools/runtime';
import { loadSeedFile, startStandins, type FreshcallerCall, type FreshcallerStandin, type Standins, type StandinsSeed } from '../../tools/standins';
import { loadIparams, ROOT } from './fixtures';
import {
  buildCase, describeCase, faultSpecOf, CASE_START, type BuiltCall, type BuiltCase, type CaseSpec, type RuntimeKnobs, type TimelineItem,
} from './lifecycle-gen';
import type { LocalApp } from './local-app';
import { pendingWork } from './pending-work';
import { allAppNotes, assertPlatformClean, FULL_NUMBER, NOTES_TEXT, type AppNote } from './scenario';

// --- the app ------------------------------------------------------------------------------------------

/** Stand-in time: the current case's clock, never the same millisecond twice (messages keep their order). */
export class StandinTime {
  private clock: Clock | undefined;
  private last = 0;

  use(clock: Clock): void {
    this.clock = clock;
    this.last = 0;
  }

  readonly now = (): number => {
    const t = Math.max(this.clock ? this.clock.now() : Date.now(), this.last + 1);
    this.last = t;
    return t;
  };
}

/** What the checks need: a LocalApp plus the seed its stand-ins started from. */
export interface PropertyLikeApp extends LocalApp {
  seed: StandinsSeed;
}

/** A LocalApp whose stand-ins outlive its runtimes: `newCase` starts the next case. */
export interface PropertyApp extends PropertyLikeApp {
  /** Fresh stand-in state (the seed), clock and runtime. */
  newCase(knobs?: RuntimeKnobs): void;
}

export async function startPropertyApp(iparamChanges: Record<string, unknown> = {}): Promise<PropertyApp> {
  const iparams = Object.assign(loadIparams(), iparamChanges);
  const seed = loadSeedFile();
  const time = new StandinTime();
  const standins: Standins = await startStandins({
    freshchat: { apiKey: String(iparams.freshchat_api_key), now: time.now },
    freshcaller: { apiKey: String(iparams.freshcaller_api_key), now: time.now },
  });
  const hostMap = standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) });
  const app = {
    standins,
    iparams,
    seed,
    stop: () => standins.close(),
  } as unknown as PropertyApp;
  app.newCase = (knobs: RuntimeKnobs = {}) => {
    const clock = new ManualClock(CASE_START);
    time.use(clock);
    standins.freshchat.reset(seed.freshchat);
    // Freshcaller holds only the case's calls: the seed's sample calls are real calls the app
    // never had events for, which reconciliation would rightly sync, outside what a case expects.
    standins.freshcaller.reset(Object.assign({}, seed.freshcaller, { calls: [] }));
    const options: ConstructorParameters<typeof LocalRuntime>[0] = { root: ROOT, iparams, clock, hostMap };
    for (const [knob, value] of Object.entries(knobs)) if (value !== undefined) (options as Record<string, unknown>)[knob] = value;
    app.clock = clock;
    app.runtime = new LocalRuntime(options);
  };
  app.newCase();
  return app;
}

// --- running a case ----------------------------------------------------------------------------------------

export interface Invocation {
  /** What caused it, e.g. "deliver 26000010#2" or "schedule". */
  cause: string;
  result: InvocationResult;
}

export interface CaseRun {
  invocations: Invocation[];
  /** Clock ms when the drain ended. */
  endedAt: number;
  /** Pending work left when the drain gave up (empty when it finished). */
  pendingAtEnd: string[];
}

export const DRAIN_STEP_MS = 5 * 60_000;
/** How long a times-limited fault stays armed when no request uses it up. */
export const FAULT_ARMED_MS = 30 * 60_000;
export const DRAIN_LIMIT_MS = 26 * 3_600_000;
/** The drain stops early once nothing is pending, every call that should be noted is, and Freshchat saw no write for this long. */
export const QUIET_MS = 2 * 3_600_000;

/** What Freshcaller holds for one call of a case: its latest snapshots (root and leg) and its CSAT. */
export interface CallSeed {
  id: number;
  legId?: number;
  views: FreshcallerCall[];
  csat: { transfer_made: boolean; outcome: number | null };
}

/** Plain data (for a stand-in in another process too). */
export function callSeedsOf(calls: BuiltCall[]): CallSeed[] {
  return calls.map((call) => {
    const seed: CallSeed = { id: call.id, views: call.freshcallerView as unknown as FreshcallerCall[], csat: call.metrics };
    if (call.legId !== undefined) seed.legId = call.legId;
    return seed;
  });
}

export function seedCalls(freshcaller: FreshcallerStandin, seeds: CallSeed[]): void {
  for (const seed of seeds) {
    for (const view of seed.views) freshcaller.addCall(JSON.parse(JSON.stringify(view)) as FreshcallerCall);
    freshcaller.setCallMetrics(seed.id, { csat: seed.csat });
    if (seed.legId !== undefined) freshcaller.setCallMetrics(seed.legId, { csat: { transfer_made: false, outcome: null } });
  }
}

/** Puts the case's calls into Freshcaller (its view of each call is the call's latest snapshot) and the metrics. */
export function seedFreshcaller(app: LocalApp, built: BuiltCase): void {
  seedCalls(app.standins.freshcaller, callSeedsOf(built.calls));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** HTTP attempts the runtime sent that no stand-in has answered yet (a slow answer still on its way). */
export function inFlight(app: LocalApp): number {
  const sent = app.runtime.requests.reduce((n, r) => n + (r.sentTo ? r.attempts : 0), 0);
  return sent - app.standins.freshchat.requests.length - app.standins.freshcaller.requests.length;
}

/**
 * Waits (real time, at most 5 s) until every request sent has been answered. A slow answer takes
 * real milliseconds while the case's clock stands still; without this, a request the app gave up
 * on (timeout) would land after the clock had jumped minutes ahead, a race no real installation
 * has. With it, what a timed-out request did is in place before the app's next step.
 */
export async function settle(app: LocalApp): Promise<void> {
  const until = Date.now() + 5000;
  while (inFlight(app) > 0 && Date.now() < until) await pause(5);
}

/** Moves the clock to `at`, one due schedule time at a time, settling the stand-ins after each. */
async function advanceTo(app: LocalApp, at: number, invocations: Invocation[]): Promise<void> {
  for (;;) {
    const due = app.runtime.schedules().filter((s) => s.nextRunAt <= at)[0];
    if (!due) break;
    for (const result of await app.runtime.advance(Math.max(0, due.nextRunAt - app.clock.now()))) invocations.push({ cause: 'schedule', result });
    await settle(app);
  }
  if (at > app.clock.now()) await app.runtime.advance(at - app.clock.now());
}

function freshchatWrites(app: LocalApp): number {
  return app.standins.freshchat.requests.filter((r) => r.method !== 'GET' && r.status < 400).length;
}

/** Delivers the timeline, then drains scheduled work without faults. */
export async function runCase(app: PropertyApp, built: BuiltCase): Promise<CaseRun> {
  app.newCase(built.spec.runtime);
  seedFreshcaller(app, built);
  const invocations: Invocation[] = [];
  const timeline = built.timeline;
  for (let i = 0; i < timeline.length; i++) {
    const item = timeline[i] as TimelineItem;
    await advanceTo(app, item.at, invocations);
    if (item.kind === 'deliver') {
      const group = [item];
      while (i + 1 < timeline.length) {
        const next = timeline[i + 1] as TimelineItem;
        if (next.kind !== 'deliver' || !next.concurrent) break;
        group.push(next);
        i++;
      }
      const results = await Promise.all(group.map((d) => app.runtime.fireEvent(d.event.payload.event, d.event.payload)));
      results.forEach((result, n) => invocations.push({ cause: 'deliver ' + (group[n] as typeof item).event.ref, result }));
      await settle(app);
    } else if (item.kind === 'fault') {
      app.standins[item.window.target].injectFault(faultSpecOf(item.window));
    } else if (item.kind === 'clearFaults') {
      app.standins[item.target].clearFaults();
    } else {
      app.standins.freshcaller.setCallMetrics(item.call.id, { csat: item.csat });
    }
  }
  // A fault window armed late in the timeline still gets its chance: faults stay armed until
  // used up or FAULT_ARMED_MS after they were injected (outages: until they end).
  const armedUntil = Math.max(0, ...built.spec.faults.map((f) => CASE_START + f.atSec * 1000 + (f.outageSec === undefined ? FAULT_ARMED_MS : f.outageSec * 1000)));
  await advanceTo(app, armedUntil, invocations);
  app.standins.freshchat.clearFaults();
  app.standins.freshcaller.clearFaults();
  await settle(app);

  const noted = built.calls.filter((c) => c.expect.noted === true);
  const start = app.clock.now();
  let writes = freshchatWrites(app);
  let lastWriteAt = start;
  while (app.clock.now() - start < DRAIN_LIMIT_MS) {
    await advanceTo(app, app.clock.now() + DRAIN_STEP_MS, invocations);
    const now = freshchatWrites(app);
    if (now !== writes) {
      writes = now;
      lastWriteAt = app.clock.now();
    }
    if (app.clock.now() - lastWriteAt < QUIET_MS) continue;
    if (pendingWork(app).length > 0) continue;
    const summaries = allAppNotes(app, { kind: 'summary' });
    if (noted.every((c) => summaries.some((n) => n.callId === String(c.id)))) break;
  }
  return { invocations, endedAt: app.clock.now(), pendingAtEnd: pendingWork(app) };
}

// --- judging it -----------------------------------------------------------------------------------------

export type PropertyName =
  | 'summary-once'
  | 'followups-unique'
  | 'resolution-once'
  | 'csat-once-after-resolution'
  | 'resolved-and-csat-posted'
  | 'platform-clean'
  | 'budgets'
  | 'nothing-pending'
  | 'no-leaks'
  | 'api-contracts';

export interface Violation {
  property: PropertyName;
  detail: string;
}

const digits = (phone: unknown): string => String(phone || '').replace(/\D/g, '').slice(-10);

/** Phone digits of the users of each conversation (Freshchat stand-in state). */
function conversationCallers(app: LocalApp): Map<string, Set<string>> {
  const state = app.standins.freshchat.state;
  const phoneOf = new Map(state.users.map((u) => [u.id, digits(u.phone)]));
  return new Map(state.conversations.map((c) => [c.conversation_id, new Set(c.users.map((u) => phoneOf.get(u.id) || ''))]));
}

/** A follow-up or summary line reduced to the fact it names. */
function factOf(line: string): string | null {
  const rules: Array<[RegExp, string]> = [
    [/^Call notes( updated)?: (.*)$/, 'notes'],
    [/^Recording( ready)?: (.*)$/, 'recording'],
    [/^CSAT: (.*)$/, 'csat'],
    [/^Transferred to: (.*)$/, 'transfer'],
  ];
  for (const [pattern, fact] of rules) {
    const match = pattern.exec(line.trim());
    if (match) return fact + ': ' + match[match.length - 1];
  }
  return null;
}

interface ConversationRequestLog {
  /** Accepted PUT status=resolved, by position in the stand-in's request log. */
  resolves: number[];
  /** Accepted CSAT posts, with the conversation's status (seed, then the app's accepted updates) when each was posted. */
  csats: Array<{ order: number; rating: unknown; statusBefore: string }>;
  /** CSAT posts the stand-in refused because the conversation was not resolved. */
  refusedCsats: number;
}

/** What the app did to each conversation, from the Freshchat stand-in's request log. */
function conversationRequests(app: PropertyLikeApp): Map<string, ConversationRequestLog> {
  const out = new Map<string, ConversationRequestLog>();
  const status = new Map<string, string>();
  for (const c of app.seed.freshchat && app.seed.freshchat.conversations ? app.seed.freshchat.conversations : []) {
    status.set(String(c.conversation_id), String(c.status || 'new'));
  }
  const of = (id: string): ConversationRequestLog => {
    let log = out.get(id);
    if (!log) out.set(id, (log = { resolves: [], csats: [], refusedCsats: 0 }));
    return log;
  };
  app.standins.freshchat.requests.forEach((r, order) => {
    const body = (r.body || {}) as Record<string, unknown>;
    const csat = /^\/v2\/csat\/([^/]+)$/.exec(r.path);
    if (r.method === 'POST' && csat && r.status === 400 && !r.fault) of(csat[1] as string).refusedCsats += 1;
    if (r.status >= 400) return;
    const update = /^\/v2\/conversations\/([^/]+)$/.exec(r.path);
    if (r.method === 'PUT' && update && typeof body.status === 'string') {
      const id = update[1] as string;
      status.set(id, body.status === 'reopened' ? 'new' : body.status);
      if (body.status === 'resolved') of(id).resolves.push(order);
    }
    if (r.method === 'POST' && csat) {
      const id = csat[1] as string;
      of(id).csats.push({ order, rating: body.rating, statusBefore: status.get(id) || 'new' });
      if (body.reopen_conversation) status.set(id, 'new');
    }
  });
  // Conversations the app created start as it asked (default new); they are only read after creation.
  return out;
}

export const REQUESTS_PER_MINUTE = 50;
export const DB_OPS_PER_MINUTE = 50;

export interface MinuteLoad {
  peakRequests: number;
  peakDbOps: number;
  /** Clock minutes (epoch minute numbers) over a budget. */
  overRequests: Array<[number, number]>;
  overDbOps: Array<[number, number]>;
  /** Requests and $db operations the platform itself refused for the budget (429). */
  platformRefusals: string[];
}

/** Requests (HTTP attempts actually sent) and $db operations per clock minute, and the platform's own 429s. */
export function minuteLoad(runtime: LocalRuntime): MinuteLoad {
  const requests = new Map<number, number>();
  const db = new Map<number, number>();
  const refusals: string[] = [];
  for (const r of runtime.requests) {
    if (r.errorSource === 'PLATFORM' && r.status === 429) refusals.push('request ' + r.template + ' refused at ' + new Date(r.at).toISOString());
    if (r.attempts > 0) requests.set(Math.floor(r.at / 60_000), (requests.get(Math.floor(r.at / 60_000)) || 0) + r.attempts);
  }
  for (const op of runtime.dbOps) {
    if (!op.ok && op.error && op.error.status === 429) {
      refusals.push('$db ' + op.op + ' ' + op.key + ' refused at ' + new Date(op.at).toISOString());
      continue;
    }
    db.set(Math.floor(op.at / 60_000), (db.get(Math.floor(op.at / 60_000)) || 0) + 1);
  }
  const over = (m: Map<number, number>, limit: number): Array<[number, number]> => [...m.entries()].filter(([, n]) => n > limit);
  return {
    peakRequests: Math.max(0, ...requests.values()),
    peakDbOps: Math.max(0, ...db.values()),
    overRequests: over(requests, REQUESTS_PER_MINUTE),
    overDbOps: over(db, DB_OPS_PER_MINUTE),
    platformRefusals: refusals,
  };
}

export interface NoteCount {
  /** Calls that should be noted (noted === true) and have exactly one summary. */
  synced: number;
  /** Calls that should be noted and have none. */
  lost: BuiltCall[];
  /** Calls with more than one summary, or a follow-up fact written twice. */
  duplicated: BuiltCall[];
  /** Summaries beyond the first plus repeated follow-up facts, over all calls. */
  extraNotes: number;
}

/** The per-call summary and follow-up checks, also used by the stress tool. */
export function noteViolations(app: LocalApp, calls: BuiltCall[], notes: AppNote[] = allAppNotes(app)): { violations: Violation[]; count: NoteCount } {
  const violations: Violation[] = [];
  const count: NoteCount = { synced: 0, lost: [], duplicated: [], extraNotes: 0 };
  const byCall = new Map<string, AppNote[]>();
  for (const note of notes) {
    const list = byCall.get(note.callId) || [];
    list.push(note);
    byCall.set(note.callId, list);
  }
  const callers = conversationCallers(app);
  const ids = new Set(calls.map((c) => String(c.id)));
  for (const call of calls) {
    const own = byCall.get(String(call.id)) || [];
    const summaries = own.filter((n) => n.kind === 'summary');
    if (call.expect.noted === 'maybe') {
      if (summaries.length > 1) {
        count.duplicated.push(call);
        count.extraNotes += summaries.length - 1;
        violations.push({ property: 'summary-once', detail: 'call ' + call.id + ' has ' + summaries.length + ' summary notes' });
      }
      if (summaries.length === 0 && own.length) violations.push({ property: 'summary-once', detail: 'call ' + call.id + ' has follow-ups but no summary' });
      if (summaries.length !== 1) continue;
    } else if (!call.expect.noted) {
      if (own.length) violations.push({ property: 'summary-once', detail: 'call ' + call.id + ' (' + call.spec.kind + ', ' + call.spec.caller + ') should get no note but has ' + own.length + ' (' + own.map((n) => n.kind).join(', ') + ')' });
      continue;
    }
    if (call.expect.noted === 'maybe') {
      // noted or not, both fine: counted in neither synced nor lost
    } else if (summaries.length === 0) {
      count.lost.push(call);
      violations.push({ property: 'summary-once', detail: 'call ' + call.id + ' (' + call.spec.kind + ', ' + call.spec.caller + ') has no summary note: lost' });
    } else if (summaries.length > 1) {
      count.extraNotes += summaries.length - 1;
      const where = [...new Set(summaries.map((n) => n.conversationId))];
      violations.push({ property: 'summary-once', detail: 'call ' + call.id + ' has ' + summaries.length + ' summary notes, in ' + where.length + ' conversation(s) ' + where.join(', ') });
    } else {
      count.synced += 1;
    }
    for (const note of own) {
      const owners = callers.get(note.conversationId) || new Set<string>();
      if (note.kind !== 'moved' && !owners.has(digits(call.callerNumber))) {
        violations.push({ property: 'summary-once', detail: (note.kind === 'summary' ? 'the summary' : 'a follow-up') + ' of call ' + call.id + ' is in conversation ' + note.conversationId + ', which is not a conversation of its caller ' + call.spec.caller });
      }
    }
    // Follow-ups: no fact twice, and none that the summary already holds.
    const inSummary = new Set(summaries.flatMap((n) => n.lines.map(factOf)).filter((f): f is string => f !== null));
    const seen = new Map<string, number>();
    let repeated = 0;
    for (const note of own.filter((n) => n.kind === 'follow-up')) {
      for (const fact of note.lines.map(factOf).filter((f): f is string => f !== null)) {
        seen.set(fact, (seen.get(fact) || 0) + 1);
        if (seen.get(fact) === 2 || (seen.get(fact) === 1 && inSummary.has(fact))) {
          repeated += 1;
          violations.push({ property: 'followups-unique', detail: 'call ' + call.id + ': "' + fact.slice(0, 80) + '" written ' + (inSummary.has(fact) ? 'in the summary and again in a follow-up' : 'in two follow-ups') });
        }
      }
    }
    if (summaries.length > 1 || repeated > 0) count.duplicated.push(call);
    count.extraNotes += repeated;
  }
  for (const [callId, own] of byCall) {
    if (!ids.has(callId)) violations.push({ property: 'summary-once', detail: own.length + ' note(s) name call ' + callId + ', which is no root call of the case (a transferred leg?)' });
  }
  return { violations, count };
}

/** Every property of one finished case; empty when the case passed. */
export function checkCase(app: PropertyLikeApp, built: BuiltCase, run: CaseRun): Violation[] {
  const violations = noteViolations(app, built.calls).violations;
  const notes = allAppNotes(app, { kind: 'summary' });
  const callers = conversationCallers(app);
  const requests = conversationRequests(app);
  const callsOf = (conversationId: string): BuiltCall[] => {
    const owners = callers.get(conversationId) || new Set<string>();
    return built.calls.filter((c) => owners.has(digits(c.callerNumber)));
  };

  // Resolution and CSAT, per conversation: at most one per call that may cause one.
  for (const [conversationId, log] of requests) {
    const calls = callsOf(conversationId);
    const resolving = calls.filter((c) => c.expect.resolves).length;
    if (log.resolves.length > resolving) {
      violations.push({ property: 'resolution-once', detail: 'conversation ' + conversationId + ' was resolved ' + log.resolves.length + ' times for ' + resolving + ' answered call(s) ' + calls.filter((c) => c.expect.resolves).map((c) => c.id).join(', ') });
    }
    const rated = calls.filter((c) => c.expect.csatRating !== null);
    if (log.csats.length > rated.length) {
      violations.push({ property: 'csat-once-after-resolution', detail: 'conversation ' + conversationId + ' got ' + log.csats.length + ' CSAT posts for ' + rated.length + ' rated call(s)' });
    }
    for (const post of log.csats) {
      if (post.statusBefore !== 'resolved') {
        violations.push({ property: 'csat-once-after-resolution', detail: 'conversation ' + conversationId + ': CSAT posted while it was ' + post.statusBefore });
      }
      if (!rated.some((c) => c.expect.csatRating === post.rating)) {
        violations.push({ property: 'csat-once-after-resolution', detail: 'conversation ' + conversationId + ': CSAT rating ' + String(post.rating) + ' is no rating of its calls' });
      }
    }
    if (log.refusedCsats) {
      violations.push({ property: 'csat-once-after-resolution', detail: 'conversation ' + conversationId + ': ' + log.refusedCsats + ' CSAT post(s) refused because it was not resolved yet' });
    }
  }

  // A lone answered call (no other call of its caller in the case) must end resolved, with its known CSAT posted.
  for (const call of built.calls) {
    if (!call.expect.resolves) continue;
    if (built.calls.some((c) => c !== call && digits(c.callerNumber) === digits(call.callerNumber))) continue;
    const summary = notes.find((n) => n.callId === String(call.id));
    if (!summary) continue; // already reported as lost
    const log = requests.get(summary.conversationId) || { resolves: [], csats: [], refusedCsats: 0 };
    const status = app.standins.freshchat.state.conversations.find((c) => c.conversation_id === summary.conversationId);
    if (!status || status.status !== 'resolved') {
      violations.push({ property: 'resolved-and-csat-posted', detail: 'call ' + call.id + ' (answered, alone for its caller) left conversation ' + summary.conversationId + ' ' + (status ? status.status : 'missing') + ', not resolved' });
    }
    if (call.expect.csatKnown && !log.csats.some((p) => p.rating === call.expect.csatRating)) {
      violations.push({ property: 'resolved-and-csat-posted', detail: 'call ' + call.id + ': CSAT ' + call.expect.csatRating + ' was in the call metrics but never posted' });
    }
  }

  for (const { cause, result } of run.invocations) {
    try {
      assertPlatformClean(result);
    } catch (err) {
      violations.push({ property: 'platform-clean', detail: cause + ' at ' + new Date(result.requests[0] ? result.requests[0].at : run.endedAt).toISOString() + ': ' + (err as Error).message });
    }
  }

  const load = minuteLoad(app.runtime);
  for (const [minute, n] of load.overRequests) violations.push({ property: 'budgets', detail: n + ' requests in the clock minute ' + new Date(minute * 60_000).toISOString() });
  for (const [minute, n] of load.overDbOps) violations.push({ property: 'budgets', detail: n + ' $db operations in the clock minute ' + new Date(minute * 60_000).toISOString() });
  for (const refusal of load.platformRefusals.slice(0, 5)) violations.push({ property: 'budgets', detail: 'the platform answered 429: ' + refusal });
  if (load.platformRefusals.length > 5) violations.push({ property: 'budgets', detail: '... and ' + (load.platformRefusals.length - 5) + ' more platform 429s' });

  if (run.pendingAtEnd.length) violations.push({ property: 'nothing-pending', detail: 'after ' + Math.round((run.endedAt - CASE_START) / 3_600_000) + ' h: ' + run.pendingAtEnd.join(', ') });

  const secrets = [String(app.iparams.freshchat_api_key), String(app.iparams.freshcaller_api_key)];
  for (const entry of app.runtime.logs) {
    const what = secrets.some((s) => entry.message.includes(s)) ? 'an API key' : FULL_NUMBER.test(entry.message) ? 'a full phone number' : NOTES_TEXT.some((t) => entry.message.includes(t)) ? 'call notes' : '';
    if (what) violations.push({ property: 'no-leaks', detail: entry.handler + ' logged ' + what + ': ' + JSON.stringify(entry.message.slice(0, 120)) });
  }

  for (const r of app.standins.freshchat.requests.concat(app.standins.freshcaller.requests)) {
    if (r.violations.length) violations.push({ property: 'api-contracts', detail: r.method + ' ' + r.path + ': ' + r.violations.join('; ') });
  }
  return violations;
}

/** The failure text: which properties broke, how, and the case in words. */
export function report(built: BuiltCase, violations: Violation[]): string {
  const names = [...new Set(violations.map((v) => v.property))];
  const lines = ['properties broken: ' + names.join(', ')];
  for (const name of names) {
    const own = violations.filter((v) => v.property === name);
    lines.push('- ' + name + ':');
    own.slice(0, 8).forEach((v) => lines.push('    ' + v.detail));
    if (own.length > 8) lines.push('    ... ' + (own.length - 8) + ' more');
  }
  lines.push('case:', describeCase(built));
  return lines.join('\n');
}

/** Builds, runs and judges one spec; throws the report when a property broke. */
export async function assertCase(app: PropertyApp, spec: CaseSpec, only?: PropertyName[]): Promise<void> {
  const built = buildCase(spec, app.iparams);
  const run = await runCase(app, built);
  let violations = checkCase(app, built, run);
  if (only) violations = violations.filter((v) => only.includes(v.property));
  if (violations.length) throw new Error(report(built, violations));
}
