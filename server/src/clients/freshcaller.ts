// The Freshcaller side of the one narrow port over `$request.invokeTemplate`. Single objects
// come bare (001) or wrapped as `{ "call": … }` / `{ "user": … }` (000): both are read. The call
// is handed back raw, for the caller to parse with the event's own schema.
import { array, boolean, looseObject, number, string, union, unknown } from 'zod';
import { lazily } from '../platform/lazily';
import type { PlatformRequest } from '../platform/types';
import { checkedId, parsed, sent, sentOrNull, shaped } from './responses';

export interface CallCsat {
  /** The caller was sent to the survey. */
  transferMade: boolean;
  /** The key the caller pressed, when there is one yet. */
  outcome: number | null;
}

export interface CallMetrics {
  csat: CallCsat | null;
}

export interface CallerUser {
  id: string;
  name: string | null;
  email: string | null;
}

export interface FreshcallerApi {
  /** The call object as Freshcaller returns it (unwrapped, checked for an id only); null when there is no such call. */
  getCall(id: string | number): Promise<unknown | null>;
  /** null when Freshcaller has no metrics (or no call) for that id. */
  getCallMetrics(callId: string | number): Promise<CallMetrics | null>;
  /** null when there is no such user. */
  getUser(id: string | number): Promise<CallerUser | null>;
  /** Throws an ApiError when the host or the key is wrong (install check). */
  checkKey(): Promise<void>;
  /** One page of the calls created between two times (000 listCalls), raw, with whether more follow. */
  listCalls(fromIso: string, toIso: string, page: number): Promise<{ calls: unknown[]; hasMore: boolean }>;
}

/** `per_page` of the callerListCalls template: 000 allows at most 100. */
export const CALLS_PER_PAGE = 100;

const FRESHCALLER = 'freshcaller';

// Built when first needed (platform/lazily.ts).
const anyObject = lazily(() => looseObject({}));
/** Only checked for an id: the caller parses the rest with the event's call schema. */
const callShape = lazily(() => looseObject({ id: union([number(), string().min(1)]) }));

const metricsSchema = lazily(() =>
  looseObject({
    csat: looseObject({
      transfer_made: boolean().nullish(),
      // 001 types outcome as an integer (the key pressed); its text form is read too.
      outcome: union([number(), string().regex(/^\d+$/).transform((value) => Number(value))]).nullish(),
    }).nullish(),
  }),
);

const userSchema = lazily(() =>
  looseObject({
    id: union([number(), string().min(1)]).transform((value) => String(value)),
    name: string().nullish(),
    email: string().nullish(),
  }),
);

const callListSchema = lazily(() =>
  looseObject({
    calls: array(unknown()).nullish(),
    meta: looseObject({ total_pages: number().nullish(), current: number().nullish(), current_page: number().nullish() }).nullish(),
  }),
);

/** 000: `{ users: [...], meta }`; 001 describes the list "as an array". */
const userListSchema = lazily(() => union([array(unknown()), looseObject({ users: array(unknown()) })]));

/** Times go into the query as ISO 8601 only: nothing else may reach the request. */
function checkedTime(iso: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(iso)) throw new Error('not an ISO time: ' + iso.slice(0, 30));
  return iso;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "call": {...} }` becomes the call; a bare object (it has its own `id`) stays as it is. */
function unwrap(body: Record<string, unknown>, key: string): unknown {
  const inner = body[key];
  return isObject(inner) && !('id' in body) ? inner : body;
}

function noCount(): void {
  // Counting is optional: the install check does not pace itself.
}

export function createFreshcallerClient(platformRequest: PlatformRequest, onRequest: () => void = noCount): FreshcallerApi {
  // Every request passes here, so background work can see what it spent (platform/metered.ts).
  const request = {
    get invokeTemplate(): PlatformRequest['invokeTemplate'] {
      onRequest();
      return platformRequest.invokeTemplate.bind(platformRequest);
    },
  };
  return {
    getCall: async (id) => {
      const call_id = checkedId(FRESHCALLER, 'callerGetCall', id);
      const answer = await sentOrNull(FRESHCALLER, 'callerGetCall', request.invokeTemplate('callerGetCall', { context: { call_id } }));
      if (!answer) return null;
      return shaped(FRESHCALLER, 'callerGetCall', answer.status, unwrap(parsed(FRESHCALLER, 'callerGetCall', answer, anyObject()), 'call'), callShape());
    },

    getCallMetrics: async (callId) => {
      const call_id = checkedId(FRESHCALLER, 'callerGetCallMetrics', callId);
      const answer = await sentOrNull(FRESHCALLER, 'callerGetCallMetrics', request.invokeTemplate('callerGetCallMetrics', { context: { call_id } }));
      if (!answer) return null;
      // 001 documents the metric object bare; a `{ call_metric: … }` wrapper is read too.
      const raw = unwrap(parsed(FRESHCALLER, 'callerGetCallMetrics', answer, anyObject()), 'call_metric');
      const csat = shaped(FRESHCALLER, 'callerGetCallMetrics', answer.status, raw, metricsSchema()).csat;
      return { csat: csat ? { transferMade: csat.transfer_made === true, outcome: typeof csat.outcome === 'number' ? csat.outcome : null } : null };
    },

    getUser: async (id) => {
      const user_id = checkedId(FRESHCALLER, 'callerGetUser', id);
      const answer = await sentOrNull(FRESHCALLER, 'callerGetUser', request.invokeTemplate('callerGetUser', { context: { user_id } }));
      if (!answer) return null;
      const raw = unwrap(parsed(FRESHCALLER, 'callerGetUser', answer, anyObject()), 'user');
      const user = shaped(FRESHCALLER, 'callerGetUser', answer.status, raw, userSchema());
      return { id: user.id, name: user.name || null, email: user.email || null };
    },

    listCalls: async (fromIso, toIso, page) => {
      const context = { from: checkedTime(fromIso), to: checkedTime(toIso), page: String(Math.max(1, Math.floor(page))) };
      const answer = await sent(FRESHCALLER, 'callerListCalls', request.invokeTemplate('callerListCalls', { context }));
      const body = parsed(FRESHCALLER, 'callerListCalls', answer, callListSchema());
      const calls = body.calls || [];
      const meta = body.meta || {};
      const current = meta.current_page || meta.current || page;
      const more = typeof meta.total_pages === 'number' ? current < meta.total_pages : calls.length >= CALLS_PER_PAGE;
      return { calls, hasMore: more };
    },

    checkKey: async () => {
      // One user is enough to prove the host answers like Freshcaller and accepts the key.
      const answer = await sent(FRESHCALLER, 'callerCheckKey', request.invokeTemplate('callerCheckKey', {}));
      parsed(FRESHCALLER, 'callerCheckKey', answer, userListSchema());
    },
  };
}
