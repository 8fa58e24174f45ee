// `npm run pack`: builds, validates (refuses to pack with any validation error), then writes
// dist/<package.json name>.zip laid out like `fdk pack`:
//   manifest.json, README.md, app/** (never app/src, the sidebar's sources), config/**, .report.json (when
//   present), and from server/ only *.js files (never server/test_data, .ts or node_modules).
// Limits: 5 MB in total (uncompressed, the stricter reading) and 2 MB per file under app/.
import * as fs from 'fs';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { build } from '../build/index';
import { ToolError, formatBytes, listFiles, readJson, rel } from '../build/platform';
import { validate, type ValidateResult } from '../validate/index';

export const MAX_TOTAL_BYTES = 5 * 1024 * 1024;
export const MAX_APP_FILE_BYTES = 2 * 1024 * 1024;

export interface PackEntry {
  /** Path inside the zip, forward slashes. */
  name: string;
  bytes: number;
}

export interface PackResult {
  zipPath: string;
  entries: PackEntry[];
  /** Total uncompressed bytes of the entries. */
  bytes: number;
  /** Size of the zip file itself. */
  zipBytes: number;
  validation: ValidateResult;
}

export interface PackOptions {
  log?: (line: string) => void;
}

/** The files `fdk pack` would put in the zip, as paths relative to the root. */
export function packEntries(root: string): string[] {
  const files: string[] = [];
  for (const top of ['manifest.json', 'README.md', '.report.json']) {
    if (fs.existsSync(path.join(root, top))) files.push(top);
  }
  const notHidden = (f: string): boolean => !path.basename(f).startsWith('.');
  files.push(
    ...listFiles(path.join(root, 'app'), (f, isDir) =>
      notHidden(f) &&
      (isDir ? path.basename(f) !== 'node_modules' && rel(root, f) !== 'app/src' : !f.endsWith('.ts') && path.basename(f) !== 'tsconfig.json'),
    ).map((f) => rel(root, f)),
  );
  files.push(...listFiles(path.join(root, 'config'), (f) => notHidden(f)).map((f) => rel(root, f)));
  files.push(
    ...listFiles(path.join(root, 'server'), (f, isDir) =>
      isDir ? path.basename(f) !== 'node_modules' && rel(root, f) !== 'server/test_data' && notHidden(f) : f.endsWith('.js'),
    ).map((f) => rel(root, f)),
  );
  return files;
}

export async function pack(root: string, options: PackOptions = {}): Promise<PackResult> {
  const absRoot = path.resolve(root);
  const log = options.log || (() => undefined);
  // always the cdn build: crayons from the pinned jsDelivr URL, never the local server's path
  await build(absRoot, { log, crayons: 'cdn' });
  const validation = await validate(absRoot, { build: 'never' });
  if (validation.errors.length > 0) {
    throw new PackRefused(`validation found ${validation.errors.length} error(s); not packing`, validation);
  }
  log(`validate: 0 errors, ${validation.warnings.length} warning(s)`);

  const pkg = readJson(path.join(absRoot, 'package.json'), 'package.json') as { name?: unknown };
  if (typeof pkg.name !== 'string' || pkg.name === '') throw new ToolError('package.json has no "name": it names the zip');
  const names = packEntries(absRoot);
  if (!names.includes('manifest.json')) throw new ToolError('manifest.json is missing');
  if (!names.includes('README.md')) log('warning: README.md is missing; the Marketplace listing expects one');
  if (!names.includes('server/server.js')) throw new ToolError('server/server.js is missing');

  const entries: PackEntry[] = names.map((name) => ({ name, bytes: fs.statSync(path.join(absRoot, name)).size }));
  const bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  const tooBig = entries.filter((e) => e.name.startsWith('app/') && e.bytes > MAX_APP_FILE_BYTES);
  if (tooBig.length > 0) {
    throw new ToolError(`file(s) under app/ over ${formatBytes(MAX_APP_FILE_BYTES)}: ${tooBig.map((e) => `${e.name} (${formatBytes(e.bytes)})`).join(', ')}`);
  }
  if (bytes > MAX_TOTAL_BYTES) {
    throw new ToolError(`package would be ${formatBytes(bytes)}, over the ${formatBytes(MAX_TOTAL_BYTES)} limit`);
  }

  const zip = new AdmZip();
  for (const e of entries) zip.addFile(e.name, fs.readFileSync(path.join(absRoot, e.name)));
  const zipPath = path.join(absRoot, 'dist', `${pkg.name.replace(/^@/, '').replace(/\//g, '-')}.zip`);
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  if (fs.existsSync(zipPath)) fs.rmSync(zipPath);
  zip.writeZip(zipPath);
  const zipBytes = fs.statSync(zipPath).size;
  if (zipBytes > MAX_TOTAL_BYTES) {
    fs.rmSync(zipPath);
    throw new ToolError(`zip would be ${formatBytes(zipBytes)}, over the ${formatBytes(MAX_TOTAL_BYTES)} limit`);
  }
  for (const e of entries) log(`  ${e.name.padEnd(48)} ${formatBytes(e.bytes).padStart(10)}`);
  log(`packed ${entries.length} entries, ${formatBytes(bytes)} (zip ${formatBytes(zipBytes)}) into ${rel(absRoot, zipPath)}`);
  return { zipPath, entries, bytes, zipBytes, validation };
}

/** Pack refused because validation found errors; carries the validation result. */
export class PackRefused extends ToolError {
  constructor(
    message: string,
    readonly validation: ValidateResult,
  ) {
    super(message);
    this.name = 'PackRefused';
  }
}
