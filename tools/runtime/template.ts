// Request templates (config/requests.json): static validation at load time, and rendering of one
// invocation. Every rule here is from docs/platform.md "Request templates".

import net from 'node:net';
import { platformError, type PlatformError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface TemplateSchema {
  method: HttpMethod;
  host: string;
  path?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  protocol?: 'https' | 'http';
}

export interface TemplateOptions {
  maxAttempts?: number;
  retryDelay?: number;
}

export interface RequestTemplate {
  schema: TemplateSchema;
  options?: TemplateOptions;
}

/**
 * At most 100 templates, names of letters, digits, `_` and `-`
 * (docs/platform.md "Request templates").
 */
export const MAX_TEMPLATES = 100;
export const TEMPLATE_NAME = /^[A-Za-z0-9_-]+$/;
/**
 * `options.maxAttempts` 1 to 5, `options.retryDelay` up to 1500 ms in steps of 100
 * (docs/platform.md "Request templates").
 */
export const MAX_ATTEMPTS_RANGE = [1, 5] as const;
export const MAX_RETRY_DELAY_MS = 1500;
export const RETRY_DELAY_STEP_MS = 100;

// ---------------------------------------------------------------------------------------------
// Placeholder expressions. The platform substitutes `<%= context.x %>`, `<%= iparam.x %>` and
// `<%= encode(x) %>` as plain text (docs/platform.md "Toolchain": an HTML-escaping engine
// corrupts URLs and headers). We accept exactly that language, plus string literals and `+` so that
// `encode(iparam.key + ':X')` (Basic auth) works; anything else is refused at load time rather
// than guessed at.
// ---------------------------------------------------------------------------------------------

export type Expr =
  | { kind: 'context'; name: string }
  | { kind: 'iparam'; name: string }
  | { kind: 'literal'; value: string }
  | { kind: 'encode'; arg: Expr }
  | { kind: 'concat'; parts: Expr[] };

export type Piece = { text: string } | { expr: Expr; source: string };

const PLACEHOLDER = /<%([=-]?)([\s\S]*?)%>/g;

/** Splits a template string into literal text and parsed placeholders; throws on bad syntax. */
export function parseTemplateString(input: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  PLACEHOLDER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PLACEHOLDER.exec(input)) !== null) {
    if (m.index > last) pieces.push({ text: input.slice(last, m.index) });
    if (m[1] !== '=') {
      throw new Error(`only <%= ... %> placeholders are supported, found "${m[0]}"`);
    }
    const source = (m[2] ?? '').trim();
    pieces.push({ expr: parseExpr(source), source });
    last = m.index + m[0].length;
  }
  const rest = input.slice(last);
  if (rest.includes('<%') || rest.includes('%>')) throw new Error(`unterminated placeholder in "${input}"`);
  if (rest.length > 0) pieces.push({ text: rest });
  return pieces;
}

