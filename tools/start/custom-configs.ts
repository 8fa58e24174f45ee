// /custom_configs, as in `fdk run`: the installation page from config/iparams.json (types,
// dropdown and multiselect options, secure fields masked), its values checked like the platform
// checks them, then run through onAppInstall (which may block the install) and saved into the
// running runtime's iparams. test_data/iparams.json is the starting point and is never written;
// secure values never reach the page or a log line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeInvocation, type EventAccount } from './account';
import { escapeHtml, page, scriptJson } from './html';
import type { LocalSession } from './session';

export interface IparamSpec {
  display_name: string;
  description?: string;
  type: string;
  required?: boolean;
  secure?: boolean;
  options?: string[];
  default_value?: unknown;
  regex?: Record<string, string>;
}

export function loadIparamSpecs(appRoot: string): Record<string, IparamSpec> {
  return JSON.parse(readFileSync(join(appRoot, 'config', 'iparams.json'), 'utf8')) as Record<string, IparamSpec>;
}

function field(key: string, spec: IparamSpec, value: unknown): string {
  const id = 'ip-' + key;
  const common = ' id="' + id + '" name="' + escapeHtml(key) + '" data-type="' + escapeHtml(spec.type) + '"' + (spec.required ? ' aria-required="true"' : '');
  const options = spec.options || [];
  let control: string;
  if (spec.type === 'dropdown' || spec.type === 'radio') {
    control = '<select' + common + '>' + options.map((o) => '<option' + (o === value ? ' selected' : '') + '>' + escapeHtml(o) + '</option>').join('') + '</select>';
  } else if (spec.type === 'multiselect') {
    const chosen = Array.isArray(value) ? value.map(String) : [];
    control = '<select multiple size="' + Math.min(options.length, 6) + '"' + common + '>' +
      options.map((o) => '<option' + (chosen.indexOf(o) >= 0 ? ' selected' : '') + '>' + escapeHtml(o) + '</option>').join('') + '</select>';
  } else if (spec.type === 'checkbox') {
    control = '<input type="checkbox"' + common + (value === true ? ' checked' : '') + '>';
  } else if (spec.secure) {
    control = '<input type="password" autocomplete="off"' + common + ' placeholder="' + (value ? '•••••••• (set; leave empty to keep)' : 'not set') + '">';
  } else {
    control = '<input type="' + (spec.type === 'number' ? 'number' : 'text') + '" size="48"' + common + ' value="' + escapeHtml(value === undefined || value === null ? '' : String(value)) + '">';
  }
  return '<div class="row" style="align-items:flex-start"><label for="' + id + '" style="min-width:260px"><strong>' + escapeHtml(spec.display_name) + '</strong>' +
    (spec.required ? ' <span aria-hidden="true">*</span>' : '') + (spec.secure ? ' <span class="pill">secure</span>' : '') +
    '<br><code class="small">' + escapeHtml(key) + '</code></label><div>' + control +
    (spec.description ? '<div class="small muted" style="max-width:480px">' + escapeHtml(spec.description) + '</div>' : '') + '</div></div>';
}

export function renderCustomConfigsPage(session: LocalSession): string {
  const specs = loadIparamSpecs(session.appRoot);
  const fields = Object.keys(specs).map((key) => field(key, specs[key] as IparamSpec, session.runtime.iparams[key])).join('');
  const body = `<h1>Installation parameters</h1>
<p class="muted">From <code>config/iparams.json</code>; the values start from <code>test_data/iparams.json</code> (never written). Saving checks them as the installation page does, runs <code>onAppInstall</code>, and on success the running app uses them. The stand-ins answer only the hosts and keys of <code>test_data/iparams.json</code>.</p>
<form id="iparams" class="panel">${fields}
<div class="row"><button type="submit" class="primary">Install</button><span id="saved" role="status"></span></div></form>
<section class="panel" id="install-result" hidden><h2>onAppInstall</h2><pre id="install-account"></pre></section>`;
  return page('Installation parameters', '/custom_configs', body, CONFIG_SCRIPT.replace('__SECURE__', scriptJson(Object.keys(specs).filter((k) => (specs[k] as IparamSpec).secure))));
}

