// Run: one function per write step, each a single Freshchat write (docs/architecture.md "The
// pipeline"). No decisions here: what to write and in which order was decided in decide.ts;
// each result is applied to the record by transitions.ts.
import { fingerprint } from '../domain/fingerprint';
import { renderFollowUp, renderMovedNote, renderSummaryNote } from '../domain/render-note';
import type { PhoneNumber } from '../domain/types';
import { callerPhone, callerRaw, durationOf, recordingUrlOf, type CallInput } from './call-input';
import type { WriteStep } from './decide';
import type { SyncDeps } from './deps';
import type { Gathered } from './gather';
import type { CallRecord } from './record';
import type { WriteResult } from './transitions';

/** The run cannot go on now but lost nothing: another run holds what it needs. */
export class Busy extends Error {
  constructor(readonly what: string) {
    super(what);
    this.name = 'Busy';
  }
}

export interface WriteContext {
  input: CallInput;
  record: CallRecord;
  gathered: Gathered;
  deps: SyncDeps;
}

type Writer = (step: WriteStep, ctx: WriteContext) => Promise<WriteResult>;

export const WRITES: Record<WriteStep['kind'], Writer> = {
  create_user: async (_step, ctx) => {
    await lockPhone(ctx);
    const user = await ctx.deps.chat.createUser(phoneOf(ctx).e164);
    return { author: null, userId: user.id };
  },
  create_conversation: async (_step, ctx) => {
    await lockPhone(ctx);
    const app = ctx.gathered.seen.app;
    let appId = app ? app.cache.appId : null;
    if (!appId) {
      appId = (await ctx.deps.chat.getAccountConfiguration()).appId;
      ctx.gathered.cacheChange.appId = appId;
    }
    const author = authorOf(ctx);
    // The summary note is the conversation's first message: one request instead of two.
    const created = await ctx.deps.chat.createConversation({
      appId,
      channelId: ctx.deps.settings.channelId as string,
      userId: ctx.record.link.userId as string,
      actorId: author.actorId,
      text: summaryText(ctx),
    });
    return { author, conversationId: created.conversationId };
  },
  post_summary: async (_step, ctx) => {
    await ctx.deps.chat.postPrivateNote(conversationOf(ctx), authorOf(ctx).actorId, summaryText(ctx));
    return { author: authorOf(ctx) };
  },
  post_follow_up: async (step, ctx) => {
    const items = step.kind === 'post_follow_up' ? step.items : [];
    await ctx.deps.chat.postPrivateNote(conversationOf(ctx), authorOf(ctx).actorId, renderFollowUp(ctx.input.rootId, items));
    return { author: null };
  },
  post_moved: async (_step, ctx) => {
    await ctx.deps.chat.postPrivateNote(ctx.record.movedFrom as string, authorOf(ctx).actorId, renderMovedNote(ctx.input.rootId, conversationOf(ctx)));
    return { author: null };
  },
  resolve: async (_step, ctx) => {
    await ctx.deps.chat.setConversationStatus(conversationOf(ctx), 'resolved');
    return { author: null };
  },
  reopen: async (_step, ctx) => {
    await ctx.deps.chat.setConversationStatus(conversationOf(ctx), 'reopened');
    return { author: null };
  },
  post_csat: async (_step, ctx) => {
    await ctx.deps.chat.postCsat(conversationOf(ctx), ctx.record.csat.rating as number);
    return { author: null };
  },
};

function conversationOf(ctx: WriteContext): string {
  return ctx.record.link.conversationId as string;
}

function phoneOf(ctx: WriteContext): PhoneNumber {
  // Creating is planned only for a caller whose number was found usable (choose-conversation.ts).
  return callerPhone(ctx.input.call as NonNullable<CallInput['call']>) as PhoneNumber;
}

/**
 * Two first calls from the same new number must not each create a user and a conversation:
 * one run at a time may create for a number; the other waits and then finds what was created.
 */
async function lockPhone(ctx: WriteContext): Promise<void> {
  if (ctx.gathered.phoneLocked) return;
  if (!(await ctx.deps.store.claimPhone(fingerprint(phoneOf(ctx).e164)))) throw new Busy('another call from this number is creating its conversation');
  ctx.gathered.phoneLocked = true;
}

function authorOf(ctx: WriteContext): { actorId: string; agentName: string | null } {
  return ctx.gathered.author || { actorId: ctx.record.actorId || ctx.deps.settings.defaultAgentId, agentName: ctx.record.agentName };
}

function summaryText(ctx: WriteContext): string {
  const call = ctx.input.call as NonNullable<CallInput['call']>;
  const record = ctx.record;
  return renderSummaryNote({
    callId: ctx.input.rootId,
    direction: call.direction,
    outcome: record.outcome || 'answered',
    caller: callerPhone(call),
    callerRaw: callerRaw(call),
    maskCallerNumber: ctx.deps.settings.maskCallerNumber,
    agentName: authorOf(ctx).agentName,
    durationSeconds: durationOf(call),
    businessNumber: call.phone_number || null,
    queueName: call.assigned_call_queue_name || null,
    callNotes: call.call_notes || null,
    recordingUrl: recordingUrlOf(call) || null,
    csat: ratingOf(record),
    transfers: record.transfers.filter((t) => !t.written).map((t) => ({ agentName: t.agentName, durationSeconds: t.durationSeconds })),
  });
}

function ratingOf(record: CallRecord): { key: number; rating: number } | null {
  const csat = record.csat;
  return csat.rating !== null && csat.key !== null ? { key: csat.key, rating: csat.rating } : null;
}
