// What the stand-in platform client (client/appclient.ts) asks the local server for: the data a
// placement's `client.data.get` returns, the installation parameters the front end may see, and
// server methods run in the sandbox as that placement's module. Answers follow the platform's
// shapes (docs/platform.md "Front end"): data wrapped by its name, `{ response }` for a server
// method, `{ status, message }` for its error.
import type { InvocationResult } from '../runtime';
import type { FreshcallerCall, FreshchatConversation } from '../standins';
import { loadIparamSpecs } from './custom-configs';
import type { LocalSession } from './session';

export const PLACEMENTS = {
  conversation_card: { module: 'caller_conversation', product: 'Freshcaller', query: 'call' },
  conversation_user_info: { module: 'chat_conversation', product: 'Freshchat', query: 'conversation' },
} as const;

export type PlacementName = keyof typeof PLACEMENTS;

export function isPlacement(name: string): name is PlacementName {
  return Object.prototype.hasOwnProperty.call(PLACEMENTS, name);
}

export interface PlacementData {
  context: { location: PlacementName; product: string; module: string };
  /** Keyed as client.data.get names them; each value already wrapped ({ currentCall: {...} }). */
  data: Record<string, Record<string, unknown>>;
}

/** Throws when the call or conversation is unknown to the stand-ins and the samples. */
export function placementData(session: LocalSession, placement: PlacementName, id: string): PlacementData {
  const spec = PLACEMENTS[placement];
  const context = { location: placement, product: spec.product, module: spec.module };
  const data = placement === 'conversation_card' ? cardData(session, id) : paneData(session, id);
  return { context, data };
}

function cardData(session: LocalSession, callId: string): Record<string, Record<string, unknown>> {
  const call = findCall(session, callId);
  if (!call) throw new NotFound('no call ' + callId + ' in the stand-in Freshcaller or the sample calls');
  const customer = (call.participants || []).find((p) => p.participant_type === 'Customer');
  const users = session.standins.freshcaller.state.users;
  const agent = users.find((u) => u.id === call.assigned_agent_id) || users[0];
  return {
    currentCall: { currentCall: call as unknown as Record<string, unknown> },
    currentCaller: {
      currentCaller: customer
        ? { id: customer.caller_id || null, name: customer.caller_name || null, phone_number: customer.caller_number || null }
        : {},
    },
    loggedInAgent: { loggedInAgent: agent ? { id: agent.id, name: agent.name, email: agent.email } : {} },
  };
}

/** The stand-in's call, else the latest state of the call in a sample (a call only the samples know). */
function findCall(session: LocalSession, callId: string): FreshcallerCall | undefined {
  const known = session.standins.freshcaller.state.calls.find((c) => String(c.id) === callId);
  if (known) return known;
  let latest: FreshcallerCall | undefined;
  for (const sample of session.samples) {
    for (const event of sample.events) {
      const data = event.data as { call?: FreshcallerCall } | undefined;
      if (data && data.call && String(data.call.id) === callId) latest = data.call;
    }
  }
  return latest;
}

function paneData(session: LocalSession, conversationId: string): Record<string, Record<string, unknown>> {
  const state = session.standins.freshchat.state;
  const conversation: FreshchatConversation | undefined = state.conversations.find((c) => c.conversation_id === conversationId);
  if (!conversation) throw new NotFound('no conversation ' + conversationId + ' in the stand-in Freshchat');
  const firstUser = conversation.users[0];
  const user = firstUser ? state.users.find((u) => u.id === firstUser.id) : undefined;
  const agent = state.agents.find((a) => a.id === conversation.assigned_agent_id) || state.agents[0];
  return {
    conversation: { conversation: Object.assign({ id: conversation.conversation_id }, conversation, { messages: state.messages[conversationId] || [] }) },
    user: { user: user ? (user as unknown as Record<string, unknown>) : {} },
    loggedInAgent: { loggedInAgent: agent ? (agent as unknown as Record<string, unknown>) : {} },
  };
}

/** The installation parameters `client.iparams.get()` returns: those config/iparams.json declares, never the secure ones. */
export function frontEndIparams(session: LocalSession): Record<string, unknown> {
  const specs = loadIparamSpecs(session.appRoot);
  const visible: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(session.runtime.iparams)) {
    const spec = specs[key];
    if (spec && spec.secure !== true) visible[key] = value;
  }
  return visible;
}

export type InvokeAnswer = { ok: true; response: unknown; result: InvocationResult } | { ok: false; status: number; message: string; result?: InvocationResult };

/**
 * `client.request.invoke(name, args)` from a placement: the server method runs in the sandbox as
 * the placement's module, under the runtime's rules (server-method budget of 50 a minute, the
 * manifest timeout, the payload limit).
 */
export async function invokeFromPlacement(session: LocalSession, placement: PlacementName, name: string, args: unknown): Promise<InvokeAnswer> {
  if (!Object.prototype.hasOwnProperty.call(session.runtime.app.functions, name)) {
    // The platform refuses a name that manifest.json does not declare under common.functions (status unconfirmed).
    return { ok: false, status: 404, message: "Server method '" + name + "' is not declared in manifest.json" };
  }
  const result = await session.runtime.invoke(name, args === undefined ? {} : args, { module: PLACEMENTS[placement].module });
  return answerOf(result);
}

export function answerOf(result: InvocationResult): InvokeAnswer {
  if (result.platformError) return { ok: false, status: result.platformError.status, message: result.platformError.message, result };
  if (!result.completed || !result.renderData) return { ok: false, status: 504, message: 'Timeout error while processing the request', result };
  const error = result.renderData.error;
  if (error !== null && error !== undefined) {
    const e = error as { status?: unknown; message?: unknown };
    return { ok: false, status: typeof e.status === 'number' ? e.status : 500, message: typeof e.message === 'string' ? e.message : JSON.stringify(error), result };
  }
  return { ok: true, response: result.renderData.data, result };
}

export class NotFound extends Error {}
