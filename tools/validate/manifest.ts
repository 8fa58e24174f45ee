// manifest.json as `fdk validate` checks it (docs/platform.md "Manifest").
import * as fs from 'fs';
import * as path from 'path';
import { isPlainObject, type Manifest } from '../build/platform';
import type { Report } from './issues';

const FILE = 'manifest.json';

/** Server method / handler names: letters, digits, `_`; 2-40 characters; not starting with a digit. */
export const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{1,39}$/;
export const FUNCTION_TIMEOUTS = [20, 25, 30];
/** Exact versions only: no ranges (^, ~, >=, x), no tags (latest). */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

interface ModuleRule {
  events?: readonly string[];
  /** Whether unknown event names are errors (true) or only warnings. */
  strictEvents?: boolean;
  locations?: readonly string[];
  keys: readonly string[];
}

export const MODULES: Record<string, ModuleRule> = {
  common: {
    events: ['onAppInstall', 'afterAppUpdate', 'onAppUninstall', 'onScheduledEvent', 'onExternalEvent'],
    keys: ['requests', 'functions', 'events'],
  },
  call: { events: ['onCallCreate', 'onCallUpdate'], strictEvents: true, keys: ['events'] },
  caller_conversation: { locations: ['conversation_card'], keys: ['location', 'events'] },
  chat_conversation: { locations: ['conversation_user_info'], keys: ['location', 'events'] },
};

/** Every handler the manifest names, with where it is named. */
export function manifestHandlers(manifest: Manifest): { name: string; where: string }[] {
  const out: { name: string; where: string }[] = [];
  const modules = isPlainObject(manifest.modules) ? manifest.modules : {};
  for (const [moduleName, module] of Object.entries(modules)) {
    if (!isPlainObject(module) || !isPlainObject(module.events)) continue;
    for (const [event, spec] of Object.entries(module.events)) {
      if (isPlainObject(spec) && typeof spec.handler === 'string') out.push({ name: spec.handler, where: `${moduleName}.events.${event}` });
    }
  }
  return out;
}

/** Names in `modules.common.functions` (server methods the front end calls). */
export function manifestFunctions(manifest: Manifest): string[] {
  const common = isPlainObject(manifest.modules) ? manifest.modules.common : undefined;
  return isPlainObject(common) && isPlainObject(common.functions) ? Object.keys(common.functions) : [];
}

/** Names in `modules.common.requests`. */
export function manifestRequests(manifest: Manifest): string[] {
  const common = isPlainObject(manifest.modules) ? manifest.modules.common : undefined;
  return isPlainObject(common) && isPlainObject(common.requests) ? Object.keys(common.requests) : [];
}

export function checkManifest(root: string, manifest: Manifest, report: Report): void {
  const err = (message: string): void => report.error('manifest', message, { file: FILE });
  const warn = (message: string): void => report.warn('manifest', message, { file: FILE });

  if (manifest['platform-version'] !== '3.0') err(`"platform-version" must be "3.0" (found ${JSON.stringify(manifest['platform-version'])})`);
  for (const key of Object.keys(manifest)) {
    if (!['platform-version', 'modules', 'engines', 'dependencies'].includes(key)) warn(`unknown top-level key "${key}"`);
  }

  if (!isPlainObject(manifest.modules) || Object.keys(manifest.modules).length === 0) {
    err('"modules" must be an object with at least one module');
  } else {
    const names = Object.keys(manifest.modules);
    if (!names.some((n) => n !== 'common')) err('at least one module besides "common" is required (e.g. "call")');
    for (const [name, module] of Object.entries(manifest.modules)) checkModule(root, name, module, report);
  }

  checkEngines(manifest, err, warn);
  checkDependencies(root, manifest, report);
}

