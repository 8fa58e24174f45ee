// fast-check arbitraries for the property suite (test/property/): random call lifecycles for
// several calls at once, built from the shapes of the sample calls (test_data/calls/), a random
// delivery of their events (duplicates, concurrent duplicates, reordering, drops, irrelevant
// events, clock advances) and random fault windows in the stand-ins.
//
// What is generated is a small CaseSpec (kinds, callers, numbers, flags); buildCase() turns it
// into payloads and a timeline deterministically, so fast-check prints and shrinks the spec, not
// kilobytes of payloads, and describeCase() reads it back in words.
//
// Extending the fault model is one line each: add an entry to FAULT_KINDS (how a fault is drawn
// and which stand-in FaultSpec it becomes), to ROUTES (which requests it hits) or to
// RUNTIME_KNOBS (an option of the LocalRuntime the case runs on).
import fc from 'fast-check';
import type { FaultSpec } from '../../tools/standins';
import { loadSequence, type Payload } from './fixtures';
import { renamed } from './scenario';

// --- the world the cases live in -----------------------------------------------------------------

/** The clock of every case starts here; calls begin a minute later. */
export const CASE_START = Date.UTC(2026, 10, 2, 14, 0, 0);
/** Root ids of a case's calls: 26000010, 26000020, ... (a transferred leg is root + 1). */
export const FIRST_CALL_ID = 26000000;

/** Callers the Freshchat stand-in knows (test_data/standins-seed.json), as Freshcaller sends them. */
export const KNOWN_CALLERS = {
  jordan: '+14155550123',
  sam: '+14155550199',
  riley: '+14155550142',
} as const;
/** Callers Freshchat has no user for (555 numbers, so the leak checks recognise them). */
export const UNKNOWN_CALLERS = {
  stranger1: '+14155550160',
  stranger2: '+14155550161',
  stranger3: '+14155550162',
} as const;
export type CallerName = keyof typeof KNOWN_CALLERS | keyof typeof UNKNOWN_CALLERS;
export const CALLERS: Record<CallerName, string> = { ...KNOWN_CALLERS, ...UNKNOWN_CALLERS };

export function isKnownCaller(caller: CallerName): boolean {
  return Object.prototype.hasOwnProperty.call(KNOWN_CALLERS, caller);
}

export type CallKind = 'answered' | 'missed' | 'voicemail' | 'abandoned' | 'outgoing' | 'transfer';
export const CALL_KINDS: CallKind[] = ['answered', 'missed', 'voicemail', 'abandoned', 'outgoing', 'transfer'];

/**
 * CSAT in the Freshcaller call metrics. `late`: the caller is still in the survey when the call
 * ends (transfer_made, no outcome) and presses `key` `afterSec` seconds after the call's last event.
 */
export type CsatSpec =
  | { kind: 'none' }
  | { kind: 'rated'; key: number }
  | { kind: 'pending' }
  | { kind: 'late'; key: number; afterSec: number };

/** How one event reaches the app: `copies` 0 drops it; each copy arrives `latencySec[i]` after the event happened. */
export interface DeliverySpec {
  copies: number;
  latencySec: [number, number, number];
  /** The second copy arrives together with the first (both invocations run concurrently). */
  concurrentDuplicate: boolean;
}

/** An event that changes nothing the app syncs: `touch` (only updated_time) or `hold` (on hold, then off). */
export interface ExtraSpec {
  kind: 'touch' | 'hold';
  /** Which of the call's own events it follows (modulo their number). */
  after: number;
  /** Seconds after that event (1-9, before the call's next event). */
  offsetSec: number;
  latencySec: number;
}

export interface CallSpec {
  kind: CallKind;
  caller: CallerName;
  /**
   * The caller's number instead of CALLERS[caller], for cases with more callers than the seed
   * holds (the bench seeds a Freshchat user for each); `caller` still says whether Freshchat knows them.
   */
  number?: string;
  /** Seconds after the first call's start. */
  startSec: number;
  /** answered, voicemail: the recording arrives in a later event. */
  recordingLater: boolean;
  /** answered, outgoing: the agent edits the call notes after the call. */
  notesEdited: boolean;
  /** answered, transfer only; others have no survey. */
  csat: CsatSpec;
  /** One per event of the lifecycle (extra entries unused). */
  deliveries: DeliverySpec[];
  extras: ExtraSpec[];
}

