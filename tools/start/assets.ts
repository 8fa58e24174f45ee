// Files the local server sends besides its pages: the app's own files from app/ (index.html with
// {{{appclient}}} replaced by the stand-in client; app/scripts/*.js instrumented with istanbul
// when the server measures front-end coverage), crayons from node_modules at /_local/crayons/
// (its icon URL pointed at /_local/crayons-icons/), the icons from their cache, and the stand-in
// client compiled from client/appclient.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { createInstrumenter } from 'istanbul-lib-instrument';
import ts from 'typescript';
import { CDN_ICONS_PATH, iconsDir, LOCAL_ICONS_PATH } from './icons';

export const APPCLIENT_URL = '/_local/appclient.js';
export const CRAYONS_URL = '/_local/crayons/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface Asset {
  type: string;
  body: string | Buffer;
}

/** `rel` inside `dir`, or undefined when it would leave it or is not a file. */
function fileIn(dir: string, rel: string): string | undefined {
  const base = resolve(dir);
  const file = resolve(base, normalize(decodeURIComponent(rel)).replace(/^([/\\])+/, ''));
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

function typeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
}

export class AssetServer {
  private readonly instrumenter;
  private readonly cache = new Map<string, { mtime: number; body: string }>();

  /** `instrumentApp`: serve app/scripts/*.js instrumented (window.__coverage__, keyed by the file's absolute path). */
  constructor(private readonly root: string, private readonly appRoot: string, instrumentApp = false) {
    this.instrumenter = instrumentApp
      ? createInstrumenter({ coverageVariable: '__coverage__', esModules: false, compact: false, produceSourceMap: false })
      : undefined;
  }

  /** GET /app/<rel>: the app's files as the platform serves them. */
  app(rel: string): Asset | undefined {
    const file = fileIn(join(this.appRoot, 'app'), rel);
    if (!file || file.startsWith(resolve(this.appRoot, 'app', 'src') + sep)) return undefined; // app/src is never shipped
    if (rel === 'index.html') return { type: typeOf(file), body: readFileSync(file, 'utf8').split('{{{appclient}}}').join(APPCLIENT_URL) };
    if (this.instrumenter && file.startsWith(resolve(this.appRoot, 'app', 'scripts') + sep) && file.endsWith('.js')) {
      return { type: typeOf(file), body: this.cached(file, (code) => (this.instrumenter as ReturnType<typeof createInstrumenter>).instrumentSync(code, file)) };
    }
    return { type: typeOf(file), body: readFileSync(file) };
  }

  /** GET /_local/crayons/<rel>: node_modules/@freshworks/crayons/dist/crayons/, icons pointed at the local copy. */
  crayons(rel: string): Asset | undefined {
    const file = fileIn(join(this.root, 'node_modules', '@freshworks', 'crayons', 'dist', 'crayons'), rel);
    if (!file) return undefined;
    if (!file.endsWith('.js')) return { type: typeOf(file), body: readFileSync(file) };
    return { type: typeOf(file), body: this.cached(file, (code) => code.split(CDN_ICONS_PATH).join(LOCAL_ICONS_PATH)) };
  }

  /** GET /_local/crayons-icons/<name>.svg */
  icon(rel: string): Asset | undefined {
    const file = fileIn(iconsDir(this.root), rel);
    return file && file.endsWith('.svg') ? { type: typeOf(file), body: readFileSync(file) } : undefined;
  }

  /** GET /_local/appclient.js: the stand-in platform client, compiled from TypeScript. */
  appclient(): Asset {
    const file = join(__dirname, 'client', 'appclient.ts');
    const body = this.cached(file, (code) => ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2019, module: ts.ModuleKind.None } }).outputText);
    return { type: typeOf('x.js'), body };
  }

  private cached(file: string, transform: (code: string) => string): string {
    const mtime = statSync(file).mtimeMs;
    const hit = this.cache.get(file);
    if (hit && hit.mtime === mtime) return hit.body;
    const body = transform(readFileSync(file, 'utf8'));
    this.cache.set(file, { mtime, body });
    return body;
  }
}
