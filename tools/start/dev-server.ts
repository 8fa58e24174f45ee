// The local server `npm start` runs at http://localhost:10001/, like `fdk run` (README "The local
// page"): the overview, /web/test, /notes, /custom_configs, the two placements with a stand-in
// platform client, and the JSON API those pages call. Listens on 127.0.0.1 only.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describeInvocation, formatAccount, type EventAccount } from './account';
import { APPCLIENT_URL, AssetServer, CRAYONS_URL, type Asset } from './assets';
import { renderCustomConfigsPage, saveIparams } from './custom-configs';
import { renderDevPage } from './dev-page';
import { activeFaults, applyFaultPreset, forgetFaults } from './fault-presets';
import { page } from './html';
import { renderConversations } from './notes-view';
import { renderPlacementPage } from './placement-page';
import { frontEndIparams, invokeFromPlacement, isPlacement, NotFound, placementData, PLACEMENTS, type PlacementName } from './placements';
import type { LocalSession } from './session';
import { LOCAL_ICONS_PATH } from './icons';
import { renderWebTestPage } from './web-test-page';

export const DEV_PORT = 10001;

export interface DevServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface DevServerOptions {
  /** Serve app/scripts/*.js instrumented, for coverage of the shipped front end. Default false. */
  instrumentApp?: boolean;
}

/** The port is taken: a one-line reason for the terminal, no stack. */
export class PortInUse extends Error {
  constructor(readonly port: number) {
    super('port ' + port + ' is already in use (another npm start or fdk run?): stop it, or run npm start -- --port <another port>');
  }
}

export function snapshot(session: LocalSession): Record<string, unknown> {
  const db: Record<string, Record<string, unknown>> = {};
  for (const product of session.runtime.products()) {
    const store = session.runtime.store(product);
    db[product] = {};
    for (const key of store.keys()) db[product][key] = store.peek(key);
  }
  const chat = session.standins.freshchat.state;
  return {
    clock: session.runtime.clock.now(),
    faults: activeFaults(session),
    schedules: session.runtime.schedules().map((s) => ({ name: s.name, nextRunAt: s.nextRunAt, repeat: s.repeat || null })),
    freshchat: {
      conversations: chat.conversations.map((c) => ({
        conversation_id: c.conversation_id,
        status: c.status,
        users: c.users.map((u) => u.id),
        notes: (chat.messages[c.conversation_id] || [])
          .filter((m) => m.message_type === 'private')
          .map((m) => m.message_parts.map((p) => (p.text ? p.text.content : '')).join('\n')),
        csat: (chat.csat[c.conversation_id] || []).map((r) => r.rating),
      })),
      users: chat.users.length,
      requests: session.standins.freshchat.requests.length,
    },
    freshcaller: {
      calls: session.standins.freshcaller.state.calls.map((c) => c.id),
      requests: session.standins.freshcaller.requests.length,
    },
    db,
  };
}

