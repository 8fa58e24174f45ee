// Carries out a plan through the narrow clients, recording each step in the call's record as
// soon as it is done, so a failure part-way loses nothing that succeeded (product.md "Act").
import type { CallCsat } from '../clients/freshcaller';
import type { ChatConversation } from '../clients/freshchat';
import { mapCsat } from '../domain/csat';
import { normalisePhone } from '../domain/phone';
import { redactCardNumbers } from '../domain/redact';
import { identifyingLine, renderFollowUp, renderSummaryNote } from '../domain/render-note';
import type { FollowUpItem, Outcome, PhoneNumber, ResolvePolicy } from '../domain/types';
import type { Call } from '../events/call-event';
import type { CallRecord } from '../state/call-record';
import { StoreError, type AppCache } from '../state/call-store';
import { resolveAuthor, type Author } from './author';
import { chooseConversation } from './choose-conversation';
import { scheduleFollowUpWork } from './deferred';
import type { SyncDeps } from './deps';
import { durationOf, type SyncPlan } from './plan-sync';

export interface Execution {
  call: Call;
  rootId: string;
  outcome: Outcome;
  plan: SyncPlan;
  /** Mutated step by step: what has been done so far. */
  record: CallRecord;
  deps: SyncDeps;
  /** What was done, in words, for the log line. */
  done: string[];
}

interface Context extends Execution {
  phone: PhoneNumber | null;
  conversationStatus: string | null;
  cache: AppCache | null;
  cacheChanged: boolean;
  author: Author | null;
  /** A previous attempt saved its intent to write the summary and may have written it. */
  summaryMayExist: boolean;
  /** Follow-ups owed because a summary found from an earlier attempt predates them. */
  owed: FollowUpItem[];
}

export async function executePlan(execution: Execution): Promise<void> {
  const ctx: Context = Object.assign({}, execution, {
    phone: callerPhone(execution.call),
    conversationStatus: null,
    cache: null,
    cacheChanged: false,
    author: null,
    summaryMayExist: execution.record.pendingSummary,
    owed: [],
  });
  if (ctx.plan.fetchCsat) await fetchCsat(ctx);
  if (ctx.plan.transfer) recordTransfer(ctx, ctx.plan.transfer);
  if (ctx.plan.link) await link(ctx);
  if (ctx.record.conversationId) await writeToConversation(ctx);
}

function recordTransfer(ctx: Context, transfer: NonNullable<SyncPlan['transfer']>): void {
  ctx.record.transfers.push(Object.assign({ posted: false }, transfer));
  // Without the root call's conversation yet, the leg waits to be folded into its summary.
  if (!ctx.record.conversationId) ctx.done.push('recorded transfer leg ' + transfer.leg + ' for call ' + ctx.rootId);
}

async function writeToConversation(ctx: Context): Promise<void> {
  if (ctx.plan.summary && !ctx.record.summary) await postSummary(ctx);
  await postFollowUps(ctx);
  if (ctx.plan.resolve) await resolve(ctx);
  if (ctx.plan.reopenIfResolved) await reopen(ctx);
  await postCsat(ctx);
  await saveCache(ctx);
}

function callerPhone(call: Call): PhoneNumber | null {
  const customer = call.participants.find((p) => p.participant_type.toLowerCase() === 'customer');
  return normalisePhone(customer ? customer.caller_number : null, call.phone_number);
}

function callerRaw(call: Call): string | null {
  const customer = call.participants.find((p) => p.participant_type.toLowerCase() === 'customer');
  return customer && customer.caller_number ? customer.caller_number : null;
}

async function fetchCsat(ctx: Context): Promise<void> {
  const metrics = await ctx.deps.caller.getCallMetrics(ctx.rootId);
  const csat = metrics ? metrics.csat : null;
  const mapped = csat ? mapCsat(csat.outcome, ctx.deps.settings.csatScale) : null;
  ctx.record.csat = csatState(csat, mapped !== null, ctx.deps.settings.resolvePolicy);
  if (mapped) {
    ctx.record.csatRating = mapped.rating;
    ctx.record.csatKey = mapped.key;
  }
  if (ctx.record.csat === 'waiting') {
    // The caller went to the survey but has not answered yet: look once more later, then stop.
    await scheduleFollowUpWork(ctx.deps, 'csat', ctx.rootId);
    ctx.done.push('CSAT survey still open, will look again');
  }
}

/** With resolve_policy never, no CSAT is posted: the rating goes into the note (product.md). */
export function csatState(csat: CallCsat | null, rated: boolean, policy: ResolvePolicy): CallRecord['csat'] {
  if (rated) return policy === 'answered' ? 'to_post' : 'noted';
  return csat && csat.transferMade && csat.outcome === null ? 'waiting' : 'none';
}

async function link(ctx: Context): Promise<void> {
  const choice = await chooseConversation(ctx.deps.chat, ctx.phone, ctx.plan.mayCreate);
  ctx.record.reason = choice.reason;
  if (choice.kind === 'none') {
    ctx.record.unlinked = true;
    ctx.done.push('left unlinked: ' + choice.reason);
    return;
  }
  if (choice.kind === 'existing') {
    setConversation(ctx, choice.conversation, choice.ambiguous);
    return;
  }
  await createConversation(ctx, choice.userId);
}

