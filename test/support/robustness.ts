// Helpers for the robustness suites (test/integration/robustness/): one call's outcome event
// built from a sample with only what a test changes, single events fired like replay() fires
// them, the run codes of the log lines (the second word, sync/outcome.ts), the deferred-work queue
// and schedules as stored, extra runtimes that share an app's stand-ins (another timeout, another
// host map), and a host that answers like a web server instead of an API. Everything runs the shipped
// server/server.js; extra runtimes record their coverage of it like startLocalApp's does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordShippedCoverage } from '../../tools/coverage/shipped-coverage';
import { LocalRuntime, ManualClock, type InvocationResult } from '../../tools/runtime';
import { ROOT } from './fixtures';
import { assertPlatformClean, FULL_NUMBER, NOTES_TEXT, renamed, sequence, type LocalApp, type Payload } from './scenario';

/** Where each sample's outcome event is (the event that completes the call). */
const OUTCOME_INDEX: Record<string, number> = {
  'answered-inbound': 4,
  'missed-inbound': 1,
  voicemail: 2,
  'abandoned-unknown': 1,
  'outgoing-answered': 2,
};

/** The sample's own call id, so the outcome can be renamed. */
const SAMPLE_CALL_ID: Record<string, number> = {
  'answered-inbound': 25847696,
  'missed-inbound': 25847700,
  voicemail: 25847710,
  'abandoned-unknown': 25847730,
  'outgoing-answered': 25847720,
};

export type Call = Payload['data']['call'];
export type Participant = Call['participants'][number];

export interface OutcomeChange {
  (call: Call, customer: Participant, payload: Payload): void;
}

/**
 * The outcome event of a sample call under another id (and caller number, if given), changed by
 * `change`. The copy is deep: tests may change it freely.
 */
export function outcomeOf(sample: keyof typeof OUTCOME_INDEX | string, id: number, callerNumber?: string, change?: OutcomeChange): Payload {
  const index = OUTCOME_INDEX[sample];
  const from = SAMPLE_CALL_ID[sample];
  if (index === undefined || from === undefined) throw new Error('no outcome event known for sample ' + sample);
  const payload = renamed(sequence(sample), { [from]: id }, callerNumber)[index] as Payload;
  if (change) change(payload.data.call, customerOf(payload), payload);
  return payload;
}

/** A later update of the same call: the same snapshot, `minutes` later, with `changes` as given. */
export function laterUpdate(payload: Payload, minutes: number, changes: Record<string, unknown>, change?: OutcomeChange): Payload {
  const copy = JSON.parse(JSON.stringify(payload)) as Payload;
  const call = copy.data.call;
  const before = String(call.updated_time);
  const after = new Date(Date.parse(before) + minutes * 60_000).toISOString();
  call.updated_time = after;
  copy.event = 'onCallUpdate';
  copy.data.changes = Object.assign({ updated_time: [after, before] }, changes);
  if (change) change(call, customerOf(copy), copy);
  return copy;
}

export function customerOf(payload: Payload): Participant {
  const customer = payload.data.call.participants.find((p) => String(p.participant_type).toLowerCase() === 'customer');
  if (!customer) throw new Error('the payload has no customer participant');
  return customer;
}

export function agentOf(payload: Payload): Participant | undefined {
  return payload.data.call.participants.find((p) => String(p.participant_type).toLowerCase() === 'agent');
}

/** Fires one event `gapMs` after the previous one (default 60 s: the per-minute budgets refill) and checks it like replay(). */
export async function fire(app: LocalApp, payload: Payload, gapMs = 60_000): Promise<InvocationResult> {
  app.clock.advance(gapMs);
  const result = await app.runtime.fireEvent(payload.event, payload);
  assertPlatformClean(result);
  return result;
}

/** Fires one event on a runtime of its own (see sideRuntime), checked like replay(). */
export async function fireOn(runtime: LocalRuntime, payload: Payload): Promise<InvocationResult> {
  const result = await runtime.fireEvent(payload.event, payload);
  assertPlatformClean(result);
  return result;
}

/** [level, message] of each log line, for toEqual. */
export function logLines(result: InvocationResult | InvocationResult[]): Array<[string, string]> {
  const list = Array.isArray(result) ? result : [result];
  return list.flatMap((r) => r.logs.map((entry) => [entry.level, entry.message] as [string, string]));
}

