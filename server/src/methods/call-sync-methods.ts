// The Freshcaller card's server methods (docs/architecture.md "The sidebar"): read a call's sync,
// retry it, link it to another conversation. Retry and Re-link run the call through the one
// pipeline (sync/pipeline.ts), like an event, and leave later work to the deferred queue.
import { object, string, number, union } from 'zod';
import { SAFE_ID } from '../clients/responses';
import { pendingNoteAt } from '../deferred/complete-note';
import { afterRun } from '../deferred/work';
import { classifyOutcome, isTerminal } from '../domain/classify-outcome';
import { callSchema, type Call } from '../events/call-event';
import { lazily } from '../platform/lazily';
import type { Platform } from '../ports';
import type { CallInput } from '../sync/call-input';
import type { SyncDeps } from '../sync/deps';
import { syncDeps } from '../sync/handle-call-event';
import { runPipeline, type PipelineOptions } from '../sync/pipeline';
import type { CallRecord } from '../sync/record';
import { relinkRefusal } from '../sync/transitions';
import { rootIdOf, triageCallEvent } from '../sync/triage';
import { viewOfNothing, viewOfRecord, type ViewFacts } from './call-view';
import type { ActionAnswer, CallSyncView } from './contract';
import { argsOf, MethodFailure } from './answer';

// The arguments' schemas are built when a method first runs in this evaluation (platform/lazily.ts).
/** Freshcaller call ids are numbers; the card may hand them over as numbers or text. */
const callIdArg = lazily(() => union([string().regex(/^[0-9]{1,20}$/), number().int().positive()]).transform(String));
export const callArgs = lazily(() => object({ callId: callIdArg() }));
const relinkArgs = lazily(() => object({ callId: callIdArg(), conversationId: string().regex(SAFE_ID) }));

export const BAD_CALL_ID = 'Not a valid Freshcaller call id';

export function methodDeps(payload: unknown, platform: Platform): SyncDeps {
  // The platform merges the installation parameters into every server method's arguments.
  const iparams = typeof payload === 'object' && payload !== null ? (payload as { iparams?: unknown }).iparams : undefined;
  return syncDeps(platform, iparams);
}

/**
 * Opening the card: the record when there is one (1 storage read, no request). Otherwise the
 * call is read from Freshcaller: a leg shows its root call; a live call gets its conversation
 * chosen now, so the agent sees where the outcome will go (and the outcome goes there).
 */
export async function getCallSync(payload: unknown, platform: Platform): Promise<CallSyncView> {
  const { callId } = argsOf(callArgs(), payload, BAD_CALL_ID);
  const deps = methodDeps(payload, platform);
  const stored = await deps.store.readRecord(callId);
  if (stored) return viewOfRecord(stored, facts(deps, callId, null));
  const call = await readCall(deps, callId);
  if (!call) return viewOfNothing(facts(deps, callId, null), false);
  const rootId = rootIdOf(call);
  const root = rootId === callId ? null : await deps.store.readRecord(rootId);
  if (root) return viewOfRecord(root, facts(deps, rootId, call));
  if (isTerminal(classifyOutcome(call))) return viewOfNothing(Object.assign(facts(deps, rootId, call), { ended: true }), true, await completeNoteAt(deps, rootId));
  const preview = await runPipeline(liveInput(call), deps, { linkNow: true });
  return preview.record ? viewOfRecord(preview.record, facts(deps, rootId, call)) : viewOfNothing(facts(deps, rootId, call), true);
}

/** With note_timing complete, when the call's complete note is due (its schedule); null when none is pending. */
function completeNoteAt(deps: SyncDeps, rootId: string): Promise<number | null> {
  return deps.settings.noteTiming === 'complete' ? pendingNoteAt(deps, rootId) : Promise.resolve(null);
}

/** The agent's Retry: the call as Freshcaller has it now, through the pipeline, a permanent failure cleared. */
export async function retryCallSync(payload: unknown, platform: Platform): Promise<ActionAnswer> {
  const { callId } = argsOf(callArgs(), payload, BAD_CALL_ID);
  const deps = methodDeps(payload, platform);
  const call = await rootCall(deps, callId);
  const triage = triageCallEvent(call, null, deps.settings);
  if (triage.kind === 'nothing') {
    if (!isTerminal(classifyOutcome(call))) throw new MethodFailure(409, 'The call is still in progress; it syncs when it ends');
    throw new MethodFailure(409, 'This call is not synced: ' + triage.reason);
  }
  return act(triage.input, deps, { retry: true });
}

/** The agent links the call to another of the caller's conversations, before or after the outcome is written. */
export async function relinkCall(payload: unknown, platform: Platform): Promise<ActionAnswer> {
  const args = argsOf(relinkArgs(), payload, 'Not a valid call id and Freshchat conversation id');
  const deps = methodDeps(payload, platform);
  const call = await rootCall(deps, args.callId);
  const input = inputFor(call, deps);
  const record = await deps.store.readRecord(input.rootId);
  const refusal = record ? relinkRefusal(record) : null;
  if (refusal) throw new MethodFailure(409, refusal);
  const conversation = await deps.chat.getConversation(args.conversationId);
  if (!conversation) throw new MethodFailure(404, 'That conversation no longer exists in Freshchat');
  return act(input, deps, { relink: { conversationId: conversation.id, userId: conversation.userIds[0] || null } });
}

async function act(input: CallInput, deps: SyncDeps, options: PipelineOptions): Promise<ActionAnswer> {
  const result = await runPipeline(input, deps, options);
  // What the run leaves (a retry, a CSAT look) goes to the deferred queue, as after an event.
  await afterRun(result, input.rootId, null, deps);
  return { code: result.code, view: viewOf(result.record, deps, input.rootId, input.call) };
}

function viewOf(record: CallRecord | null, deps: SyncDeps, rootId: string, call: Call | null): CallSyncView {
  const known = facts(deps, rootId, call);
  return record ? viewOfRecord(record, known) : viewOfNothing(Object.assign(known, { ended: true }), true);
}

/** A call that ended is run as its events would be; a live one only takes the link. */
function inputFor(call: Call, deps: SyncDeps): CallInput {
  const triage = triageCallEvent(call, null, deps.settings);
  return triage.kind === 'sync' ? triage.input : liveInput(call);
}

function liveInput(call: Call): CallInput {
  return { rootId: rootIdOf(call), call, isLeg: false, outcome: null, logType: null };
}

/** The root call (a transferred leg's card acts on the call its note belongs to). */
async function rootCall(deps: SyncDeps, callId: string): Promise<Call> {
  const call = await readCall(deps, callId);
  if (!call) throw new MethodFailure(404, 'Freshcaller has no call ' + callId);
  const rootId = rootIdOf(call);
  if (rootId === call.id) return call;
  const root = await readCall(deps, rootId);
  if (!root) throw new MethodFailure(404, 'Freshcaller has no call ' + rootId);
  return root;
}

/** The call as Freshcaller has it now; null when Freshcaller has no such call. */
export async function readCall(deps: SyncDeps, callId: string): Promise<Call | null> {
  const raw = await deps.caller.getCall(callId);
  if (raw === null) return null;
  const parsed = callSchema.safeParse(raw);
  if (!parsed.success) throw new MethodFailure(502, 'Freshcaller sent a call the app cannot read');
  return parsed.data;
}

function facts(deps: SyncDeps, rootId: string, call: Call | null): ViewFacts {
  return { rootId, now: deps.now(), settings: deps.settings, direction: call ? call.direction : null, ended: false };
}
