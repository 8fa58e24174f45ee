// What the app wrote into the stand-in Freshchat for a call, found the way the sidebar finds
// it: by the identifying last line of each note ("Call Sync · call <id> · <kind>").
import { parseIdentifyingLine } from '../../server/src/domain/render-note';
import type { Standins } from '../standins';

export interface WrittenNote {
  conversationId: string;
  kind: string;
  firstLine: string;
}

export interface CallWrites {
  callId: string;
  notes: WrittenNote[];
  conversations: Array<{ conversationId: string; status: string; csat: number[] }>;
}

export function writesForCall(standins: Standins, callId: string): CallWrites {
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
    return {
      conversationId,
      status: conversation ? conversation.status : 'unknown',
      csat: (state.csat[conversationId] || []).map((record) => record.rating || 0),
    };
  });
  return { callId, notes, conversations };
}

export function formatWrites(writes: CallWrites): string[] {
  if (writes.notes.length === 0) return ['   call ' + writes.callId + ': nothing written to Freshchat'];
  const lines: string[] = [];
  for (const conversation of writes.conversations) {
    const notes = writes.notes.filter((n) => n.conversationId === conversation.conversationId);
    lines.push('   call ' + writes.callId + ' → conversation ' + conversation.conversationId + ' (now ' + conversation.status + ')' +
      (conversation.csat.length ? ', CSAT ' + conversation.csat.join(', ') + '/5' : ''));
    for (const note of notes) lines.push('     • ' + note.kind + ': ' + note.firstLine);
  }
  return lines;
}