export interface FaultWindow {
  /** Seconds after CASE_START. */
  atSec: number;
  target: 'freshchat' | 'freshcaller';
  route: RouteName;
  kind: FaultKindName;
  params: Record<string, number>;
  /** Requests it hits; with `outageSec` it hits every matching request until the window ends. */
  times: number;
  /** An outage: the fault holds for this many seconds (then that stand-in's faults are cleared). */
  outageSec?: number;
}

export interface CaseSpec {
  calls: CallSpec[];
  faults: FaultWindow[];
  runtime: RuntimeKnobs;
}

// --- the fault model (one line per kind, route or runtime knob) --------------------------------------

interface FaultKind {
  params: fc.Arbitrary<Record<string, number>>;
  spec(params: Record<string, number>): FaultSpec;
}

/** What an injected fault does. Add `reset` / `afterAction` here once the stand-ins take them. */
export const FAULT_KINDS = {
  rateLimited: { params: fc.record({ retryAfter: fc.integer({ min: 1, max: 120 }) }), spec: (p) => ({ status: 429, retryAfter: p.retryAfter }) },
  serverError: { params: fc.constant({}), spec: () => ({ status: 500 }) },
  unavailable: { params: fc.constant({}), spec: () => ({ status: 503 }) },
  // Clearly under (20-100 ms) or over (450-600 ms) the short request timeouts of RUNTIME_KNOBS, never
  // racing them: a case fails or passes the same way every time, so shrinking works.
  slow: { params: fc.record({ delayMs: fc.oneof(fc.integer({ min: 20, max: 100 }), fc.integer({ min: 450, max: 600 })) }), spec: (p) => ({ delayMs: p.delayMs }) },
} satisfies Record<string, FaultKind>;
export type FaultKindName = keyof typeof FAULT_KINDS;

/** Which requests a fault hits (method and path of FaultSpec). */
export const ROUTES = {
  any: {},
  reads: { method: 'GET' },
  posts: { method: 'POST' },
  puts: { method: 'PUT' },
  messages: { method: 'POST', path: /\/messages$/ },
  csat: { path: '/v2/csat' },
  calls: { path: '/api/v1/calls' },
} satisfies Record<string, Pick<FaultSpec, 'method' | 'path'>>;
export type RouteName = keyof typeof ROUTES;

/**
 * Options of the LocalRuntime a case runs on, each drawn per case; undefined keeps the runtime's
 * default. `requestTimeoutMs` short enough that a slow fault becomes a timeout whose request the
 * stand-in still carries out.
 */
export const RUNTIME_KNOBS = {
  requestTimeoutMs: fc.option(fc.constantFrom(150, 300), { nil: undefined, freq: 4 }),
} satisfies Record<string, fc.Arbitrary<unknown>>;
export type RuntimeKnobs = { [K in keyof typeof RUNTIME_KNOBS]?: (typeof RUNTIME_KNOBS)[K] extends fc.Arbitrary<infer T> ? T : never };

/** The stand-in FaultSpec of a window (times: Infinity for an outage). */
export function faultSpecOf(window: FaultWindow): FaultSpec {
  const kind = FAULT_KINDS[window.kind] as FaultKind;
  return Object.assign({}, ROUTES[window.route], kind.spec(window.params), {
    times: window.outageSec === undefined ? window.times : Number.POSITIVE_INFINITY,
  });
}

/** A call delivered plainly: every event once, on time. For hand-written cases. */
export function plainCall(kind: CallKind, caller: CallerName, changes: Partial<CallSpec> = {}): CallSpec {
  const deliveries = Array.from({ length: MAX_EVENTS }, () => ({ copies: 1, latencySec: [0, 0, 0] as [number, number, number], concurrentDuplicate: false }));
  return Object.assign({ kind, caller, startSec: 0, recordingLater: false, notesEdited: false, csat: { kind: 'none' as const }, deliveries, extras: [] }, changes);
}

// --- arbitraries ----------------------------------------------------------------------------------------

