import { ApiError } from './api-error';
import type {
  FreshcallerCall, FreshcallerStore, FreshcallerTeam, FreshcallerUser, FreshcallerUserInput, TeamInput,
} from './freshcaller-store';
import { paginate, type Page } from './pagination';
import type { Handler, HandlerContext } from './standin-server';

export interface FreshcallerBehaviour {
  /**
   * GET /calls/{id} and /users/{id}: 000 wraps them (`{ "call": ... }`), 001 shows them bare.
   * The two documents disagree, so the app accepts both. Default 'wrapped' (the OpenAPI seed).
   */
  singleObjects: 'wrapped' | 'bare';
}

// 001 "The error response": `{ "error_type": "record_not_found", "message": "Couldn't find User with 'id'=102667", "errors": [] }`.
const notFound = (model: string, key: string, id: unknown): ApiError =>
  new ApiError(404, `Couldn't find ${model} with '${key}'=${String(id)}`, 'record_not_found');

/** 000's Meta schema. */
function meta(page: Page<unknown>): Record<string, number> {
  return { total_pages: page.totalPages, total: page.totalItems, current_page: page.page };
}

function pageOf<T>(ctx: HandlerContext, all: T[]): Page<T> {
  return paginate(all, Number(ctx.query.page || 1), Number(ctx.query.per_page || 25));
}

/** `by_time[from]` after `by_time[to]` selects nothing by mistake; 001 says of call_metrics' pair "Must be a value earlier than the by_time[to] value" (000 is silent for calls). */
function checkTimeRange(ctx: HandlerContext): void {
  const from = ctx.query['by_time[from]'];
  const to = ctx.query['by_time[to]'];
  if (from && to && Date.parse(String(from)) > Date.parse(String(to))) {
    throw new ApiError(400, 'by_time[from] must not be later than by_time[to]');
  }
}

/**
 * 000's has_ancestry: "Filter calls that have parent-child relationships", nothing more. Read
 * here as: the call is a child (001's parent_call_id or root_call_id is set) or another call
 * names it as its parent or root. Unconfirmed.
 */
function callsWithAncestry(calls: FreshcallerCall[]): Set<number> {
  const related = new Set<number>();
  for (const call of calls) {
    for (const ancestor of [call.parent_call_id, call.root_call_id]) {
      if (typeof ancestor !== 'number') continue;
      related.add(call.id);
      related.add(ancestor);
    }
  }
  return related;
}

/**
 * Most recent first: created_time descending, then id descending for calls created in the same
 * instant. Neither seed states the order of GET /calls; newest first is what a caller paging
 * back through recent calls needs, and what Freshchat's lists of conversations do.
 */
function mostRecentFirst(a: FreshcallerCall, b: FreshcallerCall): number {
  return Date.parse(b.created_time) - Date.parse(a.created_time) || b.id - a.id;
}

function inRange(time: string, ctx: HandlerContext): boolean {
  const at = Date.parse(time);
  const from = ctx.query['by_time[from]'];
  const to = ctx.query['by_time[to]'];
  if (from && at < Date.parse(String(from))) return false;
  if (to && at > Date.parse(String(to))) return false;
  return true;
}

