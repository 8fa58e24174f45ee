import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { PackRefused, pack, packEntries } from '../../tools/pack/index';
import { copyProject, read, readJsonFile, removeCopies, useSyntheticServer, write, writeJsonFile } from './helpers';

afterAll(removeCopies);

/**
 * A copy of the real project with a minimal lint-clean server (so these tests depend on the
 * packer, not on the state of the handlers) and a known front end, plus decoys pack must skip.
 */
function packableCopy(): string {
  const root = copyProject(undefined, { fresh: true });
  useSyntheticServer(root);
  fs.rmSync(path.join(root, 'app'), { recursive: true, force: true });
  write(root, 'README.md', '# Call Sync for Freshchat\n');
  write(root, '.report.json', '{"coverage":{}}\n');
  write(root, 'app/index.html', '<!DOCTYPE html><html><head><script src="{{{appclient}}}"></script></head><body></body></html>\n');
  write(root, 'app/styles/style.css', 'body { margin: 0; }\n');
  write(root, 'app/styles/images/icon.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"></svg>\n');
  write(root, 'app/src/platform.d.ts', 'declare const client: unknown;\n');
  write(root, 'app/src/notes.md', 'the sidebar sources are never packed\n');
  write(root, 'server/lib/double.js', 'exports.double = function (n) {\n    return n * 2;\n};\n');
  write(root, 'server/notes.ts', 'export const note = 1;\n');
  write(root, 'server/node_modules/left-pad/index.js', 'module.exports = 1;\n');
  return root;
}

const EXPECTED = [
  '.report.json',
  'README.md',
  'app/index.html',
  'app/styles/images/icon.svg',
  'app/styles/style.css',
  'config/iparams.json',
  'config/requests.json',
  'manifest.json',
  'server/lib/double.js',
  'server/server.js',
];

describe('pack', () => {
  it('writes dist/<name>.zip with exactly the fdk pack layout', async () => {
    const root = packableCopy();
    const result = await pack(root);

    const name = readJsonFile<{ name: string }>(root, 'package.json').name;
    expect(result.zipPath).toBe(path.join(root, 'dist', `${name}.zip`));
    expect(result.entries.map((e) => e.name).sort()).toEqual(EXPECTED);
    expect(result.bytes).toBe(result.entries.reduce((sum, e) => sum + e.bytes, 0));
    expect(result.validation.errors).toEqual([]);

    const zip = new AdmZip(result.zipPath);
    const names = zip.getEntries().map((e) => e.entryName).sort();
    expect(names).toEqual(EXPECTED);
    expect(names.filter((n) => n.startsWith('server/test_data') || n.endsWith('.ts') || n.includes('node_modules'))).toEqual([]);
    // server/test_data exists (the build wrote the fixtures) but is not shipped
    expect(fs.existsSync(path.join(root, 'server/test_data/call/onCallCreate.json'))).toBe(true);
    expect(zip.readAsText('server/server.js')).toBe(read(root, 'server/server.js'));
    expect(zip.readAsText('manifest.json')).toBe(read(root, 'manifest.json'));
    for (const e of result.entries) expect(zip.getEntry(e.name)!.header.size).toBe(e.bytes);
  });

  it('lists the same entries without building (packEntries)', () => {
    const root = packableCopy();
    write(root, 'server/server.js', 'exports = {};\n');
    expect(packEntries(root).sort()).toEqual(EXPECTED);
  });

  it('fails above 5 MB in total', async () => {
    const root = packableCopy();
    for (const i of [1, 2, 3]) fs.writeFileSync(path.join(root, `app/styles/images/photo${i}.png`), crypto.randomBytes(1900 * 1024));
    await expect(pack(root)).rejects.toThrow(/over the 5\.00 MB limit/);
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('fails when a single app/ file is over 2 MB', async () => {
    const root = packableCopy();
    fs.writeFileSync(path.join(root, 'app/styles/images/huge.png'), crypto.randomBytes(2100 * 1024));
    await expect(pack(root)).rejects.toThrow(/app\/styles\/images\/huge\.png/);
  });

  it('refuses to pack when validation finds errors', async () => {
    const root = packableCopy();
    const iparams = readJsonFile<Record<string, unknown>>(root, 'config/iparams.json');
    delete iparams.csat_scale;
    writeJsonFile(root, 'config/iparams.json', iparams);
    const refusal = await pack(root).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(PackRefused);
    expect((refusal as PackRefused).validation.errors.map((e) => e.message)).toContain('csat_scale: missing (the product contract needs a dropdown field named csat_scale)');
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  });
});