/**
 * Most events arrive within seconds (2/3), some minutes late (2/9), a few up to an hour late.
 * One integer mapped monotonically, so shrinking heads to 0 s (delivered on time) across the bands.
 */
const latencyArb = fc.integer({ min: 0, max: 89 }).map((u) => (u < 60 ? Math.floor(u / 6) : u < 80 ? 11 + (u - 60) * 15 : 301 + (u - 80) * 330));

/** Mostly one copy; sometimes dropped, two or three. Shrinks to one copy (0 maps to 1). */
const copiesArb = fc.integer({ min: 0, max: 17 }).map((u) => (u < 12 ? 1 : u < 14 ? 0 : u < 17 ? 2 : 3));

/** The most events a lifecycle has (answered with recording and edited notes: 5; transfer: 5). */
export const MAX_EVENTS = 6;

const deliveryArb = (chaos: boolean): fc.Arbitrary<DeliverySpec> =>
  chaos
    ? fc.record({
        copies: copiesArb,
        latencySec: fc.tuple(latencyArb, latencyArb, latencyArb),
        concurrentDuplicate: fc.boolean(),
      })
    : fc.constant({ copies: 1, latencySec: [0, 0, 0] as [number, number, number], concurrentDuplicate: false });

const csatArb: fc.Arbitrary<CsatSpec> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.integer({ min: 1, max: 5 }).map((key) => ({ kind: 'rated' as const, key })),
  fc.constant({ kind: 'pending' as const }),
  fc.record({ kind: fc.constant('late' as const), key: fc.integer({ min: 1, max: 5 }), afterSec: fc.integer({ min: 30, max: 1500 }) }),
);

const extraArb = (chaos: boolean): fc.Arbitrary<ExtraSpec> =>
  fc.record({
    kind: fc.constantFrom('touch' as const, 'hold' as const),
    after: fc.nat({ max: MAX_EVENTS - 1 }),
    offsetSec: fc.integer({ min: 1, max: 9 }),
    latencySec: chaos ? latencyArb : fc.constant(0),
  });

export function callArb(chaos: boolean): fc.Arbitrary<CallSpec> {
  return fc.record({
    kind: fc.constantFrom(...CALL_KINDS),
    caller: fc.constantFrom(...(Object.keys(CALLERS) as CallerName[])),
    startSec: fc.integer({ min: 0, max: 600 }),
    recordingLater: fc.boolean(),
    notesEdited: fc.boolean(),
    csat: csatArb,
    deliveries: fc.array(deliveryArb(chaos), { minLength: MAX_EVENTS, maxLength: MAX_EVENTS }),
    extras: fc.array(extraArb(chaos), { maxLength: 3 }),
  });
}

const faultKindArb: fc.Arbitrary<{ kind: FaultKindName; params: Record<string, number> }> = fc.oneof(
  ...(Object.keys(FAULT_KINDS) as FaultKindName[]).map((kind) =>
    (FAULT_KINDS[kind] as FaultKind).params.map((params) => ({ kind, params })),
  ),
);

export const faultWindowArb: fc.Arbitrary<FaultWindow> = fc
  .record({
    atSec: fc.integer({ min: 0, max: 1800 }),
    target: fc.constantFrom('freshchat' as const, 'freshcaller' as const),
    route: fc.constantFrom(...(Object.keys(ROUTES) as RouteName[])),
    fault: faultKindArb,
    times: fc.integer({ min: 1, max: 4 }),
    outageSec: fc.option(fc.integer({ min: 60, max: 1800 }), { nil: undefined, freq: 4 }),
  })
  .map(({ fault, outageSec, ...rest }) => {
    const window: FaultWindow = { ...rest, kind: fault.kind, params: fault.params };
    // A slow outage would stall every request for its whole length in real time: slow faults hit a few requests.
    if (outageSec !== undefined && fault.kind !== 'slow') window.outageSec = outageSec;
    return window;
  });

const runtimeKnobsArb: fc.Arbitrary<RuntimeKnobs> = fc.record(RUNTIME_KNOBS, { requiredKeys: [] }) as fc.Arbitrary<RuntimeKnobs>;

