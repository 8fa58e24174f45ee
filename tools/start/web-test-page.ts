// /web/test, as in `fdk run`: pick an event, load its payload (server/test_data/<module>/<event>.json
// or a step of a sample call), edit it, Simulate, and see Success or Failed with the account of
// what the app did. Reset and Advance clock sit beside it, and the notes of the stand-in
// conversations follow every action.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_PRESETS } from './fault-presets';
import { escapeHtml, page, scriptJson } from './html';
import type { LocalSession } from './session';

export interface PayloadChoice {
  label: string;
  event: string;
  module: string;
  payload: unknown;
}

/** Every event the manifest registers, each with the payloads that can be loaded for it. */
export function payloadChoices(session: LocalSession): PayloadChoice[] {
  const choices: PayloadChoice[] = [];
  const events = session.runtime.app.events;
  for (const event of Object.keys(events)) {
    const module = (events[event] as { module: string }).module;
    const file = join(session.appRoot, 'server', 'test_data', module, event + '.json');
    if (existsSync(file)) choices.push({ label: 'server/test_data/' + module + '/' + event + '.json', event, module, payload: JSON.parse(readFileSync(file, 'utf8')) });
    for (const sample of session.samples) {
      sample.events.forEach((payload, index) => {
        if (payload.event === event) choices.push({ label: 'sample ' + sample.name + ' #' + (index + 1), event, module, payload });
      });
    }
    if (!choices.some((c) => c.event === event)) choices.push({ label: 'empty payload', event, module, payload: emptyPayload(event) });
  }
  return choices;
}

function emptyPayload(event: string): Record<string, unknown> {
  const payload: Record<string, unknown> = { event, timestamp: Math.floor(Date.now() / 1000), region: 'US', data: {} };
  return payload;
}

export function renderWebTestPage(session: LocalSession): string {
  const choices = payloadChoices(session);
  const events = choices.map((c) => c.event + '|' + c.module).filter((k, i, all) => all.indexOf(k) === i);
  const eventOptions = events.map((key) => {
    const [event, module] = key.split('|') as [string, string];
    return '<option value="' + escapeHtml(event) + '">' + escapeHtml(module + ' · ' + event) + '</option>';
  }).join('');
  const faultOptions = Object.keys(FAULT_PRESETS).map((key) => '<option value="' + escapeHtml(key) + '">' + escapeHtml((FAULT_PRESETS[key] as { label: string }).label) + '</option>').join('');
  const body = `<h1>Test events</h1>
<div class="grid">
<div>
<section class="panel" aria-labelledby="simulate-title"><h2 id="simulate-title">Simulate an event</h2>
<div class="row"><label for="event">Event</label> <select id="event">${eventOptions}</select>
<label for="source">Payload</label> <select id="source"></select></div>
<textarea id="payload" rows="22" spellcheck="false" aria-label="Event payload (JSON)"></textarea>
<div class="row"><button type="button" class="primary" id="simulate">Simulate</button>
<span id="payload-error" class="small" role="alert"></span></div></section>
<section class="panel" aria-labelledby="time-title"><h2 id="time-title">Time and state</h2>
<div class="row"><button type="button" id="reset">Reset</button>
<span class="small muted">Empties the stand-ins (then seeds them again), the app's store and its schedules.</span></div>
<div class="row"><label for="minutes">Advance clock by</label> <input type="number" id="minutes" value="5" min="1" max="1440" style="width:6em"> minutes
<button type="button" id="advance">Advance clock</button></div>
<div class="small muted">Clock: <span id="clock"></span> · schedules: <span id="schedules"></span></div></section>
<section class="panel" aria-labelledby="faults-title"><h2 id="faults-title">Faults</h2>
<p class="small muted">To see the sidebar on a call that failed: switch a fault on, Simulate a call's outcome, open its card from the overview; Clear faults, then Retry in the card.</p>
<div class="row"><label for="fault">Fault</label> <select id="fault">${faultOptions}</select>
<button type="button" id="fault-on">Switch on</button> <button type="button" id="fault-clear">Clear faults</button></div>
<div class="small" id="faults" data-faults="0">No faults.</div></section>
</div>
<div>
<section class="panel" aria-live="polite"><h2>Result</h2><div id="verdict" class="muted">Nothing simulated yet.</div>
<pre id="account" hidden></pre><div id="fired"></div></section>
<section class="panel"><h2>Notes in the stand-in Freshchat</h2><div id="notes">Loading…</div></section>
</div></div>`;
  return page('Test events', '/web/test', body, WEB_TEST_SCRIPT.replace('__CHOICES__', scriptJson(choices)));
}

