// config/iparams.json: the platform's rules (docs/platform.md "Installation parameters") and
// the product's contract (the exact fields the app's code reads,
// README.md "Installation parameters").
import * as fs from 'fs';
import * as path from 'path';
import { isPlainObject } from '../build/platform';
import type { Report } from './issues';

const FILE = 'config/iparams.json';

export const IPARAM_KEYS = [
  'display_name',
  'type',
  'description',
  'required',
  'visible',
  'secure',
  'default_value',
  'options',
  'regex',
  'data-bind',
  'events',
];
export const IPARAM_TYPES = ['text', 'paragraph', 'dropdown', 'radio', 'multiselect', 'checkbox', 'number', 'email', 'url', 'phone_number', 'date'];
const CHOICE_TYPES = ['dropdown', 'radio', 'multiselect'];
const REGEX_TYPES = ['text', 'email', 'phone_number', 'url'];

export interface Iparam {
  type?: unknown;
  secure?: unknown;
  required?: unknown;
  [key: string]: unknown;
}

/** The fields, or undefined (and an error) when the file is missing or malformed. */
export function readIparams(root: string, report: Report): Record<string, Iparam> | undefined {
  const file = path.join(root, FILE);
  if (!fs.existsSync(file)) {
    report.error('iparams', 'config/iparams.json is missing', { file: FILE });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    report.error('iparams', `not valid JSON: ${(e as Error).message}`, { file: FILE });
    return undefined;
  }
  if (!isPlainObject(value)) {
    report.error('iparams', 'must be an object of fields', { file: FILE });
    return undefined;
  }
  return value as Record<string, Iparam>;
}

export function checkIparams(iparams: Record<string, Iparam>, report: Report): void {
  for (const [key, field] of Object.entries(iparams)) checkField(key, field, report);
}

function checkField(key: string, field: unknown, report: Report): void {
  const err = (message: string): void => report.error('iparams', `${key}: ${message}`, { file: FILE });
  const warn = (message: string): void => report.warn('iparams', `${key}: ${message}`, { file: FILE });
  if (!isPlainObject(field)) return err('must be an object');
  for (const k of Object.keys(field)) if (!IPARAM_KEYS.includes(k)) err(`key "${k}" is not allowed (allowed: ${IPARAM_KEYS.join(', ')})`);
  if (typeof field.display_name !== 'string' || field.display_name.trim() === '') err('"display_name" is mandatory');
  const type = field.type;
  if (type === undefined) err('"type" is mandatory');
  else if (type === 'domain' || type === 'api_key') err(`type "${String(type)}" is rejected by platform 3.0: use "type": "text" (with "secure": true for keys)`);
  else if (typeof type !== 'string' || !IPARAM_TYPES.includes(type)) err(`type ${JSON.stringify(type)} is not allowed (${IPARAM_TYPES.join(', ')})`);
  for (const flag of ['required', 'secure', 'visible']) {
    if (field[flag] !== undefined && typeof field[flag] !== 'boolean') err(`"${flag}" must be a boolean`);
  }
  if (type === 'checkbox' && field.default_value !== undefined && typeof field.default_value !== 'boolean') err('a checkbox\'s "default_value" must be a boolean');
  if (typeof type === 'string' && CHOICE_TYPES.includes(type)) checkChoices(type, field, err);
  else if (field.options !== undefined) warn(`"options" is ignored on type "${String(type)}"`);
  if (field.regex !== undefined) checkRegex(type, field.regex, err);
  if (/auth|token|key|secret/i.test(key) && field.secure !== true) warn('looks like a credential (auth/token/key/secret in its name) but is not "secure": true');
}

function checkChoices(type: string, field: Record<string, unknown>, err: (message: string) => void): void {
  const options = field.options;
  if (!Array.isArray(options) || options.length === 0 || !options.every((o) => typeof o === 'string')) {
    return err(`a ${type} needs "options": a non-empty array of strings`);
  }
  if (field.default_value === undefined) return err(`a ${type} needs a "default_value" (one of its options)`);
  if (type === 'multiselect') {
    const value = field.default_value;
    if (!Array.isArray(value) || !value.every((v) => options.includes(v))) err('a multiselect\'s "default_value" must be an array of its options');
  } else if (!(options as unknown[]).includes(field.default_value)) {
    err(`"default_value" ${JSON.stringify(field.default_value)} is not one of the options`);
  }
}