export interface CaseArbOptions {
  /** Duplicates, drops, reordering, late events. Default true. */
  chaos?: boolean;
  /** Fault windows in the stand-ins and runtime knobs. Default true. */
  faults?: boolean;
  maxCalls?: number;
  /** At most one call per caller (so no call's conversation is touched by another call of the case). */
  distinctCallers?: boolean;
}

/** A whole case: 1-6 calls, their deliveries, fault windows. */
export function caseArb(options: CaseArbOptions = {}): fc.Arbitrary<CaseSpec> {
  const chaos = options.chaos !== false;
  const faults = options.faults !== false;
  return fc.record({
    calls: options.distinctCallers
      ? fc.uniqueArray(callArb(chaos), { minLength: 1, maxLength: options.maxCalls || 6, selector: (call) => call.caller })
      : fc.array(callArb(chaos), { minLength: 1, maxLength: options.maxCalls || 6 }),
    faults: faults ? fc.array(faultWindowArb, { maxLength: 4 }) : fc.constant([]),
    runtime: faults ? runtimeKnobsArb : fc.constant({}),
  });
}

// --- from spec to payloads ---------------------------------------------------------------------------

/** The sample each kind is built from, its events in lifecycle order, and what each event is. */
interface KindShape {
  sample: string;
  sampleIds: number[];
  /** Indexes into the sample. */
  base: number[];
  labels: string[];
  /** Index (into `base`) of the event that carries the outcome. */
  outcome: number;
  /** Index (into `base`) of a snapshot with the agent connected (hold toggles start from it). */
  connected?: number;
  /** Sample index of the recording event, when recordingLater applies. */
  recording?: number;
}

const SHAPES: Record<CallKind, KindShape> = {
  answered: { sample: 'answered-inbound', sampleIds: [25847696], base: [0, 1, 4], labels: ['ringing', 'agent connected', 'completed with notes'], outcome: 2, connected: 1, recording: 5 },
  missed: { sample: 'missed-inbound', sampleIds: [25847700], base: [0, 1], labels: ['ringing', 'missed'], outcome: 1 },
  voicemail: { sample: 'voicemail', sampleIds: [25847710], base: [0, 1, 2], labels: ['ringing', 'voicemail greeting', 'voicemail left'], outcome: 2, recording: 3 },
  abandoned: { sample: 'abandoned-unknown', sampleIds: [25847730], base: [0, 1], labels: ['ringing', 'abandoned in queue'], outcome: 1 },
  outgoing: { sample: 'outgoing-answered', sampleIds: [25847720], base: [0, 1, 2], labels: ['dialing', 'connected', 'completed with notes'], outcome: 2, connected: 1 },
  transfer: {
    sample: 'transfer',
    sampleIds: [25847740, 25847741],
    base: [0, 1, 2, 3, 4],
    labels: ['ringing', 'agent connected', 'leg created (transfer)', 'root completed with notes', 'leg completed'],
    outcome: 3,
    connected: 1,
  },
};

export type CallPayload = Payload;
export type CallSnapshot = Payload['data']['call'];

export interface BuiltEvent {
  payload: CallPayload;
  /** When it happened (its updated_time), clock ms. */
  at: number;
  label: string;
  /** "26000010#2". */
  ref: string;
}

/** What a call must end as, by README.md and the installation parameters. */
export interface Expectation {
  /**
   * Exactly one summary note, in a conversation of the caller. `maybe`: a missed or abandoned call
   * of an unknown caller whom another call of the case makes known (it creates their user): noted
   * or not depending on which the app handles first, but never twice.
   */
  noted: boolean | 'maybe';
  /** An answered outcome under resolve_policy = answered: the conversation is resolved once. */
  resolves: boolean;
  /** A CSAT rating (mapped by csat_scale) may be posted once: the caller pressed a key, now or later. */
  csatRating: number | null;
  /** The rating is in the metrics from the start: it must be posted. */
  csatKnown: boolean;
}

