// The host page of a placement: the app's frame at sidebar width (340 px; as high as the app
// resizes it, at most 700 px), as the product shows it, beside what the stand-in client reports:
// notices (showNotify), server-method calls with the account of each, and every rule the app
// broke. The Freshcaller card gets a button that fires call.ended into the app.
import { escapeHtml, page, scriptJson } from './html';
import { PLACEMENTS, type PlacementName } from './placements';

export const SIDEBAR_WIDTH = 340;
export const INITIAL_HEIGHT = 300;

export function appFrameUrl(placement: PlacementName, id: string): string {
  return '/app/index.html?placement=' + encodeURIComponent(placement) + '&id=' + encodeURIComponent(id);
}

export function renderPlacementPage(placement: PlacementName, id: string, title: string): string {
  const spec = PLACEMENTS[placement];
  const isCard = placement === 'conversation_card';
  const body = `<h1>${escapeHtml(spec.product)} · <code>${escapeHtml(placement)}</code> · ${escapeHtml(title)}</h1>
<p class="muted small">Module <code>${escapeHtml(spec.module)}</code>: its server methods see the ${escapeHtml(spec.product)} store. The app is served from <code>app/</code> with a stand-in of the platform client.</p>
<div style="display:flex;gap:20px;align-items:flex-start">
<div class="placement-shell" style="width:${SIDEBAR_WIDTH + 2}px;background:#fff;border:1px solid #cfd7df;border-radius:6px;overflow:hidden">
<div style="padding:8px 12px;border-bottom:1px solid #ebeff3;font-weight:600;font-size:13px">Call Sync for Freshchat</div>
<iframe id="app-frame" title="Call Sync for Freshchat (${escapeHtml(placement)})" src="${escapeHtml(appFrameUrl(placement, id))}"
 style="display:block;border:0;width:${SIDEBAR_WIDTH}px;height:${INITIAL_HEIGHT}px"></iframe></div>
<div style="flex:1;min-width:320px">
<div class="panel"><div class="row">${isCard ? '<button type="button" id="call-ended">Fire call.ended</button>' : ''}
<button type="button" id="reload">Reload the app</button> <span class="small muted">height <span id="height">${INITIAL_HEIGHT}</span> px</span></div></div>
<section class="panel"><h2>Notices</h2><div id="notices" role="status" aria-live="polite"><p class="muted small">None yet.</p></div></section>
<section class="panel"><h2>Rules the app broke</h2><ul id="problems" class="small"></ul><p id="no-problems" class="muted small">None.</p></section>
<section class="panel"><h2>What the app asked the platform</h2><ol id="client-log" class="small"></ol></section>
</div></div>`;
  return page(title, '', body, HOST_SCRIPT.replace('__CONTEXT__', scriptJson({ placement, id })));
}

const HOST_SCRIPT = `
const context = __CONTEXT__;
const frame = document.getElementById('app-frame');
const $ = (id) => document.getElementById(id);
function log(text, account) {
  const li = document.createElement('li'); li.textContent = text;
  if (account) { const pre = document.createElement('pre'); pre.textContent = account; li.appendChild(pre); }
  $('client-log').appendChild(li);
}
const colours = { info: '#e5f2fd', success: '#e0f5f1', warning: '#fff3e0', danger: '#ffecf0', alert: '#ffecf0' };
window.addEventListener('message', (event) => {
  const m = event.data;
  if (event.origin !== location.origin || !m || m.source !== 'appclient') return;
  const d = m.detail;
  if (m.type === 'notify') {
    if ($('notices').querySelector('p.muted')) $('notices').innerHTML = '';
    const div = document.createElement('div');
    div.className = 'notice'; div.dataset.type = d.type;
    div.style.cssText = 'padding:8px 10px;border-radius:4px;margin:4px 0;background:' + (colours[d.type] || '#eee');
    const strong = document.createElement('strong'); strong.textContent = (d.title || d.type) + ': ';
    div.appendChild(strong); div.appendChild(document.createTextNode(d.message));
    $('notices').appendChild(div);
    log('showNotify ' + d.type + ': ' + d.message);
  } else if (m.type === 'resize') {
    frame.style.height = d.height + 'px'; $('height').textContent = String(d.height);
    log('resize to ' + d.height + 'px');
  } else if (m.type === 'problem') {
    const li = document.createElement('li'); li.textContent = d; $('problems').appendChild(li); $('no-problems').hidden = true;
  } else if (m.type === 'invoke') {
    log('request.invoke ' + d.name + ' → ' + (d.ok ? 'answer' : 'error ' + d.status), d.account);
  } else if (m.type === 'data') {
    log('data.get ' + d);
  } else if (m.type === 'event') {
    log('event ' + d.name + ' to ' + d.listeners + ' listener(s)');
  } else if (m.type === 'initialized') {
    log('app.initialized (' + d.location + ')');
  }
});
const callEnded = $('call-ended');
if (callEnded) callEnded.addEventListener('click', () => {
  frame.contentWindow.postMessage({ source: 'host', type: 'event', name: 'call.ended', data: { callId: context.id } }, location.origin);
});
$('reload').addEventListener('click', () => { $('client-log').innerHTML = ''; frame.contentWindow.location.reload(); });
`;
