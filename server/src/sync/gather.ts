// Gather: the reads a run's steps need, in order, each result applied to the run's state by
// transitions.ts (docs/architecture.md "The pipeline"). No writes to Freshchat here; the only
// storage touched is the agent cache, read when a note needs its author.
import { ApiError } from '../clients/api-error';
import { parseIdentifyingLine } from '../domain/render-note';
import { callerPhone } from './call-input';
import { chooseConversation } from './choose-conversation';
import { followUpsOwed, planWrites, type Decision, type ReadStep, type RunState } from './decide';
import type { SyncDeps } from './deps';
import { resolveAuthor } from './author';
import { applyCsatRead, applyLink, applyMovedCheck, applyStatusRead, applyVerification, type Author } from './transitions';
import type { AppCache } from '../state/store';

/** What the writes need beyond the record, found while gathering. */
export interface Gathered {
  state: RunState;
  author: Author | null;
  cache: AppCache | null;
  cacheChanged: boolean;
  /** This run holds the lock on creating a Freshchat user for the caller's number. */
  phoneLocked: boolean;
}

/** Runs the read steps; a failure (an ApiError or StoreError) propagates to the pipeline. */
export async function gather(state: RunState, reads: ReadStep[], d: Decision, deps: SyncDeps, done: string[]): Promise<RunState> {
  let current = state;
  for (const read of reads) {
    const next = await READS[read.kind](current, read, d, deps);
    current = next.state;
    // A read the state made needless (no conversation found, its status already known) asks nothing.
    if (next.asked) done.push(read.kind);
  }
  return current;
}

type Reader = (state: RunState, read: ReadStep, d: Decision, deps: SyncDeps) => Promise<{ state: RunState; asked: boolean }>;

const READS: Record<ReadStep['kind'], Reader> = {
  link: async (state, read, d, deps) => {
    const call = d.input.call;
    const phone = call ? callerPhone(call) : null;
    const choice = await chooseConversation(deps.chat, phone, read.kind === 'link' && read.mayCreate);
    return asked(applyLink(state.record, choice));
  },
  read_csat: async (state, _read, d, deps) => {
    // The link just found nothing: no rating could go anywhere.
    if (state.record.link.state === 'unlinked') return { state, asked: false };
    const metrics = await deps.caller.getCallMetrics(d.input.rootId);
    return asked({ record: applyCsatRead(state.record, metrics ? metrics.csat : null, deps.settings, d.now), conversationStatus: state.conversationStatus });
  },
  verify_notes: async (state, _read, d, deps) => {
    const notes = await notesOfCall(deps, state.record.link.conversationId as string, d.input.rootId);
    const owed = followUpsOwed(state.record, d, true);
    return asked({ record: applyVerification(state.record, d.input, notes, owed, deps.settings), conversationStatus: state.conversationStatus });
  },
  verify_moved: async (state, _read, d, deps) => {
    const found = await movedNoteFound(deps, state.record.movedFrom as string, d.input.rootId);
    return asked({ record: applyMovedCheck(state.record, found), conversationStatus: state.conversationStatus });
  },
  conversation_status: async (state, _read, _d, deps) => {
    if (state.record.link.state !== 'linked') return { state, asked: false };
    // Linking just read the conversation: its status is known without asking again.
    if (state.conversationStatus !== null) return { state: applyStatusRead(state, state.conversationStatus), asked: false };
    const conversation = await deps.chat.getConversation(state.record.link.conversationId as string);
    return asked(applyStatusRead(state, conversation ? conversation.status : null));
  },
};

function asked(state: RunState): { state: RunState; asked: boolean } {
  return { state, asked: true };
}

/** Whether the old conversation holds the call's moved note; a conversation that is gone needs none. */
async function movedNoteFound(deps: SyncDeps, conversationId: string, rootId: string): Promise<boolean> {
  try {
    return (await notesOfCall(deps, conversationId, rootId)).some((n) => n.kind === 'moved');
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not_found') return true;
    throw err;
  }
}

/** The app's notes of one call among the conversation's latest messages, by their identifying line. */
async function notesOfCall(deps: SyncDeps, conversationId: string, rootId: string): Promise<Array<{ kind: string; text: string }>> {
  const page = await deps.chat.listMessages(conversationId, 1);
  const notes: Array<{ kind: string; text: string }> = [];
  for (const message of page.messages) {
    const line = message.messageType === 'private' ? parseIdentifyingLine(message.text) : null;
    if (line && line.callId === rootId) notes.push({ kind: line.kind, text: message.text });
  }
  return notes;
}

/** Who authors the notes the writes will post: the summary's author, else the call's agent. */
export async function gatherAuthor(state: RunState, d: Decision, deps: SyncDeps): Promise<Gathered> {
  const writes = planWrites(state, d);
  const gathered: Gathered = { state, author: null, cache: null, cacheChanged: false, phoneLocked: false };
  if (!writes.some((w) => NOTE_WRITES.indexOf(w.kind) >= 0)) return gathered;
  const record = state.record;
  if (record.actorId) return Object.assign(gathered, { author: { actorId: record.actorId, agentName: record.agentName } });
  const agent = agentOf(d);
  // No agent (a missed or abandoned call): the default agent, without reading the cache.
  const cache = agent.id || writes.some((w) => w.kind === 'create_conversation') ? await deps.store.readCache() : { appId: null, agents: {} };
  const resolved = await resolveAuthor(deps, cache, agent.id, agent.name);
  return Object.assign(gathered, { author: resolved.author, cache, cacheChanged: resolved.changed });
}

const NOTE_WRITES = ['post_summary', 'create_conversation', 'post_follow_up', 'post_moved'];

function agentOf(d: Decision): { id: string | null; name: string | null } {
  const call = d.input.call;
  if (!call) return { id: null, name: null };
  return { id: call.assigned_agent_id || null, name: call.assigned_agent_name || null };
}

