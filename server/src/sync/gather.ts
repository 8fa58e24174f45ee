// Gather: the reads a run's steps need, in order, each result applied to the run's state by
// transitions.ts (docs/architecture.md "The pipeline"). No writes to Freshchat here; the only
// storage read is the caller's entry (when the link is looked up) and app:state (the agent
// cache, the account's number form, the drain's backlog), each at most once a run.
import { ApiError } from '../clients/api-error';
import { parseIdentifyingLine } from '../domain/render-note';
import { callerPhone } from './call-input';
import { chooseConversation, type Lookup } from './choose-conversation';
import { followUpsOwed, planWrites, statusMatters, type Decision, type ReadStep, type RunState } from './decide';
import type { SyncDeps } from './deps';
import { authorFrom, linkFresh, resolveAuthor } from './author';
import { applyCsatRead, applyLink, applyMovedCheck, applyStatusRead, applyVerification, type Author } from './transitions';
import type { AgentLink, AppState, CacheChange, CallerEntry } from '../state/store';
import { callerKey } from './caller-cache';
import type { CallRecord } from './record';

/** What a run read of the store besides the record, each at most once (null: not read). */
export interface RunReads {
  app: AppState | null;
  caller: { key: string; entry: CallerEntry | null } | null;
  /** When this run listed the caller's conversations (null: it did not, or used what was remembered). */
  listedAt: number | null;
  /** The number matched in another form than the account's usual one: remembered as the usual one. */
  variant: string | null;
  /** The call's agent and their Freshchat match, as this run used them: the caller's entry keeps it. */
  agent: CallerEntry['agent'];
  /** The remembered conversation the link took without reading it (choose-conversation.ts), until a write proves it. */
  unread: string | null;
  /** That conversation refused the first write: the link is looked up again without the caller's entry. */
  rememberedGone: boolean;
}

export function noReads(): RunReads {
  return { app: null, caller: null, listedAt: null, variant: null, agent: null, unread: null, rememberedGone: false };
}

/** What the writes need beyond the record, found while gathering. */
export interface Gathered {
  state: RunState;
  author: Author | null;
  seen: RunReads;
  /** What this run learned for the app cache; saved after the record. */
  cacheChange: CacheChange;
  /** This run holds the lock on creating a Freshchat user for the caller's number. */
  phoneLocked: boolean;
}

/** Runs the read steps; a failure (an ApiError or StoreError) propagates to the pipeline. */
export async function gather(state: RunState, reads: ReadStep[], d: Decision, deps: SyncDeps, done: string[], seen: RunReads): Promise<RunState> {
  let current = state;
  for (const read of reads) {
    const next = await READS[read.kind](current, read, d, deps, seen);
    current = next.state;
    // A read the state made needless (no conversation found, its status already known) asks nothing.
    if (next.asked) done.push(read.kind);
  }
  return current;
}

type Reader = (state: RunState, read: ReadStep, d: Decision, deps: SyncDeps, seen: RunReads) => Promise<{ state: RunState; asked: boolean }>;

