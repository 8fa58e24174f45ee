// Builds small throwaway apps for the runtime's tests: a manifest, server/server.js, config/ and
// any extra files, written into a fresh temp dir.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { InvocationResult, LocalRuntime } from '../../tools/runtime';

export interface AppSpec {
  /** server/server.js */
  server: string;
  /** Merged over the default manifest's modules (replaces whole modules). */
  modules?: Record<string, unknown>;
  manifest?: Record<string, unknown>;
  requests?: Record<string, unknown>;
  iparams?: Record<string, unknown>;
  /** Extra files, path relative to the app root -> contents. */
  files?: Record<string, string>;
}

export const DEFAULT_IPARAMS_CONFIG = {
  api_host: { display_name: 'Host', type: 'text', required: true },
  api_key: { display_name: 'Key', type: 'text', secure: true, required: true },
  user: { display_name: 'User', type: 'text' },
};

const made: string[] = [];

export function makeApp(spec: AppSpec): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fdk-runtime-test-'));
  made.push(root);
  const manifest = spec.manifest ?? {
    'platform-version': '3.0',
    modules: {
      common: {
        requests: Object.fromEntries(Object.keys(spec.requests ?? {}).map((k) => [k, {}])),
        events: {
          onAppInstall: { handler: 'onAppInstallHandler' },
          onScheduledEvent: { handler: 'onScheduledEventHandler' },
        },
      },
      call: { events: { onCallCreate: { handler: 'onCallCreateHandler' } } },
      ...(spec.modules ?? {}),
    },
    engines: { node: '18.20.8', fdk: '9.8.2' },
    dependencies: {},
  };
  write(root, 'manifest.json', JSON.stringify(manifest, null, 2));
  write(root, 'server/server.js', spec.server);
  write(root, 'config/requests.json', JSON.stringify(spec.requests ?? {}, null, 2));
  write(root, 'config/iparams.json', JSON.stringify(spec.iparams ?? DEFAULT_IPARAMS_CONFIG, null, 2));
  for (const [rel, text] of Object.entries(spec.files ?? {})) write(root, rel, text);
  return root;
}

export function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export function cleanupApps(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A server.js exporting the default manifest's three handlers, each with the given body. */
export function handlers(bodies: { install?: string; scheduled?: string; callCreate?: string; extra?: string; prelude?: string; after?: string }): string {
  const done = 'renderData();';
  return `${bodies.prelude ?? ''}
exports = {
  onAppInstallHandler: async function (payload) { ${bodies.install ?? done} },
  onScheduledEventHandler: async function (payload) { ${bodies.scheduled ?? done} },
  onCallCreateHandler: async function (payload) { ${bodies.callCreate ?? done} },
  ${bodies.extra ?? ''}
};
${bodies.after ?? ''}
`;
}

/** An onCallCreate handler that invokes the templates `payload.data.calls` lists, in order, and renders each outcome. */
export const TEMPLATE_RUNNER = handlers({
  callCreate: `
    const out = [];
    for (const c of payload.data.calls) {
      try {
        const r = await $request.invokeTemplate(c.name, c.opts);
        out.push({ ok: true, status: r.status, headers: r.headers, response: r.response, type: typeof r.response });
      } catch (err) {
        out.push({ ok: false, err: err });
      }
    }
    renderData(null, out);`,
});

export type TemplateOutcome = { ok: boolean; status?: number; headers?: Record<string, string>; response?: string; type?: string; err?: Record<string, unknown> };

/** Fires onCallCreate of a TEMPLATE_RUNNER app with `calls`; the invocation and each call's outcome. */
export async function runTemplates(rt: LocalRuntime, calls: Array<{ name: string; opts?: unknown }>): Promise<{ result: InvocationResult; out: TemplateOutcome[] }> {
  const r = await rt.fireEvent('onCallCreate', { data: { calls } });
  expect(r.completed).toBe(true);
  return { result: r, out: r.renderData?.data as TemplateOutcome[] };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A tiny HTTP server on 127.0.0.1:0 whose answers the test scripts per request. */
export async function startServer(
  respond: (req: SeenRequest, res: http.ServerResponse) => void,
): Promise<{ url: string; seen: SeenRequest[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      respond(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
