// End-to-end scenario helpers: the built app in the local runtime against fresh stand-ins
// (local-app.ts), plus what the scenario tests keep asking: replay a call's events, find the
// app's notes in a conversation by their identifying last line, read the stored record, add up
// what events cost, and check that no request broke the API contracts and nothing personal
// leaked into the logs or the store.
import { RUN_CODES, type RunCode } from '../../server/src/sync/outcome';
import type { InvocationResult } from '../../tools/runtime';
import type { FreshcallerCall, FreshchatConversation, RecordedRequest } from '../../tools/standins';
import { loadSequence, variant, type Payload } from './fixtures';
import { startLocalApp, type LocalApp } from './local-app';

export type { LocalApp } from './local-app';
export type { Payload } from './fixtures';

/** Who the stand-ins hold (test_data/standins-seed.json). */
export const SEED = {
  agents: {
    /** Ava Parker: the same email in Freshcaller (67030) and Freshchat. */
    ava: 'a9e00000-0000-4000-8000-000000000001',
    /** Chen Li: `freshchat_default_agent_id` in test_data/iparams.json. */
    defaultAgent: 'a9e00000-0000-4000-8000-000000000003',
  },
  users: {
    jordan: 'e5e00000-0000-4000-8000-000000000001',
    sam: 'e5e00000-0000-4000-8000-000000000002',
    riley: 'e5e00000-0000-4000-8000-000000000003',
  },
  conversations: {
    /** Jordan's older conversation, resolved. */
    jordanResolved: 'c0c00000-0000-4000-8000-000000000001',
    /** Jordan's most recent conversation, assigned (open). */
    jordanOpen: 'c0c00000-0000-4000-8000-000000000002',
    /** Sam's conversation, new. Sam's phone is stored as "(415) 555-0199". */
    sam: 'c0c00000-0000-4000-8000-000000000003',
    /** Riley's conversation, resolved. Riley's phone is stored as "4155550142". */
    riley: 'c0c00000-0000-4000-8000-000000000004',
  },
  channel: 'c0000000-0000-4000-8000-000000000001',
  appId: 'a0000000-0000-4000-8000-000000000001',
} as const;

/**
 * Forgets every remembered caller (`cc:` keys), so the next call of a number is looked up
 * afresh: for tests about the lookup itself, on an app whose earlier tests called that number.
 */
export function forgetCallers(app: LocalApp): void {
  const store = app.runtime.store('freshcaller');
  store.keys().filter((key) => key.indexOf('cc:') === 0).forEach((key) => store.forget(key));
}

/** Starts the built app against fresh stand-ins; `overrides` change installation parameters. */
export function startScenarioApp(overrides: Record<string, unknown> = {}): Promise<LocalApp> {
  return startLocalApp(overrides);
}

/**
 * The life of a scenario file that replays one sample call: a fresh app, the sample replayed
 * before the tests, the contract and leak check after each test, the app stopped (recording the
 * shipped-file coverage) at the end. `use` hands the app and the results to the file.
 */
export function useReplayedSample(sample: string, use: (app: LocalApp, results: InvocationResult[]) => void): void {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    use(app, await replay(app, sample));
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });
}

/** An admin changes the installation parameters: later events carry the new values. */
export function useSettings(app: LocalApp, overrides: Record<string, unknown>): void {
  app.runtime.iparams = Object.assign({}, app.iparams, overrides);
}

/** A sample sequence with every payload changed by `change` (deep copies). */
export function sequence(name: string, change?: (payload: Payload) => void): Payload[] {
  return loadSequence(name).map((payload) => (change ? variant(payload, change) : payload));
}

/**
 * The same call under another id (and another caller number, if given), so one app instance can
 * take a call again without finding the first one's stored record. A transferred leg keeps
 * pointing at the renamed root.
 */