/** A run's log line (sync/outcome.ts renderOutcome): `[call-sync] <source> <code> call <id>: ...`. */
const RUN_LINE = /^\[call-sync\] (\S+) (\S+) call (\S+?)(?::|$)/;

export interface RunLine {
  level: string;
  source: string;
  /** The run code (outcome.ts RUN_CODES): what tests assert, never the prose after it. */
  code: string;
  callId: string;
  message: string;
}

/** The run lines of the invocations' logs (other lines, e.g. `drained ran 1, left 0`, are left out). */
export function runLines(result: InvocationResult | InvocationResult[]): RunLine[] {
  return logLines(result).flatMap(([level, message]) => {
    const match = RUN_LINE.exec(message);
    return match ? [{ level, source: match[1] as string, code: match[2] as string, callId: match[3] as string, message }] : [];
  });
}

/** [level, code] of each run line, for toEqual: `[['error', 'deferred']]`. */
export function runCodes(result: InvocationResult | InvocationResult[]): Array<[string, string]> {
  return runLines(result).map((line) => [line.level, line.code] as [string, string]);
}

/** The steps a run line lists (`steps link, post_summary`): identifiers, not prose. */
export function stepsOf(line: RunLine): string[] {
  const match = / steps ([a-z_]+(?:, [a-z_]+)*)/.exec(line.message);
  return match ? (match[1] as string).split(', ') : [];
}

/** Names of the live schedules (the recurring `call-sync-drain`, the minutes' runs `drain-<n>`). */
export function scheduleNames(runtime: LocalRuntime): string[] {
  return runtime.schedules().map((s) => s.name);
}

/** Old one-time schedules named for one call (`rp-<id>`, `cs-<id>`): the pipeline never makes them. */
export function schedulesFor(runtime: LocalRuntime, callId: number | string): string[] {
  return scheduleNames(runtime).filter((name) => name.endsWith('-' + callId));
}

/** Call ids carried by the minutes' runs (`drain-<n>` with data `{ kind: 'calls', calls }`). */
export function overflowCalls(runtime: LocalRuntime): string[] {
  return runtime
    .schedules()
    .filter((s) => s.data.kind === 'calls')
    .flatMap((s) => (Array.isArray(s.data.calls) ? (s.data.calls as unknown[]).map(String) : []));
}

export interface QueuedItem {
  /** The `q:<slot>` key's slot. */
  slot: number;
  call: string;
  kind: 'retry' | 'look';
  due: number;
  attempts: number;
  since: number;
}

/** The deferred-work queue as stored: every `c<call id>` attribute of every `q:<slot>` key. */
export function queued(runtime: LocalRuntime, callId?: number | string): QueuedItem[] {
  const store = runtime.store('freshcaller');
  const items: QueuedItem[] = [];
  for (const key of store.keys().filter((k) => /^q:\d+$/.test(k)).sort()) {
    const value = store.peek(key) || {};
    for (const attribute of Object.keys(value)) {
      const raw = value[attribute] as Record<string, unknown> | null;
      if (!/^c\d+$/.test(attribute) || typeof raw !== 'object' || raw === null) continue;
      items.push({
        slot: Number(key.slice(2)),
        call: String(raw.i || attribute.slice(1)),
        kind: raw.k === 'l' ? 'look' : 'retry',
        due: Number(raw.d),
        attempts: Number(raw.n),
        since: Number(raw.s),
      });
    }
  }
  return callId === undefined ? items : items.filter((item) => item.call === String(callId));
}

/**
 * An installation that has been running: its drain has run once, so `app:state` knows where the
 * queue starts. (A fresh installation's first drain is tested on its own in api-failures.)
 */
export async function primeDrain(runtime: LocalRuntime): Promise<void> {
  const result = await runtime.fireEvent('onScheduledEvent', { data: { kind: 'drain' } });
  assertPlatformClean(result);
  if (!runtime.store('freshcaller').peek('app:state')) throw new Error('primeDrain: the drain did not save app:state');
}