function setConversation(ctx: Context, conversation: ChatConversation, ambiguous: boolean): void {
  ctx.record.conversationId = conversation.id;
  ctx.record.ambiguous = ambiguous;
  ctx.record.linkedBy = 'app';
  ctx.conversationStatus = conversation.status;
}

async function createConversation(ctx: Context, existingUserId: string | null): Promise<void> {
  const chat = ctx.deps.chat;
  const cache = await appCache(ctx);
  if (!cache.appId) {
    cache.appId = (await chat.getAccountConfiguration()).appId;
    ctx.cacheChanged = true;
  }
  const userId = existingUserId || (await chat.createUser((ctx.phone as PhoneNumber).e164)).id;
  const author = await authorOf(ctx);
  await saveIntent(ctx);
  // The summary note is the conversation's first message: one request instead of two.
  const created = await chat.createConversation({
    appId: cache.appId,
    channelId: ctx.deps.settings.channelId as string,
    userId,
    actorId: author.actorId,
    text: summaryText(ctx, author),
  });
  ctx.record.conversationId = created.conversationId;
  ctx.record.linkedBy = 'app';
  ctx.conversationStatus = 'new';
  markSummaryPosted(ctx);
  ctx.done.push('created conversation ' + created.conversationId + (existingUserId ? '' : ' and its user'));
}

async function postSummary(ctx: Context): Promise<void> {
  const author = await authorOf(ctx);
  const summaryLine = identifyingLine(ctx.rootId, 'summary');
  const found = await findInConversation(ctx, (text) => lastLine(text) === summaryLine);
  if (found !== null) {
    adoptFoundSummary(ctx, found);
    return;
  }
  await saveIntent(ctx);
  await ctx.deps.chat.postPrivateNote(ctx.record.conversationId as string, author.actorId, summaryText(ctx, author));
  markSummaryPosted(ctx);
  ctx.done.push('posted the summary note to conversation ' + ctx.record.conversationId);
}

/**
 * The summary an earlier attempt wrote was found: it stands, and what it does not say yet (notes
 * or a recording that came later) is owed as a follow-up rather than taken as written.
 */
function adoptFoundSummary(ctx: Context, found: string): void {
  const notes = notesOf(ctx.call);
  const url = recordingUrlOf(ctx.call);
  markSummaryPosted(ctx);
  if (notes && found.indexOf(notes) < 0) {
    ctx.record.notesFp = null;
    ctx.owed.push({ kind: 'notes', text: notes });
  }
  if (url && found.indexOf(url) < 0) {
    ctx.record.recordingFp = null;
    ctx.owed.push({ kind: 'recording', url });
  }
  ctx.done.push('found the summary already in conversation ' + ctx.record.conversationId);
}

function notesOf(call: Call): string {
  return call.call_notes ? redactCardNumbers(call.call_notes.trim()) : '';
}

function recordingUrlOf(call: Call): string {
  return call.recording && call.recording.url ? call.recording.url : '';
}

/**
 * Saves the record, still at the version this event claimed, marked as about to write the
 * summary: if the event dies between the write and the final save (storage budget spent, time
 * limit), the next attempt knows to look before writing. Other events cannot act meanwhile:
 * the version they read is the one this event holds the claim on.
 */
async function saveIntent(ctx: Context): Promise<void> {
  const intent: CallRecord = JSON.parse(JSON.stringify(ctx.record)) as CallRecord;
  intent.v = ctx.record.v - 1;
  intent.pendingSummary = true;
  await ctx.deps.store.write(ctx.rootId, intent);
}

/** Failures after which Freshchat may have stored the note although the app saw an error. */
const AMBIGUOUS_FAILURES = ['timeout', 'server', 'unreachable'];

/**
 * Freshchat takes no idempotency key, so after a timeout or a 5xx the note may exist although
 * the app saw a failure. Only then (never on a first attempt) the retry reads the conversation's
 * latest messages first: one request, instead of a duplicate note.
 */
async function findInConversation(ctx: Context, matches: (text: string) => boolean): Promise<string | null> {
  const error = ctx.record.error;
  const ambiguous = !!error && AMBIGUOUS_FAILURES.indexOf(error.code) >= 0;
  if (!ambiguous && !ctx.summaryMayExist) return null;
  const page = await ctx.deps.chat.listMessages(ctx.record.conversationId as string, 1);
  const found = page.messages.find((message) => message.messageType === 'private' && matches(message.text));
  return found ? found.text : null;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] || '').trim();
}

