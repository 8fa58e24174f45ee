// The one small $db record kept per root call (`call:<root id>`): where the call is synced and
// why, what was written, and what is still owed. Each part has one explicit state; the states
// and every transition between them are in docs/architecture.md "The call record", and only
// transitions.ts changes a record. No phone numbers and no call notes: fingerprints only.
import { array, boolean, looseObject, number, string, enum as oneOf, type infer as Infer } from 'zod';
import { OUTCOMES } from '../domain/types';
import { lazily } from '../platform/lazily';

/**
 * One instance of each field type the record uses more than once, shared by all those fields
 * (a schema is immutable; platform/lazily.ts says why fewer is cheaper). The store returns empty
 * strings (and NaN) as null and drops empty arrays: readers accept both.
 */
const field = lazily(() => ({ text: string().nullable(), string: string(), number: number(), maybeNumber: number().nullable(), boolean: boolean() }));

/** One write that succeeded, for the sidebar: what, when, and where. */
const written = lazily(() =>
  looseObject({
    /** server/src/methods/contract.ts WrittenKind */
    w: field().string,
    at: field().number,
    /** The conversation written to. */
    c: field().text,
    /** e.g. "Recording ready"; null when the kind says it all. */
    d: field().text,
  }),
);

/** The sidebar lists the latest writes; older ones are dropped to keep the record small. */
export const MAX_WRITTEN = 20;

const transfer = lazily(() =>
  looseObject({
    leg: field().string,
    agentName: field().text,
    durationSeconds: field().maybeNumber,
    written: field().boolean,
  }),
);

/** to_create: no conversation exists; one is created with the summary as its first message. */
export const LINK_STATES = ['none', 'linked', 'to_create', 'unlinked'] as const;
export const SUMMARY_STATES = ['none', 'written'] as const;
export const RESOLUTION_STATES = ['none', 'resolved', 'reopened', 'kept_open'] as const;
export const CSAT_STATES = ['unknown', 'none', 'waiting', 'known', 'posted', 'unconfirmed', 'noted', 'refused', 'gave_up'] as const;
/** The writes whose answer was lost: they may have happened, and are checked before they are redone. */
export const UNCERTAIN_WRITES = ['summary', 'resolve', 'reopen', 'conversation', 'user', 'moved'] as const;
export const STATUSES = ['pending', 'synced', 'unlinked', 'retrying', 'failed', 'skipped'] as const;

export type LinkState = (typeof LINK_STATES)[number];
export type CsatState = (typeof CSAT_STATES)[number];
export type UncertainWrite = (typeof UNCERTAIN_WRITES)[number];
export type CallStatus = (typeof STATUSES)[number];

const failure = lazily(() =>
  looseObject({
    /** An ApiError code, or `gave_up` once the horizon passed. */
    code: field().string,
    /** Plain words for the sidebar, e.g. "Freshchat had a server error". */
    reason: field().string,
    status: field().number,
    /** Nothing retries a permanent failure by itself: an agent's Retry does. */
    permanent: field().boolean,
    at: field().number,
    /** When the deferred work will try again (clock ms); null for a permanent failure. */
    nextAt: field().maybeNumber,
  }),
);

/** Built when a record is first read in this evaluation (platform/lazily.ts). */
export const callRecordSchema = lazily(() =>
  looseObject({
    /** Bumped by every save: a claim names the version it read (pipeline.ts). */
    v: number().int().nonnegative(),
    /** Derived from the parts below by transitions.statusOf, stored for the sidebar. */
    status: oneOf(STATUSES),
    outcome: oneOf(OUTCOMES).nullable(),
    /** Clock ms of the call's creation (from the event), for the reconciliation index. */
    created: field().maybeNumber,
    /** The newest call updated_time applied: an older snapshot arriving late changes nothing. */
    seen: field().text,
    link: looseObject({
      state: oneOf(LINK_STATES),
      conversationId: field().text,
      userId: field().text,
      /** Why this conversation, e.g. "matched user by phone …0123; most recent open conversation". */
      reason: field().text,
      ambiguous: field().boolean,
      /** How many Freshchat users share the caller's number (0: not known). */
      sharedBy: field().number,
      by: oneOf(['app', 'agent']).nullable(),
    }),
    /** An agent re-linked a written call: the old conversation is owed a short "moved" note. */
    movedFrom: field().text,
    summary: oneOf(SUMMARY_STATES),
    /** Who authored the summary: follow-ups reuse it, with no agent lookup. */
    actorId: field().text,
    agentName: field().text,
    /** Fingerprints of the call notes and the recording URL already written. */
    notesFp: field().text,
    recordingFp: field().text,
    resolution: oneOf(RESOLUTION_STATES),
    csat: looseObject({
      state: oneOf(CSAT_STATES),
      rating: field().maybeNumber,
      key: field().maybeNumber,
      /** Looks at the call metrics so far. */
      looks: field().number,
      /** When to look again while the caller is still in the survey (clock ms). */
      lookAt: field().maybeNumber,
      /** The conversation the rating was posted to: it stays there when the call is re-linked. */
      conversationId: field().text,
      /**
       * The summary in the call's conversation carries the rating (it was known when the summary
       * was written): if posting it is refused later, it is in a note already. Absent in records
       * written before it existed: false.
       */
      inSummary: boolean().optional(),
    }),
    transfers: array(transfer()),
    uncertain: array(oneOf(UNCERTAIN_WRITES)),
    /** Fingerprints of follow-up blocks whose write may have happened (see uncertain). */
    uncertainFollowUps: array(field().string),
    /** When the last uncertain write was made: until it is a minute old it may still land. */
    uncertainAt: field().maybeNumber,
    failure: failure().nullable(),
    /** The writes that succeeded, oldest first, at most MAX_WRITTEN. */
    written: array(written()),
  }),
);

