// Who authors the notes: the Freshchat agent whose email matches the Freshcaller agent's,
// else freshchat_default_agent_id (README.md "Which conversation, and what is written"). The mapping is cached in
// one small record, since finding an agent by email means paging Freshchat's agent list.
import { utf8Length } from '../domain/fingerprint';
import type { AgentLink, AppCache, CacheChange } from '../state/store';
import type { SyncDeps } from './deps';

const CACHE_MS = 7 * 86400000;
const MAX_CACHED_AGENTS = 50;
/** The cache must stay savable: the store's stricter limit is 8 KB for key and value, in UTF-8. */
const MAX_CACHE_BYTES = 7000;

export interface Author {
  actorId: string;
  agentName: string | null;
}

/** Resolves the author, updating `cache` in place; returns what to save of it (empty: nothing changed). */
export async function resolveAuthor(deps: SyncDeps, cache: AppCache, agentId: string | null, fallbackName: string | null): Promise<{ author: Author; change: CacheChange }> {
  if (!agentId) return { author: { actorId: deps.settings.defaultAgentId, agentName: fallbackName }, change: {} };
  const cached = cache.agents[agentId];
  if (cached && linkFresh(cached, deps.now())) return { author: authorFrom(cached, deps, fallbackName), change: {} };
  const link = await lookUpAgent(deps, agentId, fallbackName);
  cache.agents[agentId] = link;
  const dropped = trimCache(cache);
  const change: CacheChange = { agents: { [agentId]: link } };
  if (dropped.length) change.dropAgents = dropped;
  return { author: authorFrom(link, deps, fallbackName), change };
}

/** A match looked up less than a week ago is used as it is. */
export function linkFresh(link: AgentLink, now: number): boolean {
  return now - link.at < CACHE_MS;
}

export function authorFrom(link: AgentLink, deps: SyncDeps, fallbackName: string | null): Author {
  return { actorId: link.chat || deps.settings.defaultAgentId, agentName: link.name || fallbackName };
}

async function lookUpAgent(deps: SyncDeps, agentId: string, fallbackName: string | null): Promise<AgentLink> {
  const user = await deps.caller.getUser(agentId);
  const email = user ? user.email : null;
  const agent = email ? await deps.chat.findAgentByEmail(email) : null;
  return { chat: agent ? agent.id : null, name: (user && user.name) || fallbackName, at: deps.now() };
}

/** Drops the least recently looked-up agents until the cache fits by count and by size; returns their ids. */
function trimCache(cache: AppCache): string[] {
  const ids = Object.keys(cache.agents);
  const dropped: string[] = [];
  ids.sort((a, b) => (cache.agents[a] as AgentLink).at - (cache.agents[b] as AgentLink).at);
  while (ids.length > MAX_CACHED_AGENTS || (ids.length > 1 && utf8Length(JSON.stringify(cache)) > MAX_CACHE_BYTES)) {
    const id = ids.shift() as string;
    delete cache.agents[id];
    dropped.push(id);
  }
  return dropped;
}
