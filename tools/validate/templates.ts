// config/requests.json (request templates) and the templates the built code invokes
// (docs/platform.md "Request templates").
import * as fs from 'fs';
import * as path from 'path';
import type * as ESTree from 'estree';
import { isPlainObject, type Manifest } from '../build/platform';
import type { TemplateCall } from './code';
import type { Iparam } from './iparams';
import type { Report } from './issues';
import { manifestRequests } from './manifest';

const FILE = 'config/requests.json';
export const TEMPLATE_NAME = /^[A-Za-z0-9_-]+$/;
export const MAX_TEMPLATES = 100;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const SCHEMA_KEYS = ['method', 'host', 'path', 'headers', 'query', 'protocol'];
const PLACEHOLDER = /<%=\s*([\s\S]*?)\s*%>/g;

export interface TemplateInfo {
  /** `<%= context.x %>` names the template uses. */
  context: Set<string>;
}

interface Placeholder {
  /** host, path, headers.X, query.X, protocol */
  part: string;
  expression: string;
}

function placeholders(part: string, value: string): Placeholder[] {
  return [...value.matchAll(PLACEHOLDER)].map((m) => ({ part, expression: m[1] || '' }));
}

/** Reads the templates; checks each and returns what the invocation check needs. */
export function checkTemplates(
  root: string,
  manifest: Manifest,
  iparams: Record<string, Iparam> | undefined,
  report: Report,
): Map<string, TemplateInfo> {
  const infos = new Map<string, TemplateInfo>();
  const file = path.join(root, FILE);
  const declared = manifestRequests(manifest);
  if (!fs.existsSync(file)) {
    if (declared.length > 0) report.error('templates', 'config/requests.json is missing but manifest.json declares templates', { file: FILE });
    return infos;
  }
  let templates: unknown;
  try {
    templates = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    report.error('templates', `not valid JSON: ${(e as Error).message}`, { file: FILE });
    return infos;
  }
  if (!isPlainObject(templates)) {
    report.error('templates', 'must be an object of templates', { file: FILE });
    return infos;
  }
  const names = Object.keys(templates);
  if (names.length > MAX_TEMPLATES) report.error('templates', `${names.length} templates: at most ${MAX_TEMPLATES} are allowed`, { file: FILE });
  for (const name of declared) {
    if (!names.includes(name)) report.error('templates', `manifest.json declares template "${name}" (modules.common.requests) but config/requests.json has none`, { file: 'manifest.json' });
  }
  for (const name of names) {
    if (!declared.includes(name)) report.warn('templates', `template "${name}" is not declared in manifest.json modules.common.requests`, { file: FILE });
    infos.set(name, checkTemplate(name, templates[name], iparams, report));
  }
  return infos;
}

function checkTemplate(name: string, template: unknown, iparams: Record<string, Iparam> | undefined, report: Report): TemplateInfo {
  const info: TemplateInfo = { context: new Set() };
  const err = (message: string): void => report.error('templates', `${name}: ${message}`, { file: FILE });
  const warn = (message: string): void => report.warn('templates', `${name}: ${message}`, { file: FILE });
  if (!TEMPLATE_NAME.test(name)) err('template names may use only letters, digits, _ and -');
  if (!isPlainObject(template)) {
    err('must be an object with "schema"');
    return info;
  }
  for (const key of Object.keys(template)) if (key !== 'schema' && key !== 'options') warn(`unknown key "${key}"`);
  const schema = template.schema;
  if (!isPlainObject(schema)) {
    err('"schema" is missing');
    return info;
  }
  for (const key of Object.keys(schema)) if (!SCHEMA_KEYS.includes(key)) warn(`schema: unknown key "${key}"`);
  if (typeof schema.method !== 'string' || !METHODS.includes(schema.method)) err(`schema.method ${JSON.stringify(schema.method)} must be one of ${METHODS.join(', ')}`);
  if (schema.protocol !== undefined && schema.protocol !== 'https') {
    if (schema.protocol === 'http') warn('schema.protocol "http" is for local testing only');
    else err(`schema.protocol ${JSON.stringify(schema.protocol)} must be "https"`);
  }

  const found: Placeholder[] = [];
  if (typeof schema.host !== 'string' || schema.host === '') err('schema.host is missing');
  else {
    const problem = hostProblem(schema.host);
    if (problem) err(`schema.host "${schema.host}": ${problem}`);
    found.push(...placeholders('host', schema.host));
  }
  if (schema.path !== undefined) {
    if (typeof schema.path !== 'string') err('schema.path must be a string');
    else {
      if (!schema.path.startsWith('/')) warn('schema.path should start with "/"');
      const query = schema.path.indexOf('?');
      if (query !== -1) {
        const variable = PLACEHOLDER.test(schema.path.slice(query));
        PLACEHOLDER.lastIndex = 0;
        warn(`schema.path holds a query string${variable ? ' with variable values' : ''}: put query parameters in schema.query`);
      }
      found.push(...placeholders('path', schema.path));
    }
  }
  for (const part of ['headers', 'query'] as const) {
    const value = schema[part];
    if (value === undefined) continue;
    if (!isPlainObject(value)) {
      err(`schema.${part} must be an object of strings`);
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') err(`schema.${part}.${k} must be a string`);
      else found.push(...placeholders(`${part}.${k}`, v));
    }
  }

  for (const p of found) checkPlaceholder(p, info, iparams, err, warn);
  checkOptions(template.options, err, warn);
  return info;
}