export interface BuiltCall {
  spec: CallSpec;
  index: number;
  id: number;
  legId?: number;
  callerNumber: string;
  /** The lifecycle's own events, in order (DeliverySpec i applies to lifecycle[i]). */
  lifecycle: BuiltEvent[];
  /** Irrelevant events, each with its own latency. */
  extras: Array<{ event: BuiltEvent; latencySec: number }>;
  /** Both, every snapshot the call had. */
  events: BuiltEvent[];
  /** What the Freshcaller stand-in holds for the root call and the leg: the latest snapshot of each. */
  freshcallerView: CallSnapshot[];
  /** CSAT of the call metrics at the start. */
  metrics: { transfer_made: boolean; outcome: number | null };
  expect: Expectation;
}

export type TimelineItem =
  | { at: number; kind: 'deliver'; event: BuiltEvent; copy: number; concurrent: boolean }
  | { at: number; kind: 'fault'; window: FaultWindow; index: number }
  | { at: number; kind: 'clearFaults'; target: 'freshchat' | 'freshcaller'; index: number }
  | { at: number; kind: 'metrics'; call: BuiltCall; csat: { transfer_made: boolean; outcome: number } };

export interface BuiltCase {
  spec: CaseSpec;
  calls: BuiltCall[];
  /** In clock order. */
  timeline: TimelineItem[];
  /** Events never delivered. */
  dropped: BuiltEvent[];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isoPlus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString().replace(/Z$/, '+00:00');
}

/** Every time in a payload moved by `ms` (ISO strings and the wrapper's `timestamp` seconds); sample ids in strings renamed. */
function shifted<T>(value: T, ms: number, ids: Record<number, number>): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (ISO_TIME.test(v)) return isoPlus(v, ms);
      let out = v;
      for (const [from, to] of Object.entries(ids)) out = out.split(from).join(String(to));
      return out;
    }
    if (typeof v === 'number' && key === 'timestamp') return v + Math.round(ms / 1000);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

function customer(call: CallSnapshot): Record<string, unknown> {
  const found = call.participants.find((p) => String(p.participant_type).toLowerCase() === 'customer');
  if (!found) throw new Error('sample call without a customer participant');
  return found;
}

/** The same snapshot `sec` seconds later, with only bookkeeping changed (and `change` applied). */
function laterSnapshot(from: CallPayload, sec: number, change?: (call: CallSnapshot) => void, changes?: Record<string, unknown>): CallPayload {
  const copy = JSON.parse(JSON.stringify(from)) as CallPayload;
  const before = String(copy.data.call.updated_time);
  const after = isoPlus(before, sec * 1000);
  copy.event = 'onCallUpdate';
  copy.data.call.updated_time = after;
  copy.timestamp = Math.round(Date.parse(after) / 1000);
  if (change) change(copy.data.call);
  copy.data.changes = Object.assign({}, changes || {}, { updated_time: [after, before] });
  return copy;
}

export const EDITED_NOTES_SUFFIX = ' Billing question followed up: refund issued.';

export function expectationOf(spec: CallSpec, iparams: Record<string, unknown>): Expectation {
  const logged = (iparams.log_call_types as string[] | undefined) || ['answered', 'missed', 'voicemail', 'abandoned', 'outgoing'];
  const type = spec.kind === 'transfer' ? 'answered' : spec.kind;
  const channel = typeof iparams.freshchat_channel_id === 'string' && iparams.freshchat_channel_id.trim() !== '';
  const creates = channel && (spec.kind === 'answered' || spec.kind === 'transfer' || spec.kind === 'outgoing' || spec.kind === 'voicemail');
  const noted = logged.includes(type) && (isKnownCaller(spec.caller) || creates);
  const answered = spec.kind === 'answered' || spec.kind === 'transfer' || spec.kind === 'outgoing';
  const resolves = noted && answered && (iparams.resolve_policy || 'answered') === 'answered';
  const csat = surveyOf(spec);
  const key = csat.kind === 'rated' || csat.kind === 'late' ? csat.key : null;
  const csatRating = resolves && key !== null ? mapCsat(key, String(iparams.csat_scale || '1-5')) : null;
  return { noted, resolves, csatRating, csatKnown: csatRating !== null && csat.kind === 'rated' };
}

