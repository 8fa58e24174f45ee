// The stand-in Freshchat conversations as an agent sees them: each message a card with its
// author and time, private notes styled as notes, the conversation's status and CSAT ratings.
// Text is escaped: call notes are user input.
import type { FreshchatState } from '../standins';
import { escapeHtml } from './html';

function authorOf(state: FreshchatState, actorType: string, actorId: string | undefined): string {
  if (actorType === 'agent') {
    const agent = state.agents.find((a) => a.id === actorId);
    return agent ? [agent.first_name, agent.last_name].filter(Boolean).join(' ') || agent.email : 'Agent';
  }
  if (actorType === 'user') {
    const user = state.users.find((u) => u.id === actorId);
    return user ? [user.first_name, user.last_name].filter(Boolean).join(' ') || 'Customer' : 'Customer';
  }
  return actorType === 'bot' ? 'Bot' : 'System';
}

function time(iso: string | number): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function renderConversations(state: FreshchatState): string {
  if (state.conversations.length === 0) return '<p class="muted">The stand-in Freshchat holds no conversations.</p>';
  return state.conversations.map((conversation) => {
    const id = conversation.conversation_id;
    const users = conversation.users.map((u) => {
      const user = state.users.find((x) => x.id === u.id);
      return user ? [user.first_name, user.last_name].filter(Boolean).join(' ') || user.id : u.id;
    });
    const messages = (state.messages[id] || []).map((m) => {
      const text = m.message_parts.map((p) => (p.text ? p.text.content : '')).join('\n');
      const isPrivate = m.message_type === 'private';
      return '<div class="message' + (isPrivate ? ' private' : '') + '" data-message-type="' + escapeHtml(m.message_type) + '">' +
        '<div class="meta"><strong>' + escapeHtml(authorOf(state, m.actor_type, m.actor_id)) + '</strong><span>' + escapeHtml(time(m.created_time)) + '</span>' +
        (isPrivate ? '<span class="pill">private note</span>' : '') + '</div>' +
        '<div class="text">' + escapeHtml(text) + '</div></div>';
    }).join('');
    const csat = (state.csat[id] || []).map((r) =>
      '<div class="csat" data-csat="' + escapeHtml(String(r.rating)) + '">★ CSAT ' + escapeHtml(String(r.rating)) + '/5 · ' + escapeHtml(time(r.created)) +
      (r.issue_resolved ? ' · resolved' : '') + '</div>').join('');
    return '<section class="panel conversation" id="conversation-' + escapeHtml(id) + '" data-conversation="' + escapeHtml(id) + '">' +
      '<h3>Conversation <code>' + escapeHtml(id) + '</code> <span class="pill ' + escapeHtml(conversation.status) + '" data-status>' + escapeHtml(conversation.status) + '</span></h3>' +
      '<div class="small muted">' + escapeHtml(users.join(', ') || 'no user') + ' · created ' + escapeHtml(time(conversation.created_time)) +
      ' · <a href="/placements/conversation_user_info?conversation=' + encodeURIComponent(id) + '">open the Freshchat pane</a></div>' +
      (csat || '<div class="csat muted">No CSAT rating.</div>') +
      (messages || '<p class="muted small">No messages.</p>') + '</section>';
  }).join('');
}
