// Who authors the notes: the Freshchat agent whose email matches the Freshcaller agent's,
// else freshchat_default_agent_id (product.md "What gets written"). The mapping is cached in
// one small record, since finding an agent by email means paging Freshchat's agent list.
import type { AgentLink, AppCache } from '../state/call-store';
import type { SyncDeps } from './deps';

const CACHE_MS = 7 * 86400000;
// An entry is about 110 bytes with real ids and names: 50 keep the record well under 8 KB.
const MAX_CACHED_AGENTS = 50;

export interface Author {
  actorId: string;
  agentName: string | null;
}

/** Resolves the author, updating `cache` in place; returns whether the cache changed. */
export async function resolveAuthor(deps: SyncDeps, cache: AppCache, agentId: string | null, fallbackName: string | null): Promise<{ author: Author; changed: boolean }> {
  if (!agentId) return { author: { actorId: deps.settings.defaultAgentId, agentName: fallbackName }, changed: false };
  const cached = cache.agents[agentId];
  if (cached && deps.now() - cached.at < CACHE_MS) return { author: authorFrom(cached, deps, fallbackName), changed: false };
  const link = await lookUpAgent(deps, agentId, fallbackName);
  cache.agents[agentId] = link;
  trimCache(cache);
  return { author: authorFrom(link, deps, fallbackName), changed: true };
}

function authorFrom(link: AgentLink, deps: SyncDeps, fallbackName: string | null): Author {
  return { actorId: link.chat || deps.settings.defaultAgentId, agentName: link.name || fallbackName };
}

async function lookUpAgent(deps: SyncDeps, agentId: string, fallbackName: string | null): Promise<AgentLink> {
  const user = await deps.caller.getUser(agentId);
  const email = user ? user.email : null;
  const agent = email ? await deps.chat.findAgentByEmail(email) : null;
  return { chat: agent ? agent.id : null, name: (user && user.name) || fallbackName, at: deps.now() };
}

function trimCache(cache: AppCache): void {
  const ids = Object.keys(cache.agents);
  if (ids.length <= MAX_CACHED_AGENTS) return;
  ids.sort((a, b) => (cache.agents[a] as AgentLink).at - (cache.agents[b] as AgentLink).at);
  for (const id of ids.slice(0, ids.length - MAX_CACHED_AGENTS)) delete cache.agents[id];
}