const CONFIG_SCRIPT = `
const secure = __SECURE__;
document.getElementById('iparams').addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = {};
  for (const el of event.target.querySelectorAll('[name]')) {
    const type = el.dataset.type;
    if (type === 'checkbox') values[el.name] = el.checked;
    else if (type === 'multiselect') values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
    else if (secure.indexOf(el.name) >= 0) { if (el.value !== '') values[el.name] = el.value; }
    else if (type === 'number') values[el.name] = el.value === '' ? null : Number(el.value);
    else values[el.name] = el.value;
  }
  const saved = document.getElementById('saved');
  saved.textContent = 'Saving…';
  const response = await fetch('/api/iparams', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ values }) });
  const result = await response.json();
  const ok = response.ok && result.ok;
  saved.textContent = ok ? 'Saved: the app now runs with these values.' : 'Not saved: ' + (result.errors || [result.error]).join('; ');
  saved.dataset.outcome = ok ? 'saved' : 'refused';
  document.getElementById('install-result').hidden = !result.install;
  if (result.install) document.getElementById('install-account').textContent = result.install;
  for (const el of document.querySelectorAll('input[type=password]')) { if (ok && el.value) { el.value = ''; el.placeholder = '•••••••• (set; leave empty to keep)'; } }
});
`;

/** The problems of a set of values, in the installation page's words; empty when they are fine. */
export function checkIparams(specs: Record<string, IparamSpec>, values: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(values)) if (!specs[key]) errors.push(key + ' is not an installation parameter');
  for (const [key, spec] of Object.entries(specs)) {
    const problem = checkOne(spec, values[key]);
    if (problem) errors.push(spec.display_name + ': ' + problem);
  }
  return errors;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function checkOne(spec: IparamSpec, value: unknown): string | null {
  if (isEmpty(value)) return spec.required ? 'required' : null;
  const options = spec.options || [];
  if (spec.type === 'dropdown' || spec.type === 'radio') return options.indexOf(String(value)) >= 0 ? null : 'choose one of ' + options.join(', ');
  if (spec.type === 'multiselect') {
    return Array.isArray(value) && value.every((v) => options.indexOf(String(v)) >= 0) ? null : 'choose among ' + options.join(', ');
  }
  if (spec.type === 'checkbox') return typeof value === 'boolean' ? null : 'must be ticked or not';
  if (spec.type === 'number') return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
  if (typeof value !== 'string') return 'must be text';
  for (const [rule, pattern] of Object.entries(spec.regex || {})) {
    if (rule.endsWith('-error')) continue;
    if (!new RegExp(pattern).test(value)) return (spec.regex || {})[rule + '-error'] || 'does not match ' + rule;
  }
  return null;
}

export interface SaveOutcome {
  ok: boolean;
  errors: string[];
  install?: EventAccount;
}

/**
 * Checks `changes` (secure fields left out keep their value), runs onAppInstall with them when
 * the manifest registers it, and keeps them only when the install is not blocked.
 */
export async function saveIparams(session: LocalSession, changes: Record<string, unknown>): Promise<SaveOutcome> {
  const specs = loadIparamSpecs(session.appRoot);
  const next = Object.assign({}, session.runtime.iparams, changes);
  const errors = checkIparams(specs, next);
  if (errors.length) return { ok: false, errors };
  const previous = session.runtime.iparams;
  session.runtime.iparams = next;
  if (!session.runtime.app.events.onAppInstall) return { ok: true, errors: [] };
  const result = await session.runtime.fireEvent('onAppInstall', { event: 'onAppInstall', timestamp: Math.floor(session.runtime.clock.now() / 1000), region: 'US', data: {} });
  const install = describeInvocation('onAppInstall', result);
  const blocked = result.installBlocked || (result.platformError ? result.platformError.message : '') || (result.completed ? '' : 'did not complete');
  if (blocked) {
    session.runtime.iparams = previous;
    return { ok: false, errors: ['the install was blocked: ' + blocked], install };
  }
  return { ok: true, errors: [], install };
}
