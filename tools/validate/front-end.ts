// The HTML pages under app/ (what the platform's lint of app/*.js does not see):
//   - every page a manifest placement names loads the platform client `{{{appclient}}}`;
//   - no script or stylesheet from unpkg (the platform's no-unpkg-cdn is an error);
//   - crayons comes from jsDelivr, pinned to the exact version package.json depends on
//     (docs/platform.md "Front end"), never from the local server's /_local/ path: a page built
//     with `crayons: 'local'` (npm start, the browser tests) must not be validated or packed.
import * as fs from 'fs';
import * as path from 'path';
import { CRAYONS_LOCAL_BASE, CRAYONS_PACKAGE } from '../build/index';
import { isPlainObject, listFiles, readJson, rel, type Manifest } from '../build/platform';
import type { Report } from './issues';

const SOURCE = /<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi;
const JSDELIVR_CRAYONS = /^https:\/\/cdn\.jsdelivr\.net\/npm\/@freshworks\/crayons@([^/]+)\//;

/** The `url` of every manifest placement, relative to app/. */
export function placementPages(manifest: Manifest): string[] {
  const pages = new Set<string>();
  for (const module of Object.values(manifest.modules || {})) {
    if (!isPlainObject(module) || !isPlainObject(module.location)) continue;
    for (const spec of Object.values(module.location)) {
      if (isPlainObject(spec) && typeof spec.url === 'string') pages.add(spec.url);
    }
  }
  return [...pages];
}

function pinnedCrayons(root: string): string | undefined {
  const pkg = readJson(path.join(root, 'package.json'), 'package.json') as { dependencies?: Record<string, unknown> };
  const version = pkg.dependencies ? pkg.dependencies[CRAYONS_PACKAGE] : undefined;
  return typeof version === 'string' ? version : undefined;
}

function checkSource(file: string, src: string, pinned: string | undefined, report: Report): void {
  const where = { file };
  if (/unpkg\.com/i.test(src)) {
    report.error('front-end', `${src}: unpkg.com is not allowed (platform rule no-unpkg-cdn); load libraries from cdn.jsdelivr.net`, { file, rule: 'fdk/no-unpkg-cdn' });
    return;
  }
  if (src.startsWith(CRAYONS_LOCAL_BASE)) {
    report.error('front-end', `${src}: a local build (crayons from the local server); run npm run build, which loads crayons from jsDelivr`, where);
    return;
  }
  if (!/crayons/i.test(src) || /^(?:styles|scripts)\//.test(src)) return;
  const m = JSDELIVR_CRAYONS.exec(src);
  if (!m) return report.error('front-end', `${src}: crayons must load from cdn.jsdelivr.net/npm/${CRAYONS_PACKAGE}@<version>/`, where);
  if (!pinned) return report.error('front-end', `${src}: ${CRAYONS_PACKAGE} is not in package.json "dependencies" (the review wants the CDN library declared there)`, where);
  if (m[1] !== pinned) report.error('front-end', `${src}: crayons@${m[1]} is not the pinned version package.json depends on (${pinned})`, where);
}

export function checkFrontEnd(root: string, manifest: Manifest | undefined, report: Report): void {
  const appDir = path.join(root, 'app');
  const pages = listFiles(appDir, (f, isDir) => (isDir ? !['node_modules', 'src'].includes(path.basename(f)) : f.endsWith('.html')));
  const pinned = pinnedCrayons(root);
  for (const page of pages) {
    const file = rel(root, page);
    const html = fs.readFileSync(page, 'utf8');
    for (const m of html.matchAll(SOURCE)) checkSource(file, m[1] as string, pinned, report);
  }
  for (const url of manifest ? placementPages(manifest) : []) {
    const page = path.join(appDir, url);
    if (!fs.existsSync(page)) continue; // the manifest check reports it
    if (!fs.readFileSync(page, 'utf8').includes('{{{appclient}}}')) {
      report.error('front-end', `app/${url} does not load the platform client: add <script src="{{{appclient}}}"></script> before the app's scripts`, { file: `app/${url}` });
    }
  }
}
