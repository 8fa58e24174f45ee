// What the app wrote into the stand-in Freshchat for a call, found the way the sidebar finds
// it: by the identifying last line of each note ("Call Sync · call <id> · <kind>"). The CSAT shown
// is the call's own, from the app's record of the call: a conversation's ratings may belong to
// other calls (several calls end in one conversation).
import { parseIdentifyingLine } from '../../server/src/domain/render-note';
import type { KvStore } from '../runtime';
import type { Standins } from '../standins';

export interface WrittenNote {
  conversationId: string;
  kind: string;
  firstLine: string;
}

export interface CallWrites {
  callId: string;
  notes: WrittenNote[];
  conversations: Array<{ conversationId: string; status: string }>;
  /** The call's own rating as the app recorded it, e.g. { state: 'posted', rating: 4, conversationId }. */
  csat: { state: string; rating: number | null; conversationId: string | null } | null;
}

/** `store`: the $db partition holding the call records (Freshcaller's). */
export function writesForCall(standins: Standins, callId: string, store?: KvStore): CallWrites {
  const state = standins.freshchat.state;
  const notes: WrittenNote[] = [];
  for (const conversationId of Object.keys(state.messages)) {
    for (const message of state.messages[conversationId] || []) {
      const text = message.message_parts.map((part) => (part.text ? part.text.content : '')).join('\n');
      const id = parseIdentifyingLine(text);
      if (id && id.callId === callId) notes.push({ conversationId, kind: id.kind, firstLine: text.split('\n')[0] || '' });
    }
  }
  const touched = notes.map((n) => n.conversationId).filter((id, i, all) => all.indexOf(id) === i);
  const conversations = touched.map((conversationId) => {
    const conversation = state.conversations.find((c) => c.conversation_id === conversationId);
    return { conversationId, status: conversation ? conversation.status : 'unknown' };
  });
  return { callId, notes, conversations, csat: callCsat(store, callId) };
}

function callCsat(store: KvStore | undefined, callId: string): CallWrites['csat'] {
  const record = store ? (store.peek('call:' + callId) as { csat?: { state?: unknown; rating?: unknown; conversationId?: unknown }; link?: { conversationId?: unknown } } | undefined) : undefined;
  if (!record || !record.csat || typeof record.csat.state !== 'string') return null;
  const rating = typeof record.csat.rating === 'number' ? record.csat.rating : null;
  // A rating posted before a re-link stays in the old conversation (the record may name it).
  const stayed = typeof record.csat.conversationId === 'string' ? record.csat.conversationId : null;
  const conversationId = stayed || (record.link && typeof record.link.conversationId === 'string' ? record.link.conversationId : null);
  return { state: record.csat.state, rating, conversationId };
}

/** "CSAT 4/5 posted", "CSAT 2/5 in a note"; empty when the call has no rating to show. */
export function describeCsat(csat: CallWrites['csat']): string {
  if (!csat || csat.rating === null) return '';
  const where: Record<string, string> = { posted: 'posted', unconfirmed: 'posted (unconfirmed)', noted: 'in a note', refused: 'refused, in a note', known: 'not posted yet' };
  return 'CSAT ' + csat.rating + '/5 ' + (where[csat.state] || csat.state);
}

export function formatWrites(writes: CallWrites): string[] {
  if (writes.notes.length === 0) return ['   call ' + writes.callId + ': nothing written to Freshchat'];
  const lines: string[] = [];
  for (const conversation of writes.conversations) {
    const notes = writes.notes.filter((n) => n.conversationId === conversation.conversationId);
    const csat = writes.csat && (writes.csat.conversationId === conversation.conversationId || writes.conversations.length === 1) ? describeCsat(writes.csat) : '';
    lines.push('   call ' + writes.callId + ' → conversation ' + conversation.conversationId + ' (now ' + conversation.status + ')' + (csat ? ', ' + csat : ''));
    for (const note of notes) lines.push('     • ' + note.kind + ': ' + note.firstLine);
  }
  return lines;
}