/** README.md "Which conversation, and what is written": how the key the caller pressed maps to Freshchat's 1-5. */
export function mapCsat(key: number, scale: string): number | null {
  if (scale === '1-2') return key === 1 ? 5 : key === 2 ? 1 : null;
  if (scale === '1-9') return key >= 1 && key <= 9 ? Math.floor(1 + ((key - 1) * 4) / 8 + 0.5) : null;
  return key >= 1 && key <= 5 ? key : null;
}

/** Only answered inbound calls (and transfers) carry a survey. */
function surveyOf(spec: CallSpec): CsatSpec {
  return spec.kind === 'answered' || spec.kind === 'transfer' ? spec.csat : { kind: 'none' };
}

export function buildCall(spec: CallSpec, index: number, iparams: Record<string, unknown>): BuiltCall {
  const shape = SHAPES[spec.kind];
  const id = FIRST_CALL_ID + (index + 1) * 10;
  const ids: Record<number, number> = { [shape.sampleIds[0] as number]: id };
  if (shape.sampleIds[1] !== undefined) ids[shape.sampleIds[1]] = id + 1;
  const callerNumber = spec.number || CALLERS[spec.caller];
  const sample = renamed(loadSequence(shape.sample), ids, callerNumber);
  const start = CASE_START + 60_000 + spec.startSec * 1000;
  const delta = start - Date.parse(String((sample[0] as CallPayload).data.call.created_time));
  const payloads = sample.map((p) => shifted(p, delta, ids));

  const picked: Array<{ payload: CallPayload; label: string }> = shape.base.map((i, n) => ({ payload: payloads[i] as CallPayload, label: shape.labels[n] as string }));
  if (spec.recordingLater && shape.recording !== undefined) {
    picked.push({ payload: payloads[shape.recording] as CallPayload, label: 'recording ready' });
  }
  if (spec.notesEdited && (spec.kind === 'answered' || spec.kind === 'outgoing')) {
    const last = (picked[picked.length - 1] as { payload: CallPayload }).payload;
    const notes = String(last.data.call.call_notes || '');
    const edited = laterSnapshot(last, 60, (call) => { call.call_notes = notes + EDITED_NOTES_SUFFIX; }, { call_notes: [notes + EDITED_NOTES_SUFFIX, notes || null] });
    picked.push({ payload: edited, label: 'notes edited' });
  }
  const events: BuiltEvent[] = picked.map(({ payload, label }, n) => ({
    payload, label, at: Date.parse(String(payload.data.call.updated_time)), ref: id + '#' + n,
  }));

  // Irrelevant events: bookkeeping-only updates of a snapshot the call had.
  const extras: Array<{ event: BuiltEvent; latencySec: number }> = [];
  const extra = (payload: CallPayload, label: string, ref: string, latencySec: number): void => {
    extras.push({ event: { payload, label, at: Date.parse(String(payload.data.call.updated_time)), ref }, latencySec });
  };
  spec.extras.forEach((x, n) => {
    if (x.kind === 'hold') {
      if (shape.connected === undefined) return;
      const connected = (events[shape.connected] as BuiltEvent).payload;
      const onHold = laterSnapshot(connected, x.offsetSec, (call) => { customer(call).call_status = 12; });
      const offHold = laterSnapshot(onHold, 1, (call) => { customer(call).call_status = 8; });
      extra(onHold, 'on hold', id + '#x' + n + 'a', x.latencySec);
      extra(offHold, 'off hold', id + '#x' + n + 'b', x.latencySec);
    } else {
      const k = x.after % events.length;
      const from = events[k] as BuiltEvent;
      // Before the call's next event: a touch never makes an older state the latest one.
      const next = events.slice(k + 1).find((e) => e.payload.data.call.id === from.payload.data.call.id);
      const room = next ? Math.floor((next.at - from.at) / 1000) - 1 : x.offsetSec;
      if (room < 1) return;
      extra(laterSnapshot(from.payload, Math.min(x.offsetSec, room)), 'updated_time only, after ' + from.label, id + '#x' + n, x.latencySec);
    }
  });

  const all = events.concat(extras.map((x) => x.event));
  // Freshcaller's view: the call's last lifecycle snapshot, as recent as its latest event.
  const latest = (callId: number): CallSnapshot | undefined => {
    const own = events.filter((e) => e.payload.data.call.id === callId);
    const last = own[own.length - 1];
    if (!last) return undefined;
    const view = JSON.parse(JSON.stringify(last.payload.data.call)) as CallSnapshot;
    const newest = Math.max(...all.filter((e) => e.payload.data.call.id === callId).map((e) => e.at));
    view.updated_time = new Date(newest).toISOString().replace(/Z$/, '+00:00');
    return view;
  };
  const view = [latest(id), shape.sampleIds[1] !== undefined ? latest(id + 1) : undefined].filter((c): c is CallSnapshot => c !== undefined);

  const csat = surveyOf(spec);
  const metrics =
    csat.kind === 'rated' ? { transfer_made: true, outcome: csat.key }
      : csat.kind === 'pending' || csat.kind === 'late' ? { transfer_made: true, outcome: null }
        : { transfer_made: false, outcome: null };

  const built: BuiltCall = {
    spec, index, id, callerNumber, lifecycle: events, extras, events: all, freshcallerView: view, metrics, expect: expectationOf(spec, iparams),
  };
  if (shape.sampleIds[1] !== undefined) built.legId = id + 1;
  return built;
}

