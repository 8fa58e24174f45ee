// The page `fdk run` would serve at http://localhost:10001/: the sample events with a button to
// simulate each, the account of the last one, and what the stand-ins and the app's store hold.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatAccount } from './account';
import { renderDevPage } from './dev-page';
import type { LocalSession } from './session';

export const DEV_PORT = 10001;

export interface DevServer {
  url: string;
  close(): Promise<void>;
}

export function snapshot(session: LocalSession): Record<string, unknown> {
  const store = session.runtime.store('freshcaller');
  const db: Record<string, unknown> = {};
  for (const key of store.keys()) db[key] = store.peek(key);
  const chat = session.standins.freshchat.state;
  return {
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

export async function startDevServer(session: LocalSession, port = DEV_PORT): Promise<DevServer> {
  const server: Server = createServer((req, res) => {
    handle(session, req, res).catch((err: unknown) => writeJson(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: 'http://localhost:' + address.port + '/',
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(session: LocalSession, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url || '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(renderDevPage(session.samples));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/state') return writeJson(res, 200, snapshot(session));
  if (req.method === 'POST' && url.pathname === '/api/simulate') {
    const body = JSON.parse(await readBody(req)) as { sample?: unknown; index?: unknown };
    if (typeof body.sample !== 'string' || typeof body.index !== 'number') {
      return writeJson(res, 400, { error: 'expected { sample: string, index: number }' });
    }
    const account = await session.simulate(body.sample, body.index);
    return writeJson(res, 200, { account, text: formatAccount(account), state: snapshot(session) });
  }
  writeJson(res, 404, { error: 'not found' });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > 1_000_000) reject(new Error('request body too large'));
    });
    req.on('end', () => resolve(data || '{}'));
    req.on('error', reject);
  });
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