function checkModule(root: string, name: string, module: unknown, report: Report): void {
  const err = (message: string): void => report.error('manifest', `modules.${name}: ${message}`, { file: FILE });
  const warn = (message: string): void => report.warn('manifest', `modules.${name}: ${message}`, { file: FILE });
  if (!isPlainObject(module)) return err('must be an object');
  const rule = MODULES[name];
  if (!rule) {
    warn('not a module this validator knows (common, call, caller_conversation, chat_conversation): only its shape is checked');
  }
  for (const key of Object.keys(module)) {
    if (key === 'location' && (name === 'common' || name === 'call')) {
      err(`no front end allowed here ("location"): ${name === 'call' ? 'the call module cannot have one' : 'this app may not put a front end in common'}`);
    } else if (rule && !rule.keys.includes(key)) {
      warn(`unknown key "${key}"`);
    }
  }
  if (module.events !== undefined) checkEvents(name, module.events, rule, report);
  if (name === 'common') checkCommon(module, report);
  if (module.location !== undefined && name !== 'common' && name !== 'call') checkLocations(root, name, module.location, rule, report);
}

function checkEvents(moduleName: string, events: unknown, rule: ModuleRule | undefined, report: Report): void {
  const err = (message: string): void => report.error('manifest', `modules.${moduleName}.events: ${message}`, { file: FILE });
  const warn = (message: string): void => report.warn('manifest', `modules.${moduleName}.events: ${message}`, { file: FILE });
  if (!isPlainObject(events)) return err('must be an object');
  for (const [event, spec] of Object.entries(events)) {
    if (rule && rule.events && !rule.events.includes(event)) {
      const message = `"${event}" is not an event of this module (allowed: ${rule.events.join(', ')})`;
      if (rule.strictEvents) err(message);
      else warn(message);
    }
    if (!isPlainObject(spec) || typeof spec.handler !== 'string') {
      err(`"${event}" must be { "handler": "<function name>" }`);
      continue;
    }
    const extra = Object.keys(spec).filter((k) => k !== 'handler');
    if (extra.length > 0) err(`"${event}" has keys other than "handler": ${extra.join(', ')}`);
    if (!FUNCTION_NAME.test(spec.handler)) err(`"${event}" handler "${spec.handler}" is not a valid function name ([A-Za-z0-9_], 2-40 characters, not starting with a digit)`);
  }
}

function checkCommon(common: Record<string, unknown>, report: Report): void {
  const err = (message: string): void => report.error('manifest', `modules.common.${message}`, { file: FILE });
  if (common.requests !== undefined) {
    if (!isPlainObject(common.requests)) err('requests must be an object of { "<templateName>": {} }');
    else {
      for (const [name, spec] of Object.entries(common.requests)) {
        if (!isPlainObject(spec)) err(`requests.${name} must be {}`);
        else if (Object.keys(spec).length > 0) report.warn('manifest', `modules.common.requests.${name} should be {} (found keys ${Object.keys(spec).join(', ')})`, { file: FILE });
      }
    }
  }
  if (common.functions !== undefined) {
    if (!isPlainObject(common.functions)) return err('functions must be an object of { "<name>": {} }');
    for (const [name, spec] of Object.entries(common.functions)) {
      if (!FUNCTION_NAME.test(name)) err(`functions: "${name}" is not a valid server method name ([A-Za-z0-9_], 2-40 characters, not starting with a digit)`);
      if (!isPlainObject(spec)) {
        err(`functions.${name} must be {} or { "timeout": 20 | 25 | 30 }`);
        continue;
      }
      const extra = Object.keys(spec).filter((k) => k !== 'timeout');
      if (extra.length > 0) err(`functions.${name}: must NOT have additional properties (${extra.join(', ')}); only "timeout" is allowed`);
      if (spec.timeout !== undefined && !FUNCTION_TIMEOUTS.includes(spec.timeout as number)) {
        err(`functions.${name}.timeout ${JSON.stringify(spec.timeout)}: Timeout should be one of the allowed values (20, 25, 30)`);
      }
    }
  }
}

