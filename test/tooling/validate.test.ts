import * as fs from 'fs';
import * as path from 'path';
import { build } from '../../tools/build/index';
import { formatIssue, type Issue } from '../../tools/validate/issues';
import { validate, type ValidateResult } from '../../tools/validate/index';
import { copyProject, read, readJsonFile, removeCopies, write, writeJsonFile } from './helpers';

afterAll(removeCopies);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const describeIssues = (issues: Issue[]): string => issues.map(formatIssue).join('\n');

describe('validate on the real project', () => {
  it('finds no errors', async () => {
    const root = copyProject(undefined, { fresh: true });
    const result = await validate(root);
    expect(result.built).toBeDefined(); // server.js was missing, so it built first
    expect(describeIssues(result.errors)).toBe('');
    expect(result.errors).toEqual([]);
  });
});

describe('validate on broken copies', () => {
  let template: string;
  let baseline: ValidateResult;

  beforeAll(async () => {
    template = copyProject(undefined, { fresh: true });
    await build(template);
    baseline = await validate(template, { build: 'never' });
  });

  /** A copy of the built project with one thing broken; the copy keeps file times, so no rebuild. */
  async function broken(mutate: (root: string) => void): Promise<ValidateResult> {
    const root = copyProject(template);
    mutate(root);
    const result = await validate(root);
    expect(result.built).toBeUndefined();
    return result;
  }

  function expectNewError(result: ValidateResult, check: Issue['check'], pattern: RegExp, rule?: string): void {
    const matches = (i: Issue): boolean => i.check === check && pattern.test(i.message) && (rule === undefined || i.rule === rule);
    expect(baseline.errors.filter(matches)).toEqual([]);
    const found = result.errors.filter(matches);
    if (found.length === 0) throw new Error(`no ${check} error matching ${pattern}; errors were:\n${describeIssues(result.errors)}`);
  }

  const editManifest = (root: string, edit: (m: Json) => void): void => {
    const manifest = readJsonFile<Json>(root, 'manifest.json');
    edit(manifest);
    writeJsonFile(root, 'manifest.json', manifest);
  };
  const editIparams = (root: string, edit: (m: Json) => void): void => {
    const iparams = readJsonFile<Json>(root, 'config/iparams.json');
    edit(iparams);
    writeJsonFile(root, 'config/iparams.json', iparams);
  };
  const appendToServer = (root: string, text: string): void => {
    write(root, 'server/server.js', read(root, 'server/server.js') + text);
  };

  it('reports an unused variable in server.js (no-unused-vars)', async () => {
    const result = await broken((root) => appendToServer(root, '\nconst unusedThing = 1;\n'));
    expectNewError(result, 'lint', /'unusedThing' is assigned a value but never used/, 'no-unused-vars');
  });

  it('reports an eslint directive naming a rule the platform lacks', async () => {
    const result = await broken((root) =>
      write(root, 'server/lib/any.js', '// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexports.id = function (x) {\n    return x;\n};\n'),
    );
    expectNewError(result, 'lint', /Definition for rule '@typescript-eslint\/no-explicit-any' was not found/);
  });

  it('reports a handler written as an arrow function', async () => {
    const result = await broken((root) => {
      const code = read(root, 'server/server.js').replace(/(onCallCreateHandler:\s*)function\s*\(([^)]*)\)\s*\{/, '$1($2) => {');
      write(root, 'server/server.js', code);
    });
    expectNewError(result, 'handlers', /'onCallCreateHandler' .* is an arrow function/);
  });

  it('reports a handler the exports object does not declare', async () => {
    const result = await broken((root) =>
      editManifest(root, (m) => {
        m.modules.common.functions = { getCallSummary: { timeout: 20 } };
      }),
    );
    expectNewError(result, 'handlers', /'getCallSummary' .* is not declared in the exports object/);
  });

  it('warns that FDK 9 on Node 18 can no longer be published', async () => {
    const result = await broken((root) =>
      editManifest(root, (m) => {
        m.engines = { node: '18.20.8', fdk: '9.8.2' };
      }),
    );
    expect(baseline.warnings.filter((w) => w.check === 'manifest')).toEqual([]);
    const messages = result.warnings.filter((w) => w.check === 'manifest').map((w) => w.message);
    expect(messages).toEqual([expect.stringMatching(/^engines\.node "18\.20\.8" cannot be published/), expect.stringMatching(/^engines\.fdk "9\.8\.2" cannot be published/)]);
  });

  it('reports a secure iparam in a template path', async () => {
    const result = await broken((root) => {
      const requests = readJsonFile<Json>(root, 'config/requests.json');
      requests.chatGetConversation.schema.path = '/v2/<%= iparam.freshchat_api_key %>/conversations/<%= context.conversation_id %>';
      writeJsonFile(root, 'config/requests.json', requests);
    });
    expectNewError(result, 'templates', /chatGetConversation: path: the secure iparam "freshchat_api_key" may appear only in headers/);
  });

  it('reports template host, option and iparam mistakes, and warns about a query in the path', async () => {
    const result = await broken((root) => {
      const requests = readJsonFile<Json>(root, 'config/requests.json');
      requests.chatGetConversation.schema.host = 'https://<%= iparam.freshchat_host %>/api';
      requests.chatGetConversation.options = { maxAttempts: 6, retryDelay: 150 };
      requests.chatListAgents.schema.path = '/v2/agents?page=<%= context.page %>';
      requests.chatListAgents.schema.headers.Authorization = 'Bearer <%= iparam.freshchat_token %>';
      writeJsonFile(root, 'config/requests.json', requests);
    });
    expectNewError(result, 'templates', /chatGetConversation: schema.host .*no protocol allowed/);
    expectNewError(result, 'templates', /chatGetConversation: options.maxAttempts 6 must be an integer from 1 to 5/);
    expectNewError(result, 'templates', /chatGetConversation: options.retryDelay 150 must be at most 1500 \(ms\) and a multiple of 100/);
    expectNewError(result, 'templates', /chatListAgents: headers.Authorization: <%= iparam.freshchat_token %> names no field/);
    expect(result.warnings.map((w) => w.message)).toContain('chatListAgents: schema.path holds a query string with variable values: put query parameters in schema.query');
  });

  it('reports an undeclared template invoked by the built code', async () => {
    const result = await broken((root) =>
      appendToServer(root, "\nfunction probeUndeclared() {\n    return $request.invokeTemplate('notDeclaredAnywhere', {});\n}\n"),
    );
    expectNewError(result, 'templates', /invokeTemplate\('notDeclaredAnywhere'\): not declared in manifest.json/);
  });

  it('reports a template name that is not a literal', async () => {
    const result = await broken((root) =>
      appendToServer(root, '\nfunction probeDynamic(name) {\n    return $request.invokeTemplate(name, {});\n}\n'),
    );
    expectNewError(result, 'templates', /template name must be a literal so it can be checked/);
  });

  it('checks the context keys of a provable invocation both ways', async () => {
    const result = await broken((root) =>
      appendToServer(
        root,
        [
          '',
          'function probeContext(id) {',
          "    return $request.invokeTemplate('chatGetConversation', { context: { conversation_id: id } });",
          '}',
          'function probeMissing() {',
          "    return $request.invokeTemplate('chatGetConversation', { context: { conversationId: 1 } });",
          '}',
          '',
        ].join('\n'),
      ),
    );
    const templateErrors = result.errors.filter((e) => e.check === 'templates');
    expect(templateErrors.map((e) => e.message)).toEqual([
      "invokeTemplate('chatGetConversation'): context.conversationId is not used by the template (it uses: conversation_id)",
      "invokeTemplate('chatGetConversation'): the template uses <%= context.conversation_id %> but the call does not supply it",
    ]);
    expect(templateErrors.every((e) => e.line && e.line > 1)).toBe(true);
  });

  it('reports a dependency that no server file requires (no-dependency-mismatch)', async () => {
    const result = await broken((root) =>
      editManifest(root, (m) => {
        m.dependencies['yaml'] = '2.9.1';
      }),
    );
    expectNewError(result, 'dependencies', /"yaml" is listed in manifest.json "dependencies" but no file under server\/ requires it/, 'fdk/no-dependency-mismatch');
  });

  it('reports a bare require that manifest dependencies do not list', async () => {
    const result = await broken((root) => write(root, 'server/lib/doc.js', "const yaml = require('yaml');\nexports.parse = function (n) {\n    return yaml.parse(n);\n};\n"));
    expectNewError(result, 'dependencies', /require\('yaml'\): 'yaml' is not in manifest.json "dependencies"/);
  });

  it('reports a dependency with a ^ range', async () => {
    const result = await broken((root) =>
      editManifest(root, (m) => {
        m.dependencies.zod = '^' + m.dependencies.zod;
      }),
    );
    expectNewError(result, 'manifest', /dependencies.zod: "\^[\d.]+" is not an exact version/);
  });

  it('reports an icon of the wrong size, and accepts a 64 × 64 one', async () => {
    const withIcon = (size: number) => (root: string) => {
      write(root, 'app/index.html', '<!DOCTYPE html><html><body></body></html>\n');
      write(root, 'app/styles/images/icon.svg', `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64"></svg>\n`);
      editManifest(root, (m) => {
        m.modules.chat_conversation = { location: { conversation_user_info: { url: 'index.html', icon: 'styles/images/icon.svg' } } };
      });
    };
    const bad = await broken(withIcon(32));
    expectNewError(bad, 'manifest', /Invalid dimension of icon: width="32" height="32"/);
    const good = await broken(withIcon(64));
    expect(good.errors.filter((e) => e.check === 'manifest')).toEqual([]);
  });

  it('reports an iparam of the old `domain` type', async () => {
    const result = await broken((root) =>
      editIparams(root, (i) => {
        i.freshchat_host.type = 'domain';
      }),
    );
    expectNewError(result, 'iparams', /freshchat_host: type "domain" is rejected by platform 3.0/);
  });

  it('reports a key missing from the product contract', async () => {
    const result = await broken((root) =>
      editIparams(root, (i) => {
        delete i.mask_caller_number;
      }),
    );
    expectNewError(result, 'contract', /mask_caller_number: missing/);
  });

  it('reports ES2018 syntax in a built file', async () => {
    const result = await broken((root) => write(root, 'server/lib/merge.js', 'exports.merge = function (a, b) {\n    return { ...a, ...b };\n};\n'));
    const parse = result.errors.filter((e) => e.check === 'parse');
    expect(parse).toEqual([expect.objectContaining({ file: 'server/lib/merge.js', line: 2 })]);
    expect(parse[0]!.message).toMatch(/esprima 4 \(ES2017/);
  });

  it('reports an unpkg URL (no-unpkg-cdn)', async () => {
    const result = await broken((root) =>
      write(root, 'app/scripts/loader.js', "document.head.appendChild(Object.assign(document.createElement('script'), { src: 'https://unpkg.com/@freshworks/crayons' }));\n"),
    );
    expectNewError(result, 'lint', /unpkg\.com is not allowed/, 'fdk/no-unpkg-cdn');
  });

  const editPage = (root: string, edit: (html: string) => string): void => write(root, 'app/index.html', edit(read(root, 'app/index.html')));

  it('accepts the built page: platform client first, crayons from jsDelivr at the pinned version', () => {
    const html = read(template, 'app/index.html');
    expect(html).toContain('<script src="{{{appclient}}}"></script>');
    expect(html).toContain('<script type="module" src="https://cdn.jsdelivr.net/npm/@freshworks/crayons@4.2.0/dist/crayons/crayons.esm.js"></script>');
    expect(html.indexOf('{{{appclient}}}')).toBeLessThan(html.indexOf('crayons.esm.js'));
    expect(baseline.errors.filter((e) => e.check === 'front-end')).toEqual([]);
  });

  it('reports crayons from unpkg, unpinned, at another version, or from elsewhere', async () => {
    const swap = (to: string) => (root: string) => editPage(root, (h) => h.replace('https://cdn.jsdelivr.net/npm/@freshworks/crayons@4.2.0/', to));
    expectNewError(await broken(swap('https://unpkg.com/@freshworks/crayons@4.2.0/')), 'front-end', /unpkg\.com is not allowed/, 'fdk/no-unpkg-cdn');
    expectNewError(await broken(swap('https://cdn.jsdelivr.net/npm/@freshworks/crayons@v4/')), 'front-end', /crayons@v4 is not the pinned version .*\(4\.2\.0\)/);
    expectNewError(await broken(swap('https://cdn.jsdelivr.net/npm/@freshworks/crayons@4.1.0/')), 'front-end', /crayons@4\.1\.0 is not the pinned version/);
    expectNewError(await broken(swap('https://cdn.example.test/crayons/')), 'front-end', /crayons must load from cdn\.jsdelivr\.net/);
  });

  it('reports a placement page without the platform client', async () => {
    const result = await broken((root) => editPage(root, (h) => h.replace('<script src="{{{appclient}}}"></script>', '')));
    expectNewError(result, 'front-end', /app\/index\.html does not load the platform client/);
  });

  it('refuses a local build (crayons from /_local/), which auto mode rebuilds for the CDN', async () => {
    const root = copyProject(template);
    await build(root, { crayons: 'local' });
    expect(read(root, 'app/index.html')).toContain('src="/_local/crayons/crayons.esm.js"');
    const never = await validate(root, { build: 'never' });
    expect(never.errors.filter((e) => e.check === 'front-end').map((e) => e.message)).toEqual([
      expect.stringMatching(/^\/_local\/crayons\/crayons\.esm\.js: a local build/),
      expect.stringMatching(/^\/_local\/crayons\/crayons\.js: a local build/),
    ]);
    const auto = await validate(root);
    expect(auto.built).toBeDefined();
    expect(auto.errors).toEqual([]);
    expect(read(root, 'app/index.html')).toContain('https://cdn.jsdelivr.net/npm/@freshworks/crayons@4.2.0/dist/crayons/crayons.esm.js');
  });

  it('reports sandbox globals the platform lacks', async () => {
    const result = await broken((root) => appendToServer(root, '\nfunction probeTimer() {\n    setTimeout(probeTimer, 10);\n}\n'));
    expectNewError(result, 'sandbox', /'setTimeout' is not provided by the platform sandbox/);
  });

  it('rebuilds first when server.js is older than a TypeScript source, unless told not to', async () => {
    const root = copyProject(template);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'server/server.ts'), later, later);
    expect((await validate(root, { build: 'never' })).built).toBeUndefined();
    expect((await validate(root)).built).toBeDefined();
  });
});