const READS: Record<ReadStep['kind'], Reader> = {
  link: async (state, read, d, deps, seen) => {
    const phone = d.input.call ? callerPhone(d.input.call) : null;
    const entry = phone ? await readCaller(deps, callerKey(phone, deps.settings.callerSalt), seen) : null;
    // After the remembered conversation refused the first write, the caller is looked up afresh.
    const remembered = seen.rememberedGone ? null : entry;
    const app = await appForLookup(deps, d, seen, remembered);
    const hints = { remembered, variant: app ? app.cache.variant : null, now: d.now, statusNeeded: statusMatters(state.record) };
    const lookup = await chooseConversation(deps.chat, phone, read.kind === 'link' && read.mayCreate, hints);
    noteLookup(seen, lookup, app, d.now);
    return asked(applyLink(state.record, lookup.choice));
  },
  read_csat: async (state, _read, d, deps) => {
    // The link just found nothing: no rating could go anywhere.
    if (state.record.link.state === 'unlinked') return { state, asked: false };
    const metrics = await deps.caller.getCallMetrics(d.input.rootId);
    return asked({ record: applyCsatRead(state.record, metrics ? metrics.csat : null, deps.settings, d.now), conversationStatus: state.conversationStatus });
  },
  verify_notes: async (state, _read, d, deps) => {
    const notes = await notesOfCall(deps, state.record.link.conversationId as string, d.input.rootId, checkSince(state.record));
    const owed = followUpsOwed(state.record, d, true);
    return asked({ record: applyVerification(state.record, d.input, notes, owed, deps.settings), conversationStatus: state.conversationStatus });
  },
  verify_moved: async (state, _read, d, deps) => {
    const found = await movedNoteFound(deps, state.record.movedFrom as string, d.input.rootId, checkSince(state.record));
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
async function movedNoteFound(deps: SyncDeps, conversationId: string, rootId: string, since: number | null): Promise<boolean> {
  try {
    return (await notesOfCall(deps, conversationId, rootId, since)).some((n) => n.kind === 'moved');
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not_found') return true;
    throw err;
  }
}

/** The clocks of Freshcaller, the app and Freshchat may differ a little. */
const CHECK_MARGIN_MS = 2 * 60000;
/**
 * The messages a check reads at most (pages of 50, 500 messages): every message since the call
 * was created, so a busy conversation's newer messages cannot hide the note. A drain after a
 * burst, or a run that takes over from runs that died, can come an hour later; and the
 * uncertain write may be older than the record's uncertainAt, which names the latest one.
 */
const CHECK_PAGES = 10;

/** Since when a note of the call is looked for: the call's creation (no note of it can be older). */
function checkSince(record: CallRecord): number | null {
  const at = record.created !== null ? record.created : record.uncertainAt;
  return at === null ? null : Math.max(0, at - CHECK_MARGIN_MS);
}

/** The app's notes of one call among the conversation's messages since `since`, by their identifying line. */
async function notesOfCall(deps: SyncDeps, conversationId: string, rootId: string, since: number | null): Promise<Array<{ kind: string; text: string }>> {
  const notes: Array<{ kind: string; text: string }> = [];
  for (let page = 1; page <= CHECK_PAGES; page++) {
    const listed = await deps.chat.listMessages(conversationId, page, since);
    listed.messages.forEach((message) => addNoteOfCall(notes, message, rootId));
    if (!listed.hasMore || since === null) break;
  }
  return notes;
}

function addNoteOfCall(notes: Array<{ kind: string; text: string }>, message: { messageType: string; text: string }, rootId: string): void {
  const line = message.messageType === 'private' ? parseIdentifyingLine(message.text) : null;
  if (line && line.callId === rootId) notes.push({ kind: line.kind, text: message.text });
}

/**
 * The account's number form matters only for a phone lookup; app:state is read for it only when
 * the author needs it anyway (the call has an agent), so it costs no extra operation.
 */
function appForLookup(deps: SyncDeps, d: Decision, seen: RunReads, remembered: CallerEntry | null): Promise<AppState | null> {
  return !remembered && agentOf(d).id ? readAppState(deps, seen) : Promise.resolve(seen.app);
}

/** What the save will learn from the lookup: when the user's conversations were listed, a new usual number form. */
function noteLookup(seen: RunReads, lookup: Lookup, app: AppState | null, now: number): void {
  seen.unread = lookup.choice.kind === 'remembered' ? lookup.choice.conversationId : null;
  if (lookup.listed) seen.listedAt = now;
  if (lookup.variant && app && lookup.variant !== app.cache.variant) seen.variant = lookup.variant;
}

async function readCaller(deps: SyncDeps, key: string, seen: RunReads): Promise<CallerEntry | null> {
  if (!seen.caller) seen.caller = { key, entry: await deps.store.readCaller(key) };
  return seen.caller.entry;
}

async function readAppState(deps: SyncDeps, seen: RunReads): Promise<AppState> {
  if (!seen.app) seen.app = await deps.store.readAppState();
  return seen.app;
}

/** Who authors the notes the writes will post: the summary's author, else the call's agent. */
export async function gatherAuthor(state: RunState, d: Decision, deps: SyncDeps, seen: RunReads): Promise<Gathered> {
  const writes = planWrites(state, d);
  const gathered: Gathered = { state, author: null, seen, cacheChange: seen.variant ? { variant: seen.variant } : {}, phoneLocked: false };
  if (!writes.some((w) => NOTE_WRITES.indexOf(w.kind) >= 0)) return gathered;
  const record = state.record;
  if (record.actorId) return Object.assign(gathered, { author: { actorId: record.actorId, agentName: record.agentName } });
  return Object.assign(gathered, { author: await authorOfCall(gathered, d, deps, writes.some((w) => w.kind === 'create_conversation')) });
}

/** The call's agent as the author: from the caller's entry, else the agent cache (a lookup when it misses). */
async function authorOfCall(gathered: Gathered, d: Decision, deps: SyncDeps, creating: boolean): Promise<Author> {
  const seen = gathered.seen;
  const agent = agentOf(d);
  const sticky = creating ? null : stickyAgent(seen, agent.id, d.now);
  if (sticky) return authorFrom(sticky, deps, agent.name);
  // No agent (a missed or abandoned call): the default agent, without reading the cache; a new
  // conversation needs the app id, which the cache holds.
  const app = agent.id || creating ? await readAppState(deps, seen) : null;
  if (!app) return { actorId: deps.settings.defaultAgentId, agentName: agent.name };
  const resolved = await resolveAuthor(deps, app.cache, agent.id, agent.name);
  Object.assign(gathered.cacheChange, resolved.change);
  seen.agent = usedAgent(agent.id, app);
  return resolved.author;
}

function usedAgent(agentId: string | null, app: AppState): CallerEntry['agent'] {
  const link = agentId ? app.cache.agents[agentId] : undefined;
  return agentId && link ? { id: agentId, link } : null;
}

/**
 * The caller's entry names this call's agent (a returning caller routed to the same agent): their
 * Freshchat match comes from it, with no read of the agent cache.
 */
function stickyAgent(seen: RunReads, agentId: string | null, now: number): AgentLink | null {
  const remembered = seen.caller && seen.caller.entry ? seen.caller.entry.agent : null;
  if (!agentId || !remembered || remembered.id !== agentId || !linkFresh(remembered.link, now)) return null;
  seen.agent = remembered;
  return remembered.link;
}

const NOTE_WRITES = ['post_summary', 'create_conversation', 'post_follow_up', 'post_moved'];

function agentOf(d: Decision): { id: string | null; name: string | null } {
  const call = d.input.call;
  if (!call) return { id: null, name: null };
  return { id: call.assigned_agent_id || null, name: call.assigned_agent_name || null };
}