export function renamed(payloads: Payload[], ids: Record<number, number>, callerNumber?: string): Payload[] {
  return payloads.map((payload) =>
    variant(payload, (copy) => {
      const call = copy.data.call as Record<string, unknown> & { participants: Array<Record<string, unknown>> };
      for (const field of ['id', 'parent_call_id', 'root_call_id']) {
        const value = call[field];
        if (typeof value === 'number' && ids[value] !== undefined) call[field] = ids[value];
      }
      for (const participant of call.participants || []) {
        if (typeof participant.call_id === 'number' && ids[participant.call_id] !== undefined) participant.call_id = ids[participant.call_id];
        if (callerNumber && participant.participant_type === 'Customer') participant.caller_number = callerNumber;
      }
    }),
  );
}

export interface ReplayOptions {
  /** Clock time before the first event: calls are spread out as real ones are. Default 60 s. */
  gapMs?: number;
}

/**
 * Fires the events one after another and returns each one's result. Throws when the platform
 * would have refused an invocation (a broken rule, no renderData, renderData twice or with an
 * error), so every scenario also checks that the app behaves as a platform citizen.
 */
export async function replay(app: LocalApp, events: string | Payload[], options: ReplayOptions = {}): Promise<InvocationResult[]> {
  const payloads = typeof events === 'string' ? loadSequence(events) : events;
  app.clock.advance(options.gapMs === undefined ? 60_000 : options.gapMs);
  const results: InvocationResult[] = [];
  for (const payload of payloads) {
    const result = await app.runtime.fireEvent(payload.event, payload);
    assertPlatformClean(result);
    results.push(result);
  }
  return results;
}

/** Moves the clock, runs the schedules that fall due and checks each like replay does. */
export async function advance(app: LocalApp, ms: number): Promise<InvocationResult[]> {
  const results = await app.runtime.advance(ms);
  results.forEach(assertPlatformClean);
  return results;
}

export function assertPlatformClean(result: InvocationResult): void {
  const wrong: string[] = result.problems.slice();
  if (!result.completed) wrong.push('did not complete');
  if (result.renderDataCalls !== 1) wrong.push('renderData called ' + result.renderDataCalls + ' times');
  if (result.platformError) wrong.push('platform answered ' + result.platformError.status + ' ' + result.platformError.message);
  if (result.renderData && result.renderData.error !== undefined && result.renderData.error !== null) {
    wrong.push('renderData error ' + JSON.stringify(result.renderData.error));
  }
  if (wrong.length) throw new Error(result.handler + ' (' + String(result.event) + ') broke platform rules: ' + wrong.join('; '));
}

// --- costs ----------------------------------------------------------------------------------------

export interface Cost {
  /** API requests made ($request.invokeTemplate calls, whatever their status). */
  requests: number;
  /** Storage operations ($db set/get/update/delete, failed ones included: they count too). */
  dbOps: number;
  reads: number;
  writes: number;
  /** Schedule operations. */
  schedules: number;
  /** The templates invoked, in order. */
  templates: string[];
}

export function costOf(results: InvocationResult | InvocationResult[]): Cost {
  const list = Array.isArray(results) ? results : [results];
  const cost: Cost = { requests: 0, dbOps: 0, reads: 0, writes: 0, schedules: 0, templates: [] };
  for (const result of list) {
    cost.requests += result.requests.length;
    cost.dbOps += result.dbOps.length;
    cost.reads += result.dbOps.filter((op) => op.op === 'get').length;
    cost.writes += result.dbOps.filter((op) => op.op !== 'get').length;
    cost.schedules += result.schedules.length;
    cost.templates.push(...result.requests.map((request) => request.template));
  }
  return cost;
}

export function sumRequests(results: InvocationResult[]): number {
  return costOf(results).requests;
}

export function sumDbOps(results: InvocationResult[]): number {
  return costOf(results).dbOps;
}

/** Nothing at all: no request, no storage operation, no schedule. */
export const FREE: Cost = { requests: 0, dbOps: 0, reads: 0, writes: 0, schedules: 0, templates: [] };

/** One storage read and nothing else: a repeat of an event already handled. */
export const ONE_READ: Cost = { requests: 0, dbOps: 1, reads: 1, writes: 0, schedules: 0, templates: [] };
/** A repeat of the event that ended the call: it tries to create the record first (it exists), then reads it. */
export const REPEATED_END: Cost = { requests: 0, dbOps: 2, reads: 1, writes: 1, schedules: 0, templates: [] };

