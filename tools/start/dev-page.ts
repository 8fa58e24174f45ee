// The HTML of the local page. Plain markup and a few lines of script: this is a developer
// tool, not the app (the app's sidebar is built with crayons).
import type { SampleCall } from './samples';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function renderDevPage(samples: SampleCall[]): string {
  const rows = samples
    .map((sample) => {
      const buttons = sample.events
        .map((event, index) =>
          '<li><button type="button" data-sample="' + escapeHtml(sample.name) + '" data-index="' + index + '">Simulate</button> #' +
          (index + 1) + ' ' + escapeHtml(event.event) + ' ' + escapeHtml(describeChanges(event)) + '</li>')
        .join('');
      return '<section><h3>' + escapeHtml(sample.name) + '</h3><ol>' + buttons + '</ol></section>';
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Call Sync for Freshchat: local run</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #12344d; }
main { display: grid; grid-template-columns: minmax(280px, 1fr) 2fr; gap: 24px; }
ol { padding-left: 20px; } li { margin: 4px 0; }
button { font: inherit; padding: 2px 10px; border: 1px solid #cfd7df; border-radius: 4px; background: #f5f7f9; cursor: pointer; }
pre { background: #f5f7f9; padding: 12px; border-radius: 4px; white-space: pre-wrap; }
</style></head>
<body><h1>Call Sync for Freshchat: local run</h1>
<p>Sample calls from <code>test_data/calls/</code>, replayed through the built <code>server/server.js</code> in the local runtime against the stand-in APIs.</p>
<main><div id="samples">${rows}</div>
<div><h2>Last event</h2><pre id="account">Nothing simulated yet.</pre>
<h2>What the stand-ins and the app's store hold</h2><pre id="state">Loading…</pre></div></main>
<script>
const show = (state) => { document.getElementById('state').textContent = JSON.stringify(state, null, 2); };
fetch('/api/state').then((r) => r.json()).then(show);
document.getElementById('samples').addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-sample]');
  if (!button) return;
  button.disabled = true;
  try {
    const response = await fetch('/api/simulate', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sample: button.dataset.sample, index: Number(button.dataset.index) }) });
    const result = await response.json();
    document.getElementById('account').textContent = result.text || result.error;
    if (result.state) show(result.state);
  } finally { button.disabled = false; }
});
</script></body></html>`;
}

function describeChanges(event: Record<string, unknown>): string {
  const data = event.data as { changes?: Record<string, unknown> } | undefined;
  if (!data || !data.changes) return '';
  const keys = Object.keys(data.changes);
  return keys.length ? '(' + keys.join(', ') + ')' : '';
}