const WEB_TEST_SCRIPT = `
const choices = __CHOICES__;
const $ = (id) => document.getElementById(id);
const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) })
  .then(async (r) => { const b = await r.json(); if (!r.ok) throw new Error(b.error || r.statusText); return b; });
function fillSources() {
  const event = $('event').value;
  $('source').innerHTML = '';
  choices.forEach((c, i) => { if (c.event === event) $('source').add(new Option(c.label, String(i))); });
  loadPayload();
}
function loadPayload() { const c = choices[Number($('source').value)]; $('payload').value = c ? JSON.stringify(c.payload, null, 2) : '{}'; $('payload-error').textContent = ''; }
function showVerdict(ok, text) {
  $('verdict').className = 'verdict ' + (ok ? 'ok' : 'bad');
  $('verdict').textContent = ok ? 'Success' : 'Failed';
  $('verdict').dataset.outcome = ok ? 'success' : 'failed';
  $('account').hidden = false; $('account').textContent = text;
}
async function refresh() {
  const [notes, state] = await Promise.all([fetch('/notes?fragment=1').then((r) => r.text()), fetch('/api/state').then((r) => r.json())]);
  $('notes').innerHTML = notes;
  $('clock').textContent = new Date(state.clock).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  showFaults(state.faults);
  $('schedules').textContent = state.schedules.length ? state.schedules.map((s) => s.name + ' at ' + new Date(s.nextRunAt).toISOString().slice(11, 16)).join(', ') : 'none';
}
async function busy(button, work) {
  button.disabled = true;
  try { await work(); } catch (err) { showVerdict(false, String(err.message || err)); } finally { button.disabled = false; refresh(); }
}
function showFaults(faults) {
  $('faults').dataset.faults = String(faults.length);
  $('faults').textContent = faults.length ? 'On: ' + faults.join('; ') : 'No faults.';
}
$('fault-on').addEventListener('click', () => busy($('fault-on'), async () => showFaults((await post('/api/fault', { preset: $('fault').value })).faults)));
$('fault-clear').addEventListener('click', () => busy($('fault-clear'), async () => showFaults((await post('/api/fault', { preset: 'clear' })).faults)));
$('event').addEventListener('change', fillSources);
$('source').addEventListener('change', loadPayload);
$('simulate').addEventListener('click', () => {
  let payload;
  try { payload = JSON.parse($('payload').value); } catch (err) { $('payload-error').textContent = 'The payload is not JSON: ' + err.message; return; }
  $('payload-error').textContent = '';
  busy($('simulate'), async () => { const r = await post('/api/simulate', { event: $('event').value, payload }); showVerdict(r.account.ok, r.text); $('fired').innerHTML = ''; });
});
$('reset').addEventListener('click', () => busy($('reset'), async () => {
  await post('/api/reset');
  $('verdict').className = 'muted'; $('verdict').textContent = 'Reset: the stand-ins hold their seed again, the store and the schedules are empty.';
  $('verdict').dataset.outcome = 'reset'; $('account').hidden = true; $('fired').innerHTML = '';
}));
$('advance').addEventListener('click', () => busy($('advance'), async () => {
  const r = await post('/api/advance', { minutes: Number($('minutes').value) });
  $('verdict').className = r.accounts.every((a) => a.ok) ? 'verdict ok' : 'verdict bad';
  $('verdict').textContent = 'Clock advanced ' + r.minutes + ' min: ' + r.accounts.length + ' schedule(s) fired';
  $('verdict').dataset.outcome = 'advanced';
  $('account').hidden = true;
  $('fired').innerHTML = '';
  r.texts.forEach((t) => { const pre = document.createElement('pre'); pre.className = 'fired'; pre.style.marginTop = '8px'; pre.textContent = t; $('fired').appendChild(pre); });
}));
fillSources();
refresh();
`;