/** Why a template host would be refused (literal parts only), or undefined. */
export function hostProblem(host: string): string | undefined {
  const literal = host.replace(PLACEHOLDER, '');
  PLACEHOLDER.lastIndex = 0;
  if (/:\/\//.test(literal) || /^https?:/i.test(literal)) return 'no protocol allowed (https is implied)';
  if (literal.includes('/')) return 'no path allowed in host (put it in schema.path)';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(literal) || literal.includes(':')) return 'an IP address or port is not allowed: use a domain name';
  if (literal === host) {
    if (!/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(host)) return 'not a domain name';
  } else if (!/^[A-Za-z0-9.-]*$/.test(literal)) {
    return 'the literal parts may hold only domain-name characters';
  }
  return undefined;
}

function checkPlaceholder(
  p: Placeholder,
  info: TemplateInfo,
  iparams: Record<string, Iparam> | undefined,
  err: (message: string) => void,
  warn: (message: string) => void,
): void {
  const iparamRefs = [...p.expression.matchAll(/\biparams?\.([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  const contextRefs = [...p.expression.matchAll(/\bcontext\.([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  const known = /\b(iparams?|context|current_host)\./.test(p.expression);
  if (!known) warn(`${p.part}: placeholder <%= ${p.expression} %> reads neither iparam nor context`);
  for (const c of contextRefs) info.context.add(c);
  for (const key of iparamRefs) {
    const field = iparams ? iparams[key] : undefined;
    if (iparams && !field) {
      err(`${p.part}: <%= iparam.${key} %> names no field of config/iparams.json`);
      continue;
    }
    if (field && field.secure === true && !p.part.startsWith('headers.')) {
      err(`${p.part}: the secure iparam "${key}" may appear only in headers`);
    }
  }
}

function checkOptions(options: unknown, err: (message: string) => void, warn: (message: string) => void): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) return err('"options" must be an object');
  for (const key of Object.keys(options)) if (!['maxAttempts', 'retryDelay'].includes(key)) warn(`options: unknown key "${key}"`);
  const { maxAttempts, retryDelay } = options;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && (maxAttempts as number) >= 1 && (maxAttempts as number) <= 5)) {
    err(`options.maxAttempts ${JSON.stringify(maxAttempts)} must be an integer from 1 to 5`);
  }
  if (retryDelay !== undefined && !(Number.isInteger(retryDelay) && (retryDelay as number) >= 0 && (retryDelay as number) <= 1500 && (retryDelay as number) % 100 === 0)) {
    err(`options.retryDelay ${JSON.stringify(retryDelay)} must be at most 1500 (ms) and a multiple of 100`);
  }
}

/** Each `invokeTemplate` call: a literal, declared template name and (when provable) the right context keys. */
export function checkInvocations(
  manifest: Manifest,
  infos: Map<string, TemplateInfo>,
  calls: TemplateCall[],
  report: Report,
): void {
  const declared = manifestRequests(manifest);
  for (const call of calls) {
    const where = { file: call.file, line: call.line };
    if (call.name === undefined) {
      report.error('templates', 'invokeTemplate: template name must be a literal so it can be checked', where);
      continue;
    }
    const name = call.name;
    if (!declared.includes(name)) report.error('templates', `invokeTemplate('${name}'): not declared in manifest.json modules.common.requests`, where);
    const info = infos.get(name);
    if (!info) {
      report.error('templates', `invokeTemplate('${name}'): config/requests.json has no such template`, where);
      continue;
    }
    const supplied = suppliedContext(call.options);
    if (supplied === undefined) continue; // not provable from the code
    for (const key of supplied) {
      if (!info.context.has(key)) report.error('templates', `invokeTemplate('${name}'): context.${key} is not used by the template (it uses: ${[...info.context].join(', ') || 'none'})`, where);
    }
    for (const key of info.context) {
      if (!supplied.has(key)) report.error('templates', `invokeTemplate('${name}'): the template uses <%= context.${key} %> but the call does not supply it`, where);
    }
    const body = bodyProperty(call.options);
    if (body && (body.type === 'ObjectExpression' || body.type === 'ArrayExpression')) {
      report.warn('templates', `invokeTemplate('${name}'): body must be a string (JSON.stringify it)`, where);
    }
  }
}

function plainKeys(object: ESTree.ObjectExpression): Map<string, ESTree.Node> | undefined {
  const keys = new Map<string, ESTree.Node>();
  for (const p of object.properties) {
    if (p.type !== 'Property' || p.computed) return undefined;
    const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
    if (key === undefined) return undefined;
    keys.set(key, p.value);
  }
  return keys;
}

/** Context keys the call supplies, or undefined when the code does not say for sure. */
function suppliedContext(options: ESTree.Node | undefined): Set<string> | undefined {
  if (options === undefined) return new Set();
  if (options.type !== 'ObjectExpression') return undefined;
  const keys = plainKeys(options);
  if (!keys) return undefined;
  const context = keys.get('context');
  if (context === undefined) return new Set();
  if (context.type !== 'ObjectExpression') return undefined;
  const contextKeys = plainKeys(context);
  return contextKeys ? new Set(contextKeys.keys()) : undefined;
}

function bodyProperty(options: ESTree.Node | undefined): ESTree.Node | undefined {
  if (!options || options.type !== 'ObjectExpression') return undefined;
  const keys = plainKeys(options);
  return keys ? keys.get('body') : undefined;
}