function summaryText(ctx: Context, author: Author): string {
  const call = ctx.call;
  return renderSummaryNote({
    callId: ctx.rootId,
    direction: call.direction,
    outcome: ctx.outcome,
    caller: ctx.phone,
    callerRaw: callerRaw(call),
    maskCallerNumber: ctx.deps.settings.maskCallerNumber,
    agentName: author.agentName,
    durationSeconds: durationOf(call),
    businessNumber: call.phone_number || null,
    queueName: call.assigned_call_queue_name || null,
    callNotes: call.call_notes || null,
    recordingUrl: call.recording && call.recording.url ? call.recording.url : null,
    csat: csatOf(ctx.record),
    transfers: ctx.record.transfers.filter((t) => !t.posted).map((t) => ({ agentName: t.agentName, durationSeconds: t.durationSeconds })),
  });
}

function markSummaryPosted(ctx: Context): void {
  ctx.record.summary = true;
  ctx.record.pendingSummary = false;
  ctx.summaryMayExist = false;
  if (ctx.author) {
    ctx.record.actorId = ctx.author.actorId;
    ctx.record.agentName = ctx.author.agentName;
  }
  ctx.record.notesFp = ctx.plan.notesFp;
  ctx.record.recordingFp = ctx.plan.recordingFp;
  for (const transfer of ctx.record.transfers) transfer.posted = true;
}

function csatOf(record: CallRecord): { key: number; rating: number } | null {
  return record.csatRating !== null && record.csatKey !== null ? { key: record.csatKey, rating: record.csatRating } : null;
}

async function postFollowUps(ctx: Context): Promise<void> {
  if (!ctx.record.summary) return;
  const items: FollowUpItem[] = ctx.plan.followUps.concat(ctx.owed);
  const pending = ctx.record.transfers.filter((t) => !t.posted);
  for (const t of pending) items.push({ kind: 'transfer', agentName: t.agentName, durationSeconds: t.durationSeconds });
  if (items.length === 0) return;
  const author = await authorOf(ctx);
  const text = renderFollowUp(ctx.rootId, items);
  if ((await findInConversation(ctx, (posted) => posted.trim() === text.trim())) === null) {
    await ctx.deps.chat.postPrivateNote(ctx.record.conversationId as string, author.actorId, text);
  }
  ctx.record.notesFp = ctx.plan.notesFp;
  ctx.record.recordingFp = ctx.plan.recordingFp;
  for (const t of pending) t.posted = true;
  ctx.done.push('posted a follow-up (' + items.map((i) => i.kind).join(', ') + ')');
}

async function resolve(ctx: Context): Promise<void> {
  if (ctx.conversationStatus !== 'resolved') {
    await ctx.deps.chat.setConversationStatus(ctx.record.conversationId as string, 'resolved');
    ctx.done.push('resolved the conversation');
  }
  ctx.record.resolved = true;
  ctx.conversationStatus = 'resolved';
}

async function reopen(ctx: Context): Promise<void> {
  const id = ctx.record.conversationId as string;
  if (ctx.conversationStatus === null) {
    const conversation = await ctx.deps.chat.getConversation(id);
    ctx.conversationStatus = conversation ? conversation.status : null;
  }
  if (ctx.conversationStatus === 'resolved') {
    await ctx.deps.chat.setConversationStatus(id, 'reopened');
    ctx.conversationStatus = 'new';
    ctx.done.push('reopened the conversation');
  }
  ctx.record.reopened = true;
}

/** CSAT goes to Freshchat only once, and only on a resolved conversation (seed 003). */
async function postCsat(ctx: Context): Promise<void> {
  const record = ctx.record;
  if (record.csat !== 'to_post' || record.csatRating === null || !record.resolved) return;
  await ctx.deps.chat.postCsat(record.conversationId as string, record.csatRating);
  record.csat = 'posted';
  ctx.done.push('posted CSAT ' + record.csatRating + '/5');
}

async function authorOf(ctx: Context): Promise<Author> {
  if (!ctx.author) ctx.author = summaryAuthor(ctx) || (await lookUpAuthor(ctx));
  return ctx.author;
}

/** Follow-ups on the root call reuse the summary's author; a leg has its own agent. */
function summaryAuthor(ctx: Context): Author | null {
  return ctx.record.actorId && !ctx.plan.transfer ? { actorId: ctx.record.actorId, agentName: ctx.record.agentName } : null;
}

async function lookUpAuthor(ctx: Context): Promise<Author> {
  const agentId = ctx.call.assigned_agent_id || null;
  // No agent (a missed or abandoned call): the default agent, without reading the cache.
  const cache = agentId ? await appCache(ctx) : { appId: null, agents: {} };
  const resolved = await resolveAuthor(ctx.deps, cache, agentId, ctx.call.assigned_agent_name || null);
  if (resolved.changed) ctx.cacheChanged = true;
  return resolved.author;
}

async function appCache(ctx: Context): Promise<AppCache> {
  if (!ctx.cache) ctx.cache = await ctx.deps.store.readCache();
  return ctx.cache;
}

/**
 * A cache that could not be saved costs a lookup next time; letting the failure escape would
 * lose the call's record of what was just written, and the next event would write it again.
 */
async function saveCache(ctx: Context): Promise<void> {
  if (!ctx.cache || !ctx.cacheChanged) return;
  try {
    await ctx.deps.store.writeCache(ctx.cache);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    ctx.done.push('agent cache not saved (' + err.message + ')');
  }
}
