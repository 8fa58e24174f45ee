// Installation parameters read with the defaults in README.md "Installation parameters". The
// platform's shapes vary (a multiselect as an array, one string or a comma-separated string; a
// checkbox as a boolean or its string), so each is read tolerantly and anything unrecognised
// falls back to the documented default.
import { fingerprint } from './fingerprint';
import { LOG_TYPES, type CsatScale, type LogType, type NoteTiming, type ResolvePolicy, type Settings } from './types';

const RESOLVE_POLICIES: readonly ResolvePolicy[] = ['never', 'answered'];
const CSAT_SCALES: readonly CsatScale[] = ['1-5', '1-9', '1-2'];
const NOTE_TIMINGS: readonly NoteTiming[] = ['immediate', 'complete'];
const CHECKBOX_STRINGS: Record<string, boolean> = { true: true, false: false };

export function readSettings(iparams: unknown): Settings {
  const source = isRecord(iparams) ? iparams : {};
  return {
    defaultAgentId: readText(source.freshchat_default_agent_id) || '',
    channelId: readText(source.freshchat_channel_id),
    resolvePolicy: readChoice(source.resolve_policy, RESOLVE_POLICIES, 'answered'),
    csatScale: readChoice(source.csat_scale, CSAT_SCALES, '1-5'),
    logCallTypes: readLogTypes(source.log_call_types),
    maskCallerNumber: readCheckbox(source.mask_caller_number),
    noteTiming: readChoice(source.note_timing, NOTE_TIMINGS, 'immediate'),
    callerSalt: fingerprint('call-sync caller salt ' + (readText(source.freshchat_api_key) || '')),
  };
}

/** Trimmed text; empty or whitespace-only is null. A number (an id typed as one) reads as its digits. */
function readText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

function readChoice<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  if (typeof value !== 'string') return fallback;
  const wanted = value.trim().toLowerCase();
  const found = options.find((option) => option === wanted);
  return found === undefined ? fallback : found;
}

/**
 * Missing or null means the default (all types). A present value is respected even when it
 * selects nothing: the admin unticked every box, so nothing is logged.
 */
function readLogTypes(value: unknown): LogType[] {
  if (value === undefined || value === null) return LOG_TYPES.slice();
  const picked = toStringList(value);
  if (picked === null) return LOG_TYPES.slice();
  const wanted = picked.map((item) => item.trim().toLowerCase());
  return LOG_TYPES.filter((type) => wanted.indexOf(type) >= 0);
}

function toStringList(value: unknown): string[] | null {
  if (typeof value === 'string') return value.split(',');
  if (!Array.isArray(value)) return null;
  return value.filter((item): item is string => typeof item === 'string');
}

function readCheckbox(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return false;
  return CHECKBOX_STRINGS[value.trim().toLowerCase()] === true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