function parseExpr(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error(`unexpected end of placeholder "${source}"`);
    return t;
  };
  const parseSum = (): Expr => {
    const parts = [parseTerm()];
    while (peek() === '+') {
      pos++;
      parts.push(parseTerm());
    }
    return parts.length === 1 ? (parts[0] as Expr) : { kind: 'concat', parts };
  };
  const parseTerm = (): Expr => {
    const t = next();
    if (t.startsWith('"') || t.startsWith("'")) return { kind: 'literal', value: t.slice(1, -1) };
    if (t === 'encode') {
      if (next() !== '(') throw new Error(`encode needs parentheses in "${source}"`);
      const arg = parseSum();
      if (next() !== ')') throw new Error(`missing ) in "${source}"`);
      return { kind: 'encode', arg };
    }
    if (t === 'context' || t === 'iparam') {
      if (next() !== '.') throw new Error(`expected ${t}.<name> in "${source}"`);
      const name = next();
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`bad name "${name}" in "${source}"`);
      return { kind: t, name };
    }
    throw new Error(`unsupported expression "${source}" (the platform knows context.x, iparam.x and encode(...))`);
  };
  const expr = parseSum();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos] ?? ''}" in placeholder "${source}"`);
  return expr;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_$][\w$]*)|([.()+]))/y;
  let i = 0;
  while (i < source.length) {
    if (/^\s+$/.test(source.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(source);
    if (!m) throw new Error(`cannot read placeholder "${source}"`);
    tokens.push((m[1] ?? m[2] ?? m[3]) as string);
    i = re.lastIndex;
  }
  return tokens;
}

function collectRefs(expr: Expr, out: { context: string[]; iparam: string[] }): void {
  switch (expr.kind) {
    case 'context':
      out.context.push(expr.name);
      break;
    case 'iparam':
      out.iparam.push(expr.name);
      break;
    case 'encode':
      collectRefs(expr.arg, out);
      break;
    case 'concat':
      expr.parts.forEach((p) => collectRefs(p, out));
      break;
    case 'literal':
      break;
  }
}

/** Where a template string sits: secure iparams are allowed only in `headers`. */
export type TemplateField = 'host' | 'path' | 'headers' | 'query';

export interface TemplateString {
  field: TemplateField;
  /** Header name or query key, for headers and query. */
  key?: string;
  raw: string;
}

export function templateStrings(schema: TemplateSchema): TemplateString[] {
  const out: TemplateString[] = [{ field: 'host', raw: schema.host }];
  if (schema.path !== undefined) out.push({ field: 'path', raw: schema.path });
  for (const [key, raw] of Object.entries(schema.headers ?? {})) out.push({ field: 'headers', key, raw });
  for (const [key, raw] of Object.entries(schema.query ?? {})) out.push({ field: 'query', key, raw });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Static validation (what `fdk validate` refuses about config/requests.json)
// ---------------------------------------------------------------------------------------------

export interface TemplateValidation {
  errors: string[];
  warnings: string[];
  templates: Record<string, RequestTemplate>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * @param declared the keys of manifest `modules.common.requests`
 * @param config   the parsed config/requests.json (or undefined when the file is missing)
 * @param secureIparams names of iparams marked `secure: true` in config/iparams.json
 */
export function validateTemplates(declared: string[], config: unknown, secureIparams: ReadonlySet<string>): TemplateValidation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const templates: Record<string, RequestTemplate> = {};
  if (config === undefined) {
    if (declared.length > 0) errors.push('config/requests.json is missing but the manifest declares request templates');
    return { errors, warnings, templates };
  }
  if (!isPlainObject(config)) {
    errors.push('config/requests.json must be a JSON object of templates');
    return { errors, warnings, templates };
  }
  const names = Object.keys(config);
  if (names.length > MAX_TEMPLATES) errors.push(`config/requests.json has ${names.length} templates; at most ${MAX_TEMPLATES} are allowed`);
  for (const name of declared) {
    // "a manifest entry missing from requests.json is an error; the reverse a warning"
    if (!Object.prototype.hasOwnProperty.call(config, name)) {
      errors.push(`Request template '${name}' is declared in manifest.json but missing from config/requests.json`);
    }
  }
  for (const name of names) {
    const where = `Request template '${name}'`;
    if (!TEMPLATE_NAME.test(name)) errors.push(`${where}: names may contain only letters, digits, '_' and '-'`);
    if (!declared.includes(name)) warnings.push(`${where} is not declared in manifest.json modules.common.requests; the app cannot invoke it`);
    const t = config[name];
    if (!isPlainObject(t) || !isPlainObject(t.schema)) {
      errors.push(`${where}: needs a "schema" object`);
      continue;
    }
    const s = t.schema;
    const before = errors.length;
    if (typeof s.method !== 'string' || !METHODS.includes(s.method as HttpMethod)) {
      errors.push(`${where}: schema.method must be one of ${METHODS.join(', ')}`);
    }
    if (typeof s.host !== 'string' || s.host.length === 0) errors.push(`${where}: schema.host is required`);
    if (s.path !== undefined && (typeof s.path !== 'string' || !s.path.startsWith('/'))) {
      errors.push(`${where}: schema.path must be a string starting with "/"`);
    }
    if (s.protocol !== undefined && s.protocol !== 'https' && s.protocol !== 'http') {
      errors.push(`${where}: schema.protocol must be "https" (or "http" when testing locally)`);
    }
    if (s.protocol === 'http') warnings.push(`${where}: protocol http works only when testing locally; the platform uses https`);
    for (const field of ['headers', 'query'] as const) {
      const v = s[field];
      if (v === undefined) continue;
      if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
        errors.push(`${where}: schema.${field} must be an object of strings`);
      }
    }
    if (t.options !== undefined) {
      if (!isPlainObject(t.options)) {
        errors.push(`${where}: options must be an object`);
      } else {
        const { maxAttempts, retryDelay } = t.options;
        if (
          maxAttempts !== undefined &&
          (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts) || maxAttempts < MAX_ATTEMPTS_RANGE[0] || maxAttempts > MAX_ATTEMPTS_RANGE[1])
        ) {
          errors.push(`${where}: options.maxAttempts must be an integer from 1 to 5`);
        }
        if (
          retryDelay !== undefined &&
          (typeof retryDelay !== 'number' || !Number.isInteger(retryDelay) || retryDelay < 0 || retryDelay > MAX_RETRY_DELAY_MS || retryDelay % RETRY_DELAY_STEP_MS !== 0)
        ) {
          errors.push(`${where}: options.retryDelay must be at most 1500 ms in steps of 100`);
        }
      }
    }
    if (errors.length > before) continue;
    const schema = s as unknown as TemplateSchema;
    for (const ts of templateStrings(schema)) {
      let pieces: Piece[];
      try {
        pieces = parseTemplateString(ts.raw);
      } catch (e) {
        errors.push(`${where}: ${ts.field}${ts.key ? ` "${ts.key}"` : ''}: ${(e as Error).message}`);
        continue;
      }
      if (ts.field !== 'headers') {
        const refs = { context: [] as string[], iparam: [] as string[] };
        pieces.forEach((p) => 'expr' in p && collectRefs(p.expr, refs));
        for (const ip of refs.iparam) {
          if (secureIparams.has(ip)) warnings.push(`${where}: secure iparam '${ip}' is used in ${ts.field}; the platform allows secure iparams only in headers, so every invocation will be refused`);
        }
      }
    }
    templates[name] = { schema, options: t.options as TemplateOptions | undefined } as RequestTemplate;
  }
  return { errors, warnings, templates };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

export interface RenderInput {
  context: Record<string, unknown>;
  iparams: Record<string, unknown>;
  secureIparams: ReadonlySet<string>;
}

export interface RenderedRequest {
  method: HttpMethod;
  host: string;
  /** Path plus the URL-encoded query string. */
  pathAndQuery: string;
  headers: Record<string, string>;
  /** Names of headers whose value came from a secure iparam: redact them in every record. */
  secureHeaders: string[];
}

class RenderFailure {
  constructor(readonly error: PlatformError) {}
}

function evaluate(expr: Expr, input: RenderInput, field: TemplateField, usedSecure: { value: boolean }): string {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'concat':
      return expr.parts.map((p) => evaluate(p, input, field, usedSecure)).join('');
    case 'encode':
      return Buffer.from(evaluate(expr.arg, input, field, usedSecure), 'utf8').toString('base64');
    case 'context': {
      // "Every <%= context.x %> a template uses must be supplied, or the call fails before any
      // request is sent."
      const v = Object.prototype.hasOwnProperty.call(input.context, expr.name) ? input.context[expr.name] : undefined;
      if (v === undefined || v === null) {
        throw new RenderFailure(platformError(400, `Missing context key '${expr.name}' required by the template`, { errorSource: 'APP' }));
      }
      return String(v);
    }
    case 'iparam': {
      if (input.secureIparams.has(expr.name)) {
        usedSecure.value = true;
        // "a secure iparam may appear only in headers"
        if (field !== 'headers') {
          throw new RenderFailure(
            platformError(400, `Secure iparam '${expr.name}' may be used only in request headers, not in ${field}`, { errorSource: 'APP' }),
          );
        }
      }
      const v = Object.prototype.hasOwnProperty.call(input.iparams, expr.name) ? input.iparams[expr.name] : undefined;
      if (v === undefined || v === null) {
        // Unconfirmed what the platform does with an unset iparam; refusing is the safe reading.
        throw new RenderFailure(platformError(400, `Installation parameter '${expr.name}' used by the template is not set`, { errorSource: 'APP' }));
      }
      return Array.isArray(v) ? v.map(String).join(',') : String(v);
    }
  }
}