/** The index (into the lifecycle) of the event that carries the call's outcome. */
export function outcomeIndex(kind: CallKind): number {
  return SHAPES[kind].outcome;
}

/**
 * Payloads and a timeline from a spec. One adjustment keeps every case meaningful: the platform
 * may drop any event, but an installation whose app never ran cannot reconcile either, so when
 * every call's outcome events were dropped, the first call's outcome event is delivered once.
 */
export function buildCase(spec: CaseSpec, iparams: Record<string, unknown>): BuiltCase {
  const calls = spec.calls.map((c, i) => buildCall(c, i, iparams));
  for (const call of calls) {
    if (call.expect.noted || isKnownCaller(call.spec.caller)) continue;
    const typeLogged = expectationOf({ ...call.spec, caller: 'jordan' }, iparams).noted === true;
    const madeKnown = calls.some((other) => other !== call && other.spec.caller === call.spec.caller && other.expect.noted === true);
    if (typeLogged && madeKnown) call.expect.noted = 'maybe';
  }
  const items: TimelineItem[] = [];
  const dropped: BuiltEvent[] = [];
  const deliveredOutcome = calls.some((call) =>
    call.lifecycle.some((_e, n) => n >= outcomeIndex(call.spec.kind) && (call.spec.deliveries[n] as DeliverySpec).copies > 0),
  );
  calls.forEach((call, c) => {
    call.lifecycle.forEach((event, n) => {
      const delivery = call.spec.deliveries[n] as DeliverySpec;
      let copies = delivery.copies;
      if (!deliveredOutcome && c === 0 && n === outcomeIndex(call.spec.kind)) copies = Math.max(1, copies);
      if (copies === 0) dropped.push(event);
      for (let copy = 0; copy < copies; copy++) {
        const concurrent = copy === 1 && delivery.concurrentDuplicate;
        const latency = concurrent ? (delivery.latencySec[0] as number) : (delivery.latencySec[copy] as number);
        items.push({ at: event.at + latency * 1000, kind: 'deliver', event, copy, concurrent });
      }
    });
    call.extras.forEach(({ event, latencySec }) => {
      items.push({ at: event.at + latencySec * 1000, kind: 'deliver', event, copy: 0, concurrent: false });
    });
    const csat = surveyOf(call.spec);
    if (csat.kind === 'late') {
      const end = Math.max(...call.events.map((e) => e.at));
      items.push({ at: end + csat.afterSec * 1000, kind: 'metrics', call, csat: { transfer_made: true, outcome: csat.key } });
    }
  });
  spec.faults.forEach((window, index) => {
    const at = CASE_START + window.atSec * 1000;
    items.push({ at, kind: 'fault', window, index });
    if (window.outageSec !== undefined) items.push({ at: at + window.outageSec * 1000, kind: 'clearFaults', target: window.target, index });
  });
  // Stable: items at the same time keep their order (a concurrent duplicate stays next to its first copy).
  const timeline = items.map((item, order) => ({ item, order })).sort((a, b) => a.item.at - b.item.at || a.order - b.order).map((x) => x.item);
  return { spec, calls, timeline, dropped };
}

