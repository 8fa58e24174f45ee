// zod schemas for the onCallCreate / onCallUpdate payloads (seed 004, call object in seed 001).
// Parse at the edge: unknown fields pass (looseObject), and a malformed payload is reported by
// the paths that failed, never by its values (they hold phone numbers). Only the fields the app
// reads are checked: a field it never reads cannot make an event fail, and every field checked is
// work in every event (docs/architecture.md "Built once per event").
import type { Direction } from '../domain/types';
import { array, looseObject, number, record, string, union, unknown, type infer as Infer, type ZodError } from 'zod';

/** Ids are integers in the reference; accept their string form too and carry them as strings. */
const id = union([number().int().nonnegative(), string().regex(/^\d+$/)]).transform((value) => String(value));

// One instance of each optional field type, shared by every field of that type: a schema is
// immutable, and each one built is a few KB that every event's evaluation of server.js would
// allocate again (platform/lazily.ts).
const optionalId = id.nullish();
const optionalText = string().nullish();
const optionalNumber = number().nullish();
const optionalInt = number().int().nullish();

/**
 * The reference says "direction integer" with the values Incoming/Outgoing, while the call
 * object example has "incoming": the words are accepted in any case, and any other word reads as `unknown`. Freshworks' own
 * onCallCreate sample has no direction at all: missing or null reads as `unknown`, never as a
 * reason to reject the event (docs/platform.md "Event payloads"). No integer encoding is
 * documented, so a number is refused rather than guessed.
 */
const direction = optionalText.transform((value): Direction => {
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return word === 'incoming' || word === 'outgoing' ? word : 'unknown';
});

const rawParticipantSchema = looseObject({
  caller_number: optionalText,
  // Freshworks' sample customer participant has no participant_type: filled in below.
  participant_type: optionalText,
  call_status: optionalInt,
  duration: optionalNumber,
});

/**
 * A participant without participant_type that carries a caller_number is the customer
 * (docs/platform.md "Event payloads"); one with neither is of no known type.
 */
export const participantSchema = rawParticipantSchema.transform((participant) =>
  Object.assign({}, participant, { participant_type: participant.participant_type || (participant.caller_number ? 'Customer' : 'Unknown') }),
);

export const recordingSchema = looseObject({ url: optionalText });

export const callSchema = looseObject({
  id,
  direction,
  parent_call_id: optionalId,
  root_call_id: optionalId,
  phone_number: optionalText,
  assigned_agent_id: optionalId,
  assigned_agent_name: optionalText,
  assigned_call_queue_name: optionalText,
  call_notes: optionalText,
  bill_duration: optionalNumber,
  created_time: optionalText,
  updated_time: optionalText,
  recording: recordingSchema.nullish(),
  participants: array(participantSchema).nullish().transform((list) => list || []),
});

export const callEventSchema = looseObject({
  event: string().optional(),
  timestamp: number().optional(),
  region: string().optional(),
  data: looseObject({
    call: callSchema,
    changes: record(string(), unknown()).nullish(),
    associations: unknown().optional(),
    actor: unknown().optional(),
  }),
  iparams: record(string(), unknown()).optional(),
});

export type Participant = Infer<typeof participantSchema>;
export type Call = Infer<typeof callSchema>;
export type CallEvent = Infer<typeof callEventSchema>;

export type ParseResult =
  | { ok: true; event: CallEvent }
  | { ok: false; callId: string | null; failedPaths: string[] };

/** Validates a call event; on failure returns the failing paths and the call id, nothing personal. */
export function parseCallEvent(payload: unknown): ParseResult {
  const result = callEventSchema.safeParse(payload);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, callId: readCallId(payload), failedPaths: describeIssues(result.error) };
}

function describeIssues(error: ZodError): string[] {
  const paths = error.issues.map((issue) => (issue.path.length ? issue.path.join('.') : '(payload)'));
  return paths.filter((path, index) => paths.indexOf(path) === index);
}

/** Best-effort call id from a payload that failed validation, so the failure can be replayed. */
function readCallId(payload: unknown): string | null {
  const call = pick(pick(payload, 'data'), 'call');
  const value = pick(call, 'id');
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return null;
}

function pick(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<string, unknown>)[key];
}
