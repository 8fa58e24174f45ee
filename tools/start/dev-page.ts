// The overview at http://localhost:10001/: links to every local page, every sample call with a
// Simulate button per event and a link to its Freshcaller card, and every stand-in conversation
// with a link to its Freshchat pane.
import { escapeHtml, page } from './html';
import type { SampleCall } from './samples';
import type { LocalSession } from './session';

/** The root call ids of a sample, in order (a transferred leg's card shows its root call). */
export function sampleCallIds(sample: SampleCall): string[] {
  const ids: string[] = [];
  for (const event of sample.events) {
    const data = event.data as { call?: { id?: unknown } } | undefined;
    const id = data && data.call && data.call.id !== undefined ? String(data.call.id) : '';
    if (id && ids.indexOf(id) < 0) ids.push(id);
  }
  return ids;
}

export function cardUrl(callId: string): string {
  return '/placements/conversation_card?call=' + encodeURIComponent(callId);
}

export function paneUrl(conversationId: string): string {
  return '/placements/conversation_user_info?conversation=' + encodeURIComponent(conversationId);
}

export function renderDevPage(session: LocalSession): string {
  const rows = session.samples.map((sample) => {
    const buttons = sample.events.map((event, index) =>
      '<li><button type="button" data-sample="' + escapeHtml(sample.name) + '" data-index="' + index + '">Simulate</button> #' +
      (index + 1) + ' ' + escapeHtml(event.event) + ' ' + escapeHtml(describeChanges(event)) + '</li>').join('');
    const cards = sampleCallIds(sample).map((id) => '<a class="card-link" href="' + cardUrl(id) + '">call ' + escapeHtml(id) + ' · Freshcaller card</a>').join(' · ');
    return '<section class="panel"><h3>' + escapeHtml(sample.name) + '</h3><div class="small">' + cards + '</div><ol>' + buttons + '</ol></section>';
  }).join('');
  const state = session.standins.freshchat.state;
  const conversations = state.conversations.map((c) => {
    const user = state.users.find((u) => c.users.some((x) => x.id === u.id));
    const name = user ? [user.first_name, user.last_name].filter(Boolean).join(' ') : '';
    return '<li><a class="pane-link" href="' + paneUrl(c.conversation_id) + '">' + escapeHtml(c.conversation_id) + '</a> <span class="pill ' + escapeHtml(c.status) + '">' +
      escapeHtml(c.status) + '</span> ' + escapeHtml(name) + ' · ' + (state.messages[c.conversation_id] || []).length + ' messages</li>';
  }).join('');
  const body = `<h1>Local run</h1>
<p class="muted">The built <code>server/server.js</code> in the local runtime, against stand-in Freshchat and Freshcaller APIs. Sample calls come from <code>test_data/calls/</code>.</p>
<div class="panel"><strong>Pages:</strong> <a href="/web/test">Test events</a> (simulate, reset, advance the clock) ·
<a href="/notes">Notes in the stand-in conversations</a> · <a href="/custom_configs">Installation parameters</a> ·
<a href="/api/state">State (JSON)</a></div>
<div class="grid"><div><h2>Sample calls</h2><div id="samples">${rows}</div></div>
<div><h2>Stand-in Freshchat conversations</h2><div class="panel"><ul id="conversations">${conversations || '<li class="muted">none</li>'}</ul></div>
<h2>Last event</h2><pre id="account">Nothing simulated yet.</pre></div></div>`;
  return page('Overview', '/', body, OVERVIEW_SCRIPT);
}

const OVERVIEW_SCRIPT = `
document.getElementById('samples').addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-sample]');
  if (!button) return;
  button.disabled = true;
  try {
    const response = await fetch('/api/simulate', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sample: button.dataset.sample, index: Number(button.dataset.index) }) });
    const result = await response.json();
    document.getElementById('account').textContent = result.text || result.error;
  } finally { button.disabled = false; }
});
`;

function describeChanges(event: Record<string, unknown>): string {
  const data = event.data as { changes?: Record<string, unknown> } | undefined;
  if (!data || !data.changes) return '';
  const keys = Object.keys(data.changes);
  return keys.length ? '(' + keys.join(', ') + ')' : '';
}