/** The record's parts tests look at (sync/record.ts), typed loosely for toMatchObject. */
export interface StoredRecord {
  v: number;
  status: string;
  outcome: string | null;
  link: { state: string; conversationId: string | null; userId: string | null; reason: string | null; ambiguous: boolean; by: string | null };
  summary: string;
  actorId: string | null;
  agentName: string | null;
  resolution: string;
  csat: { state: string; rating: number | null; key: number | null; looks: number; lookAt: number | null };
  transfers: Array<{ leg: string; agentName: string | null; durationSeconds: number | null; written: boolean }>;
  uncertain: string[];
  uncertainFollowUps: string[];
  failure: { code: string; reason: string; status: number; permanent: boolean; at: number; nextAt: number | null } | null;
  [key: string]: unknown;
}

export function recordIn(runtime: LocalRuntime, callId: number | string): StoredRecord | undefined {
  return runtime.store('freshcaller').peek('call:' + callId) as StoredRecord | undefined;
}

/** Real waiting: a stand-in's delayed answer (injectFault delayMs) arrives in real time. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Real waiting until `condition` holds (checked every 10 ms); throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met within ' + timeoutMs + ' ms');
    await pause(10);
  }
}

// --- extra runtimes sharing an app's stand-ins ---------------------------------------------------

export interface SideRuntimeOptions {
  iparams?: Record<string, unknown>;
  /** Default: the app's stand-ins for the (possibly changed) hosts. */
  hostMap?: Record<string, string>;
  requestTimeoutMs?: number;
}

const sideRuntimes: LocalRuntime[] = [];
/** How many of each extra runtime's log lines sideRuntimeLogLeaks() has looked at. */
const logsChecked = new WeakMap<LocalRuntime, number>();

/**
 * Another installation of the shipped app (its own store, schedules and clock) talking to the
 * same stand-ins as `app`: for a short request timeout or a host mapped elsewhere. Call
 * recordSideRuntimes() in afterAll (before app.stop()) so their coverage counts.
 */
export function sideRuntime(app: LocalApp, options: SideRuntimeOptions = {}): LocalRuntime {
  const iparams = Object.assign({}, app.iparams, options.iparams || {});
  const hostMap = options.hostMap || app.standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) });
  const runtime = new LocalRuntime({
    root: ROOT,
    iparams,
    clock: new ManualClock(app.clock.now()),
    instrument: true,
    hostMap,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  sideRuntimes.push(runtime);
  return runtime;
}

/**
 * Log lines of the extra runtimes (contractWatch sees only the app's own) holding a full phone
 * number, an API key or call notes. Each call reports the lines since the previous one (fits an afterEach).
 */
export function sideRuntimeLogLeaks(app: LocalApp): string[] {
  const secrets = [String(app.iparams.freshchat_api_key), String(app.iparams.freshcaller_api_key)];
  return sideRuntimes
    .flatMap((runtime) => {
      const lines = runtime.logs.slice(logsChecked.get(runtime) || 0).map((entry) => entry.message);
      logsChecked.set(runtime, runtime.logs.length);
      return lines;
    })
    .filter((message) => FULL_NUMBER.test(message) || secrets.some((s) => message.includes(s)) || NOTES_TEXT.some((t) => message.includes(t)));
}

export function recordSideRuntimes(): void {
  for (const runtime of sideRuntimes.splice(0)) recordShippedCoverage(ROOT, runtime.coverage());
}

// --- a host that is not the API -----------------------------------------------------------------

export interface OddAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface OddHost {
  url: string;
  /** What every request gets; change it at any time. */
  answer: OddAnswer;
  /** Paths asked, in order. */
  paths: string[];
  close(): Promise<void>;
}

/** A web server on 127.0.0.1 that answers every request with `answer` (an HTML page by default). */
export async function startOddHost(answer: Partial<OddAnswer> = {}): Promise<OddHost> {
  const host: OddHost = {
    url: '',
    answer: Object.assign({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>' }, answer),
    paths: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    host.paths.push(String(req.url).split('?')[0] as string);
    req.resume();
    res.writeHead(host.answer.status, { 'Content-Type': host.answer.contentType, 'Content-Length': Buffer.byteLength(host.answer.body) });
    res.end(host.answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  host.url = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  return host;
}