export function createFreshcallerHandlers(store: FreshcallerStore, behaviour: FreshcallerBehaviour): Record<string, Handler> {
  const single = (key: string, value: unknown): unknown => (behaviour.singleObjects === 'wrapped' ? { [key]: value } : value);

  const requireUser = (ctx: HandlerContext): FreshcallerUser => {
    const user = store.user(Number(ctx.params.user_id));
    if (!user) throw notFound('User', 'id', ctx.params.user_id);
    return user;
  };

  const requireTeam = (ctx: HandlerContext): FreshcallerTeam => {
    const team = store.team(Number(ctx.params.team_id));
    if (!team) throw notFound('Team', 'id', ctx.params.team_id);
    return team;
  };

  return {
    listCalls: (ctx) => {
      // page, per_page (1-100, default 25), the by_time values (date-time) and has_ancestry
      // (boolean) are checked by the contract (000) before this runs; by_time is inclusive.
      checkTimeRange(ctx);
      const ancestry = ctx.query.has_ancestry;
      const related = callsWithAncestry(store.raw.calls);
      const calls = store.raw.calls
        .filter((c) => inRange(c.created_time, ctx))
        .filter((c) => ancestry === undefined || related.has(c.id) === ancestry)
        .sort(mostRecentFirst);
      const page = pageOf(ctx, calls);
      return { status: 200, body: { calls: page.items, meta: meta(page) } };
    },

    getCall: (ctx) => {
      const call = store.call(Number(ctx.params.call_id));
      if (!call) throw notFound('Call', 'id', ctx.params.call_id);
      return { status: 200, body: single('call', call) };
    },

    getCallRecording: (ctx) => {
      const call = store.call(Number(ctx.params.call_id));
      if (!call) throw notFound('Call', 'id', ctx.params.call_id);
      if (!call.recording) throw notFound('Recording', 'call_id', ctx.params.call_id);
      return { status: 200, body: { recording: { url: call.recording.url, duration: call.recording.duration } } };
    },

    getCallMetrics: (ctx) => {
      const callId = Number(ctx.params.call_id);
      if (!store.call(callId)) throw notFound('Call', 'id', callId);
      const metrics = store.metrics(callId);
      if (!metrics) throw notFound('CallMetric', 'call_id', callId);
      // 001 documents the call metric object bare, not wrapped.
      return { status: 200, body: metrics };
    },

    listCallMetrics: (ctx) => {
      // 000 types these as aggregates; 001 lists one object per call, life_cycle only with include=life_cycle.
      const withLifeCycle = ctx.query.include === 'life_cycle';
      const all = store.raw.call_metrics
        .filter((m) => inRange(m.created_time, ctx))
        .map((m) => {
          if (withLifeCycle) return m;
          const copy: Record<string, unknown> = { ...m };
          delete copy.life_cycle;
          return copy;
        });
      return { status: 200, body: { call_metrics: all } };
    },

    listUsers: (ctx) => {
      const page = pageOf(ctx, store.raw.users);
      return { status: 200, body: { users: page.items, meta: meta(page) } };
    },

    getUser: (ctx) => ({ status: 200, body: single('user', requireUser(ctx)) }),

    createUser: (ctx) => {
      // 001: "A successful create request returns 201 Created along with the created object."
      return { status: 201, body: { user: store.addUser({ ...(ctx.body as FreshcallerUserInput), id: undefined }) } };
    },

    updateUser: (ctx) => {
      const user = requireUser(ctx);
      Object.assign(user, ctx.body as Partial<FreshcallerUser>, { id: user.id });
      return { status: 200, body: { user } };
    },

    listUserStatuses: () => ({
      status: 200,
      body: {
        user_statuses: store.raw.users.map((u) => ({
          user_id: u.id, name: u.name, available: u.status === 1, on_call: u.status === 2,
          status: ['offline', 'online', 'busy', 'acw'][u.status || 0] || 'offline',
        })),
      },
    }),

    listTeams: (ctx) => {
      const page = pageOf(ctx, store.raw.teams);
      return { status: 200, body: { teams: page.items, meta: meta(page) } };
    },

    createTeam: (ctx) => ({ status: 201, body: { team: store.addTeam({ ...(ctx.body as TeamInput), id: undefined }) } }),

    getTeam: (ctx) => ({ status: 200, body: single('team', requireTeam(ctx)) }),

    updateTeam: (ctx) => {
      const team = requireTeam(ctx);
      Object.assign(team, ctx.body as Partial<FreshcallerTeam>, { id: team.id });
      return { status: 200, body: { team } };
    },
  };
}
