// Section 8: what the sidebar costs. The Freshcaller card calls getCallSync when it opens (here:
// while the call is live, after the agent connected) and once more after call.ended; the
// Freshchat pane calls getConversationCalls once per conversation opened (README "The sidebar",
// tools/start/placements.ts). Each server method runs in the sandbox as its placement's module.
// The conversation is the one a returning caller's answered call was just synced into, and, for
// a long conversation, one with 200 messages from the caller.
import { REQUESTS_PER_MINUTE } from '../../test/support/sync-harness';
import type { BuiltCall, BuiltEvent } from '../../test/support/lifecycle-gen';
import { SERVER_METHOD_CALLS_PER_MINUTE, type InvocationResult } from '../runtime';
import type { FreshcallerCall } from '../standins';
import { PLACEMENTS } from '../start/placements';
import { runCase } from './case';
import { OUTCOME_SCENARIOS, scenarioCall } from './scenarios';
import type { BenchCase, InProcessWorld } from './world';

export interface MethodCost {
  method: string;
  when: string;
  requests: number;
  dbOps: number;
  invocations: number;
  /** The method answered without an error. */
  ok: boolean;
}

export interface SidebarResult {
  calls: MethodCost[];
  /** Per conversation opened (a typical one). */
  conversation: { requests: number; invocations: number };
  longConversation: { requests: number; invocations: number };
  card: { requests: number; dbOps: number; invocations: number };
  /** Conversations opened per minute the budgets allow, the sync aside. */
  openingsPerMinute: number;
  /** Beside the sync of the standard mix at `syncRate` calls an hour. */
  openingsBesideSync: number;
  syncRate: number;
}

function costOf(method: string, when: string, r: InvocationResult): MethodCost {
  const ok = !r.platformError && r.completed && !!r.renderData && (r.renderData.error === null || r.renderData.error === undefined);
  return { method, when, requests: r.requests.reduce((n, q) => n + q.attempts, 0), dbOps: r.dbOps.length, invocations: 1, ok };
}

async function invoke(c: BenchCase, method: string, args: Record<string, string>, placement: keyof typeof PLACEMENTS): Promise<InvocationResult> {
  return c.runtime.invoke(method, args, { module: PLACEMENTS[placement].module });
}

/** Openings a minute: the server-method budget, and the request budget left (`left` a minute). */
export function openingsAllowed(requestsPerOpening: number, invocationsPerOpening: number, left: number): number {
  const byMethods = SERVER_METHOD_CALLS_PER_MINUTE / invocationsPerOpening;
  const byRequests = requestsPerOpening > 0 ? Math.max(0, left) / requestsPerOpening : Number.POSITIVE_INFINITY;
  return Math.floor(Math.min(byMethods, byRequests));
}

/** `syncRequestsPerMinute`: what the sync of the standard mix spends at `syncRate` calls an hour. */
export async function runSidebar(world: InProcessWorld, syncRate: number, syncRequestsPerMinute: number): Promise<SidebarResult> {
  const scenario = OUTCOME_SCENARIOS[0] as (typeof OUTCOME_SCENARIOS)[number];
  const calls: MethodCost[] = [];
  const card = (when: string) => async (c: BenchCase, callId: string): Promise<void> => {
    calls.push(costOf('getCallSync', when, await invoke(c, 'getCallSync', { callId }, 'conversation_card')));
  };
  const live = card('card opened, call live');
  // Freshcaller holds each call's final snapshot (sync-harness); while the card is open on the live call it holds the live one.
  const freshcaller = world.app.standins.freshcaller;
  const openLive = async (event: BuiltEvent, call: BuiltCall, c: BenchCase): Promise<void> => {
    if (event.label !== 'agent connected') return;
    freshcaller.addCall(JSON.parse(JSON.stringify(event.payload.data.call)) as FreshcallerCall);
    await live(c, String(call.id));
    for (const view of call.freshcallerView) freshcaller.addCall(JSON.parse(JSON.stringify(view)) as FreshcallerCall);
  };
  const run = await runCase(world, scenarioCall(scenario), { caller: 'returning', noteTiming: 'immediate', afterEvent: openLive });
  await card('after call.ended')(run.c, String((run.measured as { id: number }).id));
  const conversationId = run.seeded.conversationIds[run.seeded.conversationIds.length - 1] as string;
  calls.push(costOf('getConversationCalls', 'conversation opened', await invoke(run.c, 'getConversationCalls', { conversationId }, 'conversation_user_info')));
  const long = await runCase(world, scenarioCall(scenario), { caller: 'returning', noteTiming: 'immediate', messages: 200 });
  const longId = long.seeded.conversationIds[long.seeded.conversationIds.length - 1] as string;
  calls.push(costOf('getConversationCalls', 'long conversation opened (200 messages)', await invoke(long.c, 'getConversationCalls', { conversationId: longId }, 'conversation_user_info')));
  const cardCalls = calls.filter((m) => m.method === 'getCallSync');
  const pane = calls[2] as MethodCost;
  return {
    calls,
    conversation: { requests: pane.requests, invocations: 1 },
    longConversation: { requests: (calls[3] as MethodCost).requests, invocations: 1 },
    card: { requests: cardCalls.reduce((n, m) => n + m.requests, 0), dbOps: cardCalls.reduce((n, m) => n + m.dbOps, 0), invocations: cardCalls.length },
    openingsPerMinute: openingsAllowed(pane.requests, 1, REQUESTS_PER_MINUTE),
    openingsBesideSync: openingsAllowed(pane.requests, 1, REQUESTS_PER_MINUTE - syncRequestsPerMinute),
    syncRate,
  };
}
