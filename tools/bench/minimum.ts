// The fewest API requests a call's outcome can cost, computed from the scenario (what the call
// is, what Freshchat holds before it, the installation parameters), never from what the app did:
// the Freshchat writes the outcome needs, plus the one call-metrics read when a CSAT rating is
// possible. Finding the caller costs nothing here: the minimum assumes the caller is already
// known (README "Which conversation, and what is written" says what each write is).
import { mapCsat, type CallKind, type CsatSpec } from '../../test/support/lifecycle-gen';

export type NoteTiming = 'immediate' | 'complete';
export const NOTE_TIMINGS: NoteTiming[] = ['immediate', 'complete'];

export interface CallFacts {
  kind: CallKind;
  csat: CsatSpec;
  /**
   * Events after the outcome event that each bring a new fact for the note (recording ready,
   * call notes edited, a transferred leg ending): in `immediate` each is one follow-up note.
   */
  lateFactGroups: number;
  /** Freshchat has a user with the caller's number. */
  userExists: boolean;
  /** That user has a conversation. */
  conversationExists: boolean;
  /** The conversation the call belongs in is resolved before the call. */
  conversationResolved: boolean;
  noteTiming: NoteTiming;
}

export interface NeededWrites {
  createUser: number;
  /** Its first message is the summary. */
  createConversation: number;
  summary: number;
  followUps: number;
  resolve: number;
  reopen: number;
  csatPost: number;
}

export interface Minimum {
  writes: NeededWrites;
  /** Total of `writes`. */
  writeCount: number;
  /** 1 when a rating is possible (answered inbound or outbound, and the call is noted). */
  metricsRead: number;
  /** writeCount + metricsRead. */
  requests: number;
}

const ANSWERED: CallKind[] = ['answered', 'transfer', 'outgoing'];
const REOPENING: CallKind[] = ['missed', 'voicemail', 'abandoned'];
const CREATING: CallKind[] = ['answered', 'transfer', 'outgoing', 'voicemail'];

function noWrites(): NeededWrites {
  return { createUser: 0, createConversation: 0, summary: 0, followUps: 0, resolve: 0, reopen: 0, csatPost: 0 };
}

/** The outcome type `log_call_types` names (a transfer is an answered call). */
function loggedType(kind: CallKind): string {
  return kind === 'transfer' ? 'answered' : kind;
}

function ratingOf(csat: CsatSpec, scale: string): number | null {
  return csat.kind === 'rated' || csat.kind === 'late' ? mapCsat(csat.key, scale) : null;
}

/** What the call must write, by README.md's rules and the installation parameters. */
export function neededWrites(facts: CallFacts, iparams: Record<string, unknown>): NeededWrites {
  const writes = noWrites();
  const logged = (iparams.log_call_types as string[] | undefined) || ['answered', 'missed', 'voicemail', 'abandoned', 'outgoing'];
  const channel = typeof iparams.freshchat_channel_id === 'string' && iparams.freshchat_channel_id.trim() !== '';
  const linkable = facts.userExists && facts.conversationExists;
  const creates = !linkable && channel && CREATING.includes(facts.kind);
  if (!logged.includes(loggedType(facts.kind)) || (!linkable && !creates)) return writes;
  if (creates) {
    writes.createUser = facts.userExists ? 0 : 1;
    writes.createConversation = 1;
  } else {
    writes.summary = 1;
  }
  writes.followUps = facts.noteTiming === 'immediate' ? facts.lateFactGroups : 0;
  const policy = String(iparams.resolve_policy || 'answered');
  writes.resolve = policy === 'answered' && ANSWERED.includes(facts.kind) ? 1 : 0;
  writes.reopen = policy === 'answered' && !creates && facts.conversationResolved && REOPENING.includes(facts.kind) ? 1 : 0;
  writes.csatPost = writes.resolve && ratingOf(facts.csat, String(iparams.csat_scale || '1-5')) !== null ? 1 : 0;
  return writes;
}

export function minimumOf(facts: CallFacts, iparams: Record<string, unknown>): Minimum {
  const writes = neededWrites(facts, iparams);
  const writeCount = Object.values(writes).reduce((n, w) => n + w, 0);
  const metricsRead = writeCount > 0 && ANSWERED.includes(facts.kind) ? 1 : 0;
  return { writes, writeCount, metricsRead, requests: writeCount + metricsRead };
}

/**
 * Whether the conversation a call of this caller goes to is resolved before the call (README
 * "Which conversation": the most recent one not resolved, else the most recent). A returning
 * caller's earlier call was answered, which resolved its conversation under `answered`.
 */
export function conversationResolvedBefore(statuses: string[], returning: boolean, iparams: Record<string, unknown>): boolean {
  const now = statuses.slice();
  const chosen = (): number => {
    for (let i = now.length - 1; i >= 0; i--) if (now[i] !== 'resolved') return i;
    return now.length - 1;
  };
  if (returning && String(iparams.resolve_policy || 'answered') === 'answered' && now.length) now[chosen()] = 'resolved';
  return now.length > 0 && now[chosen()] === 'resolved';
}