// --- what the stand-ins hold ------------------------------------------------------------------------

export type NoteKind = 'summary' | 'follow-up' | 'moved';

export interface AppNote {
  conversationId: string;
  /** Position among all the conversation's messages, oldest first. */
  index: number;
  messageId: string;
  messageType: string;
  actorType: string;
  actorId: string | undefined;
  callId: string;
  kind: NoteKind;
  text: string;
  /** The lines before the identifying line. */
  lines: string[];
}

const IDENTIFYING_LINE = /^Call Sync \u00b7 call (\d+) \u00b7 (summary|follow-up|moved)$/;

export function identifyingLine(callId: string | number, kind: NoteKind): string {
  return 'Call Sync \u00b7 call ' + callId + ' \u00b7 ' + kind;
}

/** The app's notes in a conversation, recognised by their last line, oldest first. */
export function appNotes(app: LocalApp, conversationId: string, filter: { callId?: string | number; kind?: NoteKind } = {}): AppNote[] {
  const notes: AppNote[] = [];
  app.standins.freshchat.messagesOf(conversationId).forEach((message, index) => {
    const text = message.message_parts.map((part) => (part.text ? part.text.content : '')).join('\n');
    const lines = text.replace(/\s+$/, '').split(/\r?\n/);
    const match = IDENTIFYING_LINE.exec((lines[lines.length - 1] || '').trim());
    if (!match) return;
    const note: AppNote = {
      conversationId,
      index,
      messageId: message.id,
      messageType: message.message_type,
      actorType: message.actor_type,
      actorId: message.actor_id,
      callId: match[1] as string,
      kind: match[2] as NoteKind,
      text,
      lines: lines.slice(0, -1),
    };
    if (filter.callId !== undefined && note.callId !== String(filter.callId)) return;
    if (filter.kind !== undefined && note.kind !== filter.kind) return;
    notes.push(note);
  });
  return notes;
}

/** The app's notes in every conversation. */
export function allAppNotes(app: LocalApp, filter: { callId?: string | number; kind?: NoteKind } = {}): AppNote[] {
  return app.standins.freshchat.state.conversations.flatMap((c) => appNotes(app, c.conversation_id, filter));
}

export function conversation(app: LocalApp, id: string): FreshchatConversation {
  const found = app.standins.freshchat.state.conversations.find((c) => c.conversation_id === id);
  if (!found) throw new Error('the Freshchat stand-in has no conversation ' + id);
  return found;
}

export function csatPosts(app: LocalApp, conversationId: string): Array<{ rating?: number; issue_resolved: boolean }> {
  return app.standins.freshchat.state.csat[conversationId] || [];
}

/** Freshchat requests (as the stand-in received them) matching method and path. */
export function chatRequests(app: LocalApp, method?: string, path?: string | RegExp): RecordedRequest[] {
  return app.standins.freshchat.requests.filter((request) => matches(request, method, path));
}

export function callerRequests(app: LocalApp, method?: string, path?: string | RegExp): RecordedRequest[] {
  return app.standins.freshcaller.requests.filter((request) => matches(request, method, path));
}

function matches(request: RecordedRequest, method?: string, path?: string | RegExp): boolean {
  if (method && request.method !== method) return false;
  if (path === undefined) return true;
  return typeof path === 'string' ? request.path === path : path.test(request.path);
}

/** What a Freshchat agent does in the Freshchat UI: resolves a conversation (not the app). */
export async function resolveAsAgent(app: LocalApp, conversationId: string): Promise<void> {
  const response = await fetch(app.standins.freshchat.url + '/v2/conversations/' + conversationId, {
    method: 'PUT',
    headers: { Authorization: 'Bearer ' + String(app.iparams.freshchat_api_key), 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'resolved' }),
  });
  if (response.status !== 200) throw new Error('resolving ' + conversationId + ' answered ' + response.status + ': ' + (await response.text()));
}

