// The SVG icons crayons' fw-icon loads. Crayons 4.2 resolves its built-in icon library to a fixed
// jsDelivr URL (`CRAYONS_ICONS_ASSET_PATH`, node_modules/@freshworks/crayons/dist/collection/
// components/icon/library.crayons.js; the "crayons" library cannot be re-registered), so the
// local server rewrites that URL in the crayons files it serves to /_local/crayons-icons/ and
// serves the icons from a cache folder. `@freshworks/crayons-icon` cannot be `npm install`ed (it
// depends on a placeholder `fs` package), so the tarball is fetched once with `npm pack` through
// the ordinary npm client, its integrity checked, and its dist/icons/ extracted into
// .cache/crayons-icon-<version>/ (gitignored). `npm start`, `npm run icons` and the browser tests
// call ensureIcons; after the first run nothing is fetched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ICONS_PACKAGE = '@freshworks/crayons-icon';
export const ICONS_VERSION = '1.3.1';
/** The registry's integrity of @freshworks/crayons-icon@1.3.1 (npm view ... dist.integrity). */
export const ICONS_INTEGRITY = 'sha512-LkU/Cp+UZ4Z64BTdy+mc2JmunRiBR8EBYJRJUU9KQr8nVhSOVnI8+s6f3tyD1rjX+JwWGkM7ICPTIuttPSdk4A==';
/** What the crayons files say, replaced by LOCAL_ICONS_PATH when the local server sends them. */
export const CDN_ICONS_PATH = 'https://cdn.jsdelivr.net/npm/@freshworks/crayons-icon@next/dist/icons';
export const LOCAL_ICONS_PATH = '/_local/crayons-icons';

export function iconsDir(root: string): string {
  return join(root, '.cache', 'crayons-icon-' + ICONS_VERSION, 'icons');
}

export function haveIcons(root: string): boolean {
  const dir = iconsDir(root);
  return existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.svg'));
}

/** The icons folder, fetching it first when it is missing. Throws with a one-line reason when the fetch fails. */
export async function ensureIcons(root: string, log: (line: string) => void = () => undefined): Promise<string> {
  const dir = iconsDir(root);
  if (haveIcons(root)) return dir;
  log('fetching the crayons icons once (npm pack ' + ICONS_PACKAGE + '@' + ICONS_VERSION + ') into .cache/');
  const work = mkdtempSync(join(tmpdir(), 'crayons-icon-'));
  try {
    const packed = await run('npm', ['pack', ICONS_PACKAGE + '@' + ICONS_VERSION, '--silent', '--pack-destination', work], { cwd: work, timeout: 120_000 })
      .catch((err: Error) => {
        throw new Error('could not fetch ' + ICONS_PACKAGE + '@' + ICONS_VERSION + ' with npm pack: ' + err.message.split('\n')[0]);
      });
    const tarball = join(work, packed.stdout.trim().split('\n').pop() || '');
    const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (integrity !== ICONS_INTEGRITY) throw new Error(ICONS_PACKAGE + '@' + ICONS_VERSION + ': the tarball does not match its pinned integrity');
    await run('tar', ['-xzf', tarball, '-C', work, 'package/dist/icons']);
    mkdirSync(join(dir, '..'), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(work, 'package', 'dist', 'icons'), dir, { recursive: true }); // tmp may be another file system
    log('crayons icons in ' + dir + ' (' + readdirSync(dir).length + ' files)');
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