export type CallRecord = Infer<ReturnType<typeof callRecordSchema>>;
export type TransferRecord = Infer<ReturnType<typeof transfer>>;
export type RecordFailure = Infer<ReturnType<typeof failure>>;
export type WrittenEntry = Infer<ReturnType<typeof written>>;

export function emptyCallRecord(): CallRecord {
  return {
    v: 0,
    status: 'pending',
    outcome: null,
    created: null,
    seen: null,
    link: { state: 'none', conversationId: null, userId: null, reason: null, ambiguous: false, sharedBy: 0, by: null },
    movedFrom: null,
    summary: 'none',
    actorId: null,
    agentName: null,
    notesFp: null,
    recordingFp: null,
    resolution: 'none',
    csat: { state: 'unknown', rating: null, key: null, looks: 0, lookAt: null, conversationId: null, inSummary: false },
    transfers: [],
    uncertain: [],
    uncertainFollowUps: [],
    uncertainAt: null,
    failure: null,
    written: [],
  };
}

/**
 * Reads a stored record. One this version cannot read (an older shape) is started afresh
 * rather than crashing: the identifying line on every note means nothing is written twice.
 */
export function readCallRecord(value: unknown): CallRecord {
  const parsed = callRecordSchema().safeParse(fillDefaults(fromFirstVersion(value), emptyCallRecord() as unknown as Record<string, unknown>));
  return parsed.success ? parsed.data : emptyCallRecord();
}

/** The first version's CSAT states, by the states they became. */
const FIRST_VERSION_CSAT: Record<string, CsatState> = { none: 'none', waiting: 'waiting', to_post: 'known', posted: 'posted', noted: 'noted', gave_up: 'gave_up' };

/**
 * A record the app's first version wrote (flat fields, `summary: true`) is read into the states
 * it stands for, so an upgrade never writes a call's summary a second time.
 */
function fromFirstVersion(value: unknown): unknown {
  if (!isPlainObject(value) || typeof value.summary !== 'boolean') return value;
  const old = value;
  const transfers = Array.isArray(old.transfers) ? (old.transfers as Array<Record<string, unknown>>) : [];
  return Object.assign({}, old, {
    link: firstVersionLink(old),
    summary: old.summary ? 'written' : 'none',
    uncertain: old.pendingSummary === true ? ['summary'] : [],
    resolution: firstVersionResolution(old),
    csat: { state: FIRST_VERSION_CSAT[String(old.csat)] || 'unknown', rating: old.csatRating, key: old.csatKey, looks: 0, lookAt: null },
    transfers: transfers.map((t) => ({ leg: t.leg, agentName: t.agentName, durationSeconds: t.durationSeconds, written: t.posted === true })),
    status: 'pending',
    failure: null,
  });
}

function firstVersionLink(old: Record<string, unknown>): Record<string, unknown> {
  const linked = typeof old.conversationId === 'string' && old.conversationId !== '';
  const reason = typeof old.reason === 'string' ? old.reason : null;
  if (!linked) return { state: old.unlinked === true ? 'unlinked' : 'none', conversationId: null, userId: null, reason, ambiguous: false, by: null };
  return { state: 'linked', conversationId: old.conversationId, userId: null, reason, ambiguous: old.ambiguous === true, by: old.linkedBy === 'agent' ? 'agent' : 'app' };
}

function firstVersionResolution(old: Record<string, unknown>): string {
  if (old.resolved === true) return 'resolved';
  return old.reopened === true ? 'reopened' : 'none';
}

/** The store turns [] into nothing and '' into null; restore the defaults before validating. */
function fillDefaults(value: unknown, defaults: Record<string, unknown>): unknown {
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = Object.assign({}, value);
  for (const key of Object.keys(defaults)) result[key] = withDefault(result[key], defaults[key]);
  return result;
}

function withDefault(value: unknown, fallback: unknown): unknown {
  if (value === undefined || (value === null && fallback !== null)) return fallback;
  return isPlainObject(fallback) ? fillDefaults(value, fallback) : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