function checkLocations(root: string, moduleName: string, locations: unknown, rule: ModuleRule | undefined, report: Report): void {
  const err = (message: string): void => report.error('manifest', `modules.${moduleName}.location: ${message}`, { file: FILE });
  if (!isPlainObject(locations)) return err('must be an object');
  for (const [placement, spec] of Object.entries(locations)) {
    if (rule && rule.locations && !rule.locations.includes(placement)) {
      err(`"${placement}" is not a placement of this module (allowed: ${rule.locations.join(', ')})`);
    }
    if (!isPlainObject(spec)) {
      err(`"${placement}" must be { "url": "...", "icon": "..." }`);
      continue;
    }
    if (typeof spec.url !== 'string' || spec.url === '') err(`"${placement}".url is missing`);
    else if (!fs.existsSync(path.join(root, 'app', spec.url))) err(`"${placement}".url: app/${spec.url} does not exist`);
    if (typeof spec.icon !== 'string' || spec.icon === '') {
      err(`"${placement}".icon is missing`);
      continue;
    }
    const problem = iconProblem(path.join(root, 'app', spec.icon));
    if (problem) err(`"${placement}".icon app/${spec.icon}: ${problem}`);
  }
}

/** Why an icon would be refused, or undefined when it is a 64 × 64 SVG. */
export function iconProblem(file: string): string | undefined {
  if (!fs.existsSync(file)) return 'does not exist (icons are relative to app/)';
  if (!file.toLowerCase().endsWith('.svg')) return 'must be an SVG';
  const text = fs.readFileSync(file, 'utf8');
  const tag = /<svg\b[^>]*>/i.exec(text);
  if (!tag) return 'has no <svg> element';
  const attr = (name: string): string | undefined => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag[0]);
    return m ? m[1] : undefined;
  };
  const width = attr('width');
  const height = attr('height');
  if (width !== '64' || height !== '64') {
    return `Invalid dimension of icon: width="${width || ''}" height="${height || ''}", must be width="64" height="64"`;
  }
  return undefined;
}

/** Publishing needs FDK 10.x on Node 24.11.x; FDK 9 / Node 18 is for development only (docs/platform.md "Manifest"). */
const PUBLISHABLE_ENGINES: Record<string, RegExp> = { node: /^24\.11\.\d+$/, fdk: /^10\.\d+\.\d+$/ };

function checkEngines(manifest: Manifest, err: (message: string) => void, warn: (message: string) => void): void {
  if (!isPlainObject(manifest.engines)) return err('"engines" with "node" and "fdk" versions is required');
  for (const key of ['node', 'fdk']) {
    const value = manifest.engines[key];
    if (typeof value !== 'string' || value.trim() === '') err(`engines.${key} is required`);
    else if (!(PUBLISHABLE_ENGINES[key] as RegExp).test(value)) warn(`engines.${key} "${value}" cannot be published: the Marketplace needs Node 24.11.x and FDK 10.x`);
  }
}

function checkDependencies(root: string, manifest: Manifest, report: Report): void {
  const err = (message: string): void => report.error('manifest', message, { file: FILE });
  if (manifest.dependencies === undefined) return;
  if (!isPlainObject(manifest.dependencies)) return err('"dependencies" must be an object of exact versions');
  const pkgFile = path.join(root, 'package.json');
  const pkg = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { dependencies?: Record<string, string> }) : {};
  const pkgDeps = pkg.dependencies || {};
  for (const [name, version] of Object.entries(manifest.dependencies)) {
    if (typeof version !== 'string' || !EXACT_VERSION.test(version)) {
      err(`dependencies.${name}: ${JSON.stringify(version)} is not an exact version (no ^, ~ or other ranges, no tags)`);
      continue;
    }
    if (pkgDeps[name] === undefined) err(`dependencies.${name}: not in package.json "dependencies" (pin it there as "${version}")`);
    else if (pkgDeps[name] !== version) err(`dependencies.${name}: manifest says ${version}, package.json says ${pkgDeps[name]}`);
    const installed = path.join(root, 'node_modules', name, 'package.json');
    if (!fs.existsSync(installed)) {
      err(`dependencies.${name}: not installed in node_modules (run npm ci)`);
    } else {
      const actual = (JSON.parse(fs.readFileSync(installed, 'utf8')) as { version?: string }).version;
      if (actual !== version) err(`dependencies.${name}: manifest says ${version}, node_modules has ${actual}`);
    }
  }
}