/** Freshcaller's own view of a call (what GET /api/v1/calls/{id} answers), e.g. for a replay. */
export function setFreshcallerCall(app: LocalApp, call: Payload['data']['call']): void {
  app.standins.freshcaller.addCall(JSON.parse(JSON.stringify(call)) as FreshcallerCall);
}

// --- what the app logged --------------------------------------------------------------------------

/** The run codes of server/src/sync/outcome.ts: the second word of every outcome line. */
export { RUN_CODES, type RunCode };

/** `[call-sync] <source> <code> call <id>[: ...]` (outcome.ts renderOutcome). */
const OUTCOME_LINE = /^(?:\[call-sync\] )?(\S+) (\S+) call (\S+?)(?::|$)/;

export interface LoggedOutcome {
  level: string;
  source: string;
  code: string;
  callId: string;
}

/** The outcome a log line reports, or null for a line that is not one (e.g. "drained ran 1"). */
export function parseOutcome(level: string, message: string): LoggedOutcome | null {
  const match = OUTCOME_LINE.exec(message);
  if (!match || (RUN_CODES as readonly string[]).indexOf(match[2] as string) < 0) return null;
  return { level, source: match[1] as string, code: match[2] as string, callId: match[3] as string };
}

/** Every outcome line the invocations logged, in order. */
export function loggedOutcomes(results: InvocationResult | InvocationResult[]): LoggedOutcome[] {
  const list = Array.isArray(results) ? results : [results];
  const outcomes: LoggedOutcome[] = [];
  for (const result of list) {
    for (const entry of result.logs) {
      const parsed = parseOutcome(entry.level, entry.message);
      if (parsed) outcomes.push(parsed);
    }
  }
  return outcomes;
}

/** The run codes the invocations logged, in order (tests assert codes, never prose). */
export function logCodes(results: InvocationResult | InvocationResult[]): string[] {
  return loggedOutcomes(results).map((o) => o.code);
}

// --- the app's store ------------------------------------------------------------------------------

export function storedRecord(app: LocalApp, callId: string | number): Record<string, unknown> | undefined {
  return app.runtime.store('freshcaller').peek('call:' + callId);
}

/** The stored call record (server/src/sync/record.ts), typed loosely for assertions. */
export interface StoredRecord {
  v: number;
  status: string;
  outcome: string | null;
  link: { state: string; conversationId: string | null; userId: string | null; reason: string | null; ambiguous: boolean; by: string | null };
  summary: string;
  resolution: string;
  csat: { state: string; rating: number | null; key: number | null; looks: number; lookAt: number | null };
  transfers?: Array<{ leg: string; agentName: string | null; durationSeconds: number | null; written: boolean }>;
  uncertain?: string[];
  uncertainFollowUps?: string[];
  failure: { code: string; reason: string; status: number; permanent: boolean; at: number; nextAt: number | null } | null;
  [key: string]: unknown;
}

/** The call's record; fails the test when there is none. */
export function record(app: LocalApp, callId: string | number): StoredRecord {
  const found = storedRecord(app, callId);
  if (!found) throw new Error('the app stored no record for call ' + callId);
  return found as unknown as StoredRecord;
}

export interface PendingItem {
  slot: number;
  call: string;
  kind: 'retry' | 'look';
  due: number;
  attempts: number;
}

/** What the deferred-work queue holds (`q:<slot>` keys, one `c<call id>` attribute per call). */
export function pendingItems(app: LocalApp): PendingItem[] {
  const store = app.runtime.store('freshcaller');
  const items: PendingItem[] = [];
  for (const key of store.keys().filter((k) => /^q:\d+$/.test(k)).sort()) {
    const value = store.peek(key) || {};
    for (const attr of Object.keys(value)) {
      const raw = value[attr] as Record<string, unknown> | null;
      if (attr.charAt(0) !== 'c' || typeof raw !== 'object' || raw === null) continue;
      items.push({
        slot: Number(key.slice(2)),
        call: typeof raw.i === 'string' ? raw.i : attr.slice(1),
        kind: raw.k === 'l' ? 'look' : 'retry',
        due: Number(raw.d),
        attempts: Number(raw.n),
      });
    }
  }
  return items;
}