function renderString(raw: string, field: TemplateField, input: RenderInput): { value: string; secure: boolean } {
  const usedSecure = { value: false };
  const value = parseTemplateString(raw)
    .map((p) => ('text' in p ? p.text : evaluate(p.expr, input, field, usedSecure)))
    .join('');
  return { value, secure: usedSecure.value };
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * `host` is a domain name only: no protocol, path, port or IP address
 * (docs/platform.md "Request templates").
 */
export function hostProblem(host: string): string | undefined {
  if (host.includes('://')) return 'it contains a protocol';
  if (host.includes('/')) return 'it contains a path';
  if (net.isIP(host) !== 0 || net.isIP(host.replace(/^\[|\]$/g, '')) !== 0) return 'it is an IP address';
  if (host.includes(':')) return 'it contains a port';
  if (host.length === 0 || host.length > 253) return 'it is not a domain name';
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return 'it is not a domain name';
  if (!/^[A-Za-z]{2,63}$/.test(labels[labels.length - 1] as string)) return 'it is not a domain name';
  return undefined;
}

/**
 * Renders one invocation. Resolves to the request to send, or rejects (returns `{ error }`)
 * before anything is sent.
 */
export function renderTemplate(template: RequestTemplate, input: RenderInput): { request: RenderedRequest } | { error: PlatformError } {
  try {
    const s = template.schema;
    const host = renderString(s.host, 'host', input).value;
    const why = hostProblem(host);
    if (why) {
      return { error: platformError(400, `Invalid host '${host}' in the request template: ${why} (the host must be a bare domain name)`, { errorSource: 'APP' }) };
    }
    const path = s.path === undefined ? '/' : renderString(s.path, 'path', input).value;
    const headers: Record<string, string> = {};
    const secureHeaders: string[] = [];
    for (const [name, raw] of Object.entries(s.headers ?? {})) {
      const r = renderString(raw, 'headers', input);
      headers[name] = r.value;
      if (r.secure) secureHeaders.push(name);
    }
    const query: string[] = [];
    for (const [key, raw] of Object.entries(s.query ?? {})) {
      query.push(`${encodeURIComponent(key)}=${encodeURIComponent(renderString(raw, 'query', input).value)}`);
    }
    const pathAndQuery = query.length > 0 ? `${path}${path.includes('?') ? '&' : '?'}${query.join('&')}` : path;
    return { request: { method: s.method, host, pathAndQuery, headers, secureHeaders } };
  } catch (e) {
    if (e instanceof RenderFailure) return { error: e.error };
    throw e;
  }
}