export async function startDevServer(session: LocalSession, port = DEV_PORT, options: DevServerOptions = {}): Promise<DevServer> {
  const assets = new AssetServer(session.root, session.appRoot, options.instrumentApp === true);
  const server: Server = createServer((req, res) => {
    handle(session, assets, req, res).catch((err: unknown) => {
      const status = err instanceof NotFound ? 404 : err instanceof BadRequest || err instanceof RangeError ? 400 : 500;
      writeJson(res, status, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUse(port) : err));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: 'http://localhost:' + address.port + '/',
    port: address.port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

class BadRequest extends Error {}

type Route = (session: LocalSession, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

const GET_PAGES: Record<string, (session: LocalSession) => string> = {
  '/': renderDevPage,
  '/web/test': renderWebTestPage,
  '/custom_configs': renderCustomConfigsPage,
};

const POST_ROUTES: Record<string, Route> = {
  '/api/simulate': async (session, req, res) => {
    const body = await readJson(req);
    let account: EventAccount;
    if (typeof body.sample === 'string' && typeof body.index === 'number') account = await session.simulate(body.sample, body.index);
    else if (typeof body.event === 'string' && typeof body.payload === 'object' && body.payload !== null && !Array.isArray(body.payload)) {
      if (!session.runtime.app.events[body.event]) throw new BadRequest('manifest.json registers no handler for ' + body.event);
      account = await session.simulatePayload(body.event, body.payload, 'simulated ' + body.event);
    } else throw new BadRequest('expected { sample: string, index: number } or { event: string, payload: object }');
    writeJson(res, 200, { account, text: formatAccount(account), state: snapshot(session) });
  },
  '/api/reset': (session, _req, res) => {
    session.reset();
    forgetFaults(session);
    writeJson(res, 200, { ok: true, state: snapshot(session) });
  },
  '/api/fault': async (session, req, res) => {
    const body = await readJson(req);
    if (typeof body.preset !== 'string') throw new BadRequest('expected { preset: string }');
    writeJson(res, 200, { faults: applyFaultPreset(session, body.preset) });
  },
  '/api/advance': async (session, req, res) => {
    const body = await readJson(req);
    const minutes = Number(body.minutes);
    const accounts = await session.advanceClock(minutes);
    writeJson(res, 200, { minutes, accounts, texts: accounts.map(formatAccount), clock: session.runtime.clock.now() });
  },
  '/api/iparams': async (session, req, res) => {
    const body = await readJson(req);
    if (typeof body.values !== 'object' || body.values === null || Array.isArray(body.values)) throw new BadRequest('expected { values: object }');
    const outcome = await saveIparams(session, body.values as Record<string, unknown>);
    // Refused values are an answer, not a failure of the request: 200 with ok false.
    writeJson(res, 200, { ok: outcome.ok, errors: outcome.errors, install: outcome.install ? formatAccount(outcome.install) : null });
  },
};

async function handle(session: LocalSession, assets: AssetServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url || '/', 'http://localhost');
  const path = url.pathname;
  if (req.method === 'POST') {
    const route = POST_ROUTES[path] || placementPost(path);
    if (route) return route(session, req, res, url);
    return writeJson(res, 404, { error: 'not found' });
  }
  if (req.method !== 'GET') return writeJson(res, 405, { error: 'method not allowed' });
  const render = GET_PAGES[path];
  if (render) return writeHtml(res, 200, render(session));
  if (path === '/notes') return getNotes(session, res, url);
  if (path === '/api/state') return writeJson(res, 200, snapshot(session));
  if (path === '/favicon.ico') return sendFavicon(session, res);
  if (path.startsWith('/placements/')) return getPlacement(session, res, url);
  return getAsset(session, assets, res, url);
}

function getNotes(session: LocalSession, res: ServerResponse, url: URL): void {
  const fragment = renderConversations(session.standins.freshchat.state);
  if (url.searchParams.get('fragment') === '1') return writeHtml(res, 200, fragment);
  writeHtml(res, 200, page('Notes', '/notes', '<h1>Notes in the stand-in Freshchat</h1><p class="muted">What an agent sees in each conversation: private notes on a yellow card, every message with its author and time, the CSAT ratings and the status.</p>' + fragment));
}

function getPlacement(session: LocalSession, res: ServerResponse, url: URL): void {
  const name = url.pathname.slice('/placements/'.length);
  if (!isPlacement(name)) return writeHtml(res, 404, page('Not found', '', '<h1>No placement ' + name.replace(/[^\w-]/g, '') + '</h1><p>conversation_card or conversation_user_info.</p>'));
  const id = url.searchParams.get(PLACEMENTS[name].query) || '';
  try {
    placementData(session, name, id); // an unknown call or conversation is told here, not inside the frame
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    return writeHtml(res, 404, page('Not found', '', '<h1>Not found</h1><p>' + err.message.replace(/[<>&]/g, '') + '. <a href="/">Back to the overview</a></p>'));
  }
  writeHtml(res, 200, renderPlacementPage(name, id, (name === 'conversation_card' ? 'call ' : 'conversation ') + id));
}

/** POST /_local/placement/<name>/invoke: client.request.invoke from that placement. */
function placementPost(path: string): Route | undefined {
  const match = /^\/_local\/placement\/([a-z_]+)\/invoke$/.exec(path);
  if (!match || !isPlacement(match[1] as string)) return undefined;
  const placement = match[1] as PlacementName;
  return async (session, req, res) => {
    const body = await readJson(req);
    if (typeof body.name !== 'string') throw new BadRequest('expected { name: string, args?: object }');
    const answer = await invokeFromPlacement(session, placement, body.name, body.args);
    const account = answer.result ? formatAccount(describeInvocation('server method ' + body.name, answer.result)) : '';
    if (answer.ok) return writeJson(res, 200, { ok: true, response: answer.response, account });
    writeJson(res, 200, { ok: false, status: answer.status, message: answer.message, account });
  };
}

function getAsset(session: LocalSession, assets: AssetServer, res: ServerResponse, url: URL): void {
  const path = url.pathname;
  let asset: Asset | undefined;
  const boot = /^\/_local\/placement\/([a-z_]+)\/boot$/.exec(path);
  if (boot) return sendBoot(session, res, boot[1] as string, url.searchParams.get('id') || '');
  if (path === APPCLIENT_URL) asset = assets.appclient();
  else if (path.startsWith(CRAYONS_URL)) asset = assets.crayons(path.slice(CRAYONS_URL.length));
  else if (path.startsWith(LOCAL_ICONS_PATH + '/')) asset = assets.icon(path.slice(LOCAL_ICONS_PATH.length + 1));
  else if (path.startsWith('/app/')) asset = assets.app(path.slice('/app/'.length));
  if (!asset && path === '/app/index.html') {
    return writeHtml(res, 404, '<!doctype html><meta charset="utf-8"><p style="font:13px system-ui;margin:12px">No <code>app/index.html</code>: the sidebar is built from <code>app/src/</code> by <code>npm start</code> or <code>npm run build</code>.</p>');
  }
  if (!asset) return writeJson(res, 404, { error: 'not found: ' + path });
  res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-store' });
  res.end(asset.body);
}

/** Browsers ask every page for /favicon.ico: the app's own icon, so no page logs a 404. */
function sendFavicon(session: LocalSession, res: ServerResponse): void {
  const icon = join(session.appRoot, 'app', 'styles', 'images', 'icon.svg');
  if (!existsSync(icon)) {
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    return void res.end();
  }
  res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store' });
  res.end(readFileSync(icon));
}

function sendBoot(session: LocalSession, res: ServerResponse, name: string, id: string): void {
  if (!isPlacement(name)) return writeJson(res, 404, { error: 'no placement ' + name });
  const data = placementData(session, name, id);
  writeJson(res, 200, { context: data.context, data: data.data, iparams: frontEndIparams(session) });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await new Promise<string>((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > 1_000_000) reject(new BadRequest('request body too large'));
    });
    req.on('end', () => resolve(data || '{}'));
    req.on('error', reject);
  });
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new BadRequest('the request body is not a JSON object');
  }
}

function writeHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