/** The call ids queued for deferred work, in slot order. */
export function pendingQueue(app: LocalApp): string[] {
  return pendingItems(app).map((item) => item.call);
}

/** The names of the live schedules (the recurring drain, the minutes' runs `drain-<n>`). */
export function scheduleNames(app: LocalApp): string[] {
  return app.runtime.schedules().map((s) => s.name);
}

/** The call ids the reconciliation index (`rc:<slot>`) holds as settled. */
export function settledCalls(app: LocalApp): string[] {
  const store = app.runtime.store('freshcaller');
  return store
    .keys()
    .filter((k) => /^rc:\d+$/.test(k))
    .reduce<string[]>((all, key) => all.concat(Object.keys(store.peek(key) || {}).filter((a) => a.charAt(0) === 'c').map((a) => a.slice(1))), []);
}

export function storedKeys(app: LocalApp): string[] {
  return app.runtime.store('freshcaller').keys();
}

/** Everything the app's store holds, as one JSON text (to look for what must not be there). */
export function storedText(app: LocalApp): string {
  const store = app.runtime.store('freshcaller');
  return JSON.stringify(store.keys().map((key) => [key, store.peek(key)]));
}

// --- what must never leak -----------------------------------------------------------------------------

/** A full phone number of any caller in the samples or the business, in any of the usual forms. */
export const FULL_NUMBER = /\+?1?[\s.-]?\(?415\)?[\s.-]?555[\s.-]?\d{4}|4155550\d{3}|\+?1?[\s.-]?\(?858\)?[\s.-]?281[\s.-]?0798/;

/** A full phone number of a caller in the samples (the business number aside), in any usual form. */
export const FULL_CALLER_NUMBER = /\+?1?[\s.-]?\(?415\)?[\s.-]?555[\s.-]?\d{4}|4155550\d{3}/;

/** Distinctive words of the sample calls' notes (and the card number in one of them). */
export const NOTES_TEXT = ['delivery to Friday', 'Confirmed new slot', 'Billing question', 'refund issued', 'RF-20931', 'card on file', '4111 1111', '5512-7788'];

export interface LeakCheck {
  /** Requests that broke the APIs' contracts, since the last check. */
  violations: string[];
  /** Log lines holding a phone number, a key or call notes, since the last check. */
  logLeaks: string[];
}

/**
 * Watches one app: each check() reports what happened since the previous one, so it fits an
 * afterEach (a failure lands on the test that caused it) as well as an afterAll.
 */
export function contractWatch(app: LocalApp): { check(): LeakCheck } {
  let chatSeen = 0;
  let callerSeen = 0;
  let logsSeen = 0;
  const secrets = [String(app.iparams.freshchat_api_key), String(app.iparams.freshcaller_api_key)];
  return {
    check(): LeakCheck {
      const chat = app.standins.freshchat.requests.slice(chatSeen);
      const caller = app.standins.freshcaller.requests.slice(callerSeen);
      const logs = app.runtime.logs.slice(logsSeen);
      chatSeen += chat.length;
      callerSeen += caller.length;
      logsSeen += logs.length;
      const violations = chat
        .concat(caller)
        .filter((request) => request.violations.length > 0)
        .map((request) => request.method + ' ' + request.path + ': ' + request.violations.join('; '));
      const logLeaks = logs
        .map((entry) => entry.message)
        .filter((message) => FULL_NUMBER.test(message) || secrets.some((s) => message.includes(s)) || NOTES_TEXT.some((t) => message.includes(t)));
      return { violations, logLeaks };
    },
  };
}

/** The storage operations as `<op>[ <action>] <key>` lines, e.g. `get call:1`, `update set q:5`. */
export function dbOpsOf(results: InvocationResult | InvocationResult[]): string[] {
  const list = Array.isArray(results) ? results : [results];
  // A remembered caller's key is a keyed hash of the number: shown as `cc:…`.
  return list.flatMap((result) => result.dbOps.map((op) => op.op + (op.action ? ' ' + op.action : '') + ' ' + op.key.replace(/^cc:[0-9a-f]{16}$/, 'cc:\u2026')));
}