function checkRegex(type: unknown, regex: unknown, err: (message: string) => void): void {
  if (typeof type !== 'string' || !REGEX_TYPES.includes(type)) return err(`"regex" is allowed only on ${REGEX_TYPES.join(', ')}`);
  if (!isPlainObject(regex)) return err('"regex" must be { "<rule>": "<pattern>", "<rule>-error": "<message>" }');
  const rules = Object.keys(regex).filter((k) => !k.endsWith('-error'));
  if (rules.length === 0) err('"regex" has no rule');
  for (const rule of rules) {
    const pattern = regex[rule];
    if (typeof pattern !== 'string') {
      err(`regex.${rule} must be a string pattern`);
      continue;
    }
    try {
      new RegExp(pattern);
    } catch (e) {
      err(`regex.${rule} is not a valid pattern: ${(e as Error).message}`);
    }
    if (typeof regex[`${rule}-error`] !== 'string') err(`regex.${rule} needs a "${rule}-error" message`);
  }
}

interface ContractField {
  type: string;
  required?: boolean;
  secure?: boolean;
  options?: string[];
  default_value?: unknown;
}

const LOG_CALL_TYPES = ['answered', 'missed', 'voicemail', 'abandoned', 'outgoing'];

/** The installation parameters the app's code reads: exactly these keys, with these types. */
export const IPARAM_CONTRACT: Record<string, ContractField> = {
  freshchat_host: { type: 'text', required: true },
  freshchat_api_key: { type: 'text', secure: true, required: true },
  freshcaller_host: { type: 'text', required: true },
  freshcaller_api_key: { type: 'text', secure: true, required: true },
  freshchat_default_agent_id: { type: 'text', required: true },
  freshchat_channel_id: { type: 'text' },
  resolve_policy: { type: 'dropdown', options: ['never', 'answered'], default_value: 'answered' },
  csat_scale: { type: 'dropdown', options: ['1-5', '1-9', '1-2'], default_value: '1-5' },
  log_call_types: { type: 'multiselect', options: LOG_CALL_TYPES, default_value: LOG_CALL_TYPES },
  mask_caller_number: { type: 'checkbox', default_value: false },
  note_timing: { type: 'dropdown', options: ['immediate', 'complete'], default_value: 'immediate' },
};

const sameSet = (a: unknown, b: unknown[]): boolean =>
  Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x));

export function checkContract(iparams: Record<string, Iparam>, report: Report): void {
  const err = (message: string): void => report.error('contract', message, { file: FILE });
  for (const key of Object.keys(iparams)) if (!IPARAM_CONTRACT[key]) err(`${key}: not part of the product's iparams contract`);
  for (const [key, want] of Object.entries(IPARAM_CONTRACT)) {
    const field = iparams[key];
    if (!isPlainObject(field)) {
      err(`${key}: missing (the product contract needs a ${want.type} field named ${key})`);
      continue;
    }
    if (field.type !== want.type) err(`${key}: type must be "${want.type}" (found ${JSON.stringify(field.type)})`);
    if (want.required && field.required !== true) err(`${key}: must be "required": true`);
    if (want.secure && field.secure !== true) err(`${key}: must be "secure": true`);
    if (want.options && !sameSet(field.options, want.options)) err(`${key}: options must be ${JSON.stringify(want.options)}`);
    if (want.default_value !== undefined) {
      const ok = Array.isArray(want.default_value) ? sameSet(field.default_value, want.default_value) : field.default_value === want.default_value;
      if (!ok) err(`${key}: default_value must be ${JSON.stringify(want.default_value)} (found ${JSON.stringify(field.default_value)})`);
    }
  }
}