// --- in words ----------------------------------------------------------------------------------------

export function clockText(at: number): string {
  const sec = Math.round((at - CASE_START) / 1000);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return '+' + (h ? h + 'h' : '') + String(m).padStart(h ? 2 : 1, '0') + 'm' + String(s).padStart(2, '0') + 's';
}

function csatText(csat: CsatSpec): string {
  if (csat.kind === 'none') return 'no survey';
  if (csat.kind === 'rated') return 'CSAT key ' + csat.key;
  if (csat.kind === 'pending') return 'CSAT survey never answered';
  return 'CSAT key ' + csat.key + ' pressed ' + csat.afterSec + ' s after the call';
}

export function faultText(window: FaultWindow): string {
  const route = ROUTES[window.route] as Pick<FaultSpec, 'method' | 'path'>;
  const what = [route.method || 'any', route.path === undefined ? '*' : String(route.path)].join(' ');
  const params = Object.entries(window.params).map(([k, v]) => k + '=' + v).join(' ');
  const extent = window.outageSec === undefined ? '\u00d7' + window.times : 'outage ' + window.outageSec + ' s';
  return window.target + ' ' + what + ' ' + window.kind + (params ? ' (' + params + ')' : '') + ' ' + extent;
}

/** The case in words: the calls, what they should end as, and every step of the timeline. */
export function describeCase(built: BuiltCase): string {
  const lines: string[] = [];
  const knobs = Object.entries(built.spec.runtime).filter(([, v]) => v !== undefined).map(([k, v]) => k + '=' + String(v));
  lines.push(built.calls.length + ' call(s), ' + built.spec.faults.length + ' fault window(s)' + (knobs.length ? ', runtime ' + knobs.join(' ') : ''));
  for (const call of built.calls) {
    const s = call.spec;
    const flags = [
      s.kind === 'answered' || s.kind === 'voicemail' ? (s.recordingLater ? 'recording later' : 'no recording') : '',
      (s.kind === 'answered' || s.kind === 'outgoing') && s.notesEdited ? 'notes edited later' : '',
      s.kind === 'answered' || s.kind === 'transfer' ? csatText(s.csat) : '',
    ].filter(Boolean);
    const e = call.expect;
    const expect = e.noted === 'maybe' ? 'expect: at most one summary (its caller becomes known in the case)' : e.noted ? 'expect: one summary' + (e.resolves ? ', resolved' : '') + (e.csatRating !== null ? ', CSAT ' + e.csatRating + (e.csatKnown ? '' : ' (if seen)') : '') : 'expect: no note';
    lines.push('  call ' + call.id + (call.legId ? ' (+ leg ' + call.legId + ')' : '') + ': ' + s.kind + ', caller ' + s.caller + (isKnownCaller(s.caller) ? '' : ' (unknown)') +
      (flags.length ? ', ' + flags.join(', ') : '') + '; ' + expect);
  }
  lines.push('  timeline:');
  const delivered = new Set<string>();
  for (const item of built.timeline) {
    const at = clockText(item.at).padStart(10);
    if (item.kind === 'deliver') {
      const again = delivered.has(item.event.ref);
      delivered.add(item.event.ref);
      lines.push('  ' + at + '  deliver ' + item.event.ref + ' ' + item.event.payload.event + ' (' + item.event.label + ')' +
        (again ? ' again' + (item.concurrent ? ', concurrently' : '') : '') +
        (item.at > item.event.at ? ', ' + Math.round((item.at - item.event.at) / 1000) + ' s late' : ''));
    } else if (item.kind === 'fault') {
      lines.push('  ' + at + '  fault ' + faultText(item.window));
    } else if (item.kind === 'clearFaults') {
      lines.push('  ' + at + '  ' + item.target + ' outage ends');
    } else {
      lines.push('  ' + at + '  caller of ' + item.call.id + ' presses ' + item.csat.outcome + ' in the survey');
    }
  }
  if (built.dropped.length) lines.push('  dropped: ' + built.dropped.map((e) => e.ref + ' (' + e.label + ')').join(', '));
  return lines.join('\n');
}
