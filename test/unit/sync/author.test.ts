import type { AppCache } from '../../../server/src/state/store';
import { resolveAuthor } from '../../../server/src/sync/author';
import { DEFAULT_AGENT, NOW, requestCount, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';

const DAY = 86400000;

function world(): FakeSyncDeps {
  const deps = syncDepsFor();
  deps.caller.addUser({ id: '67030', name: 'Ava Parker', email: 'ava@acme.test' });
  deps.caller.addUser({ id: '67031', name: 'Dan Fischer', email: 'dan@acme.test' });
  deps.caller.addUser({ id: '67032', name: null, email: null });
  deps.chat.addAgent({ id: 'chat-ava', email: 'Ava@Acme.test', name: 'Ava P.' });
  return deps;
}

function emptyCache(): AppCache {
  return { appId: null, agents: {}, variant: null };
}

describe('resolveAuthor', () => {
  test('no agent on the call: the default agent, without any request', async () => {
    const deps = world();
    const cache = emptyCache();
    await expect(resolveAuthor(deps, cache, null, 'Someone')).resolves.toEqual({ author: { actorId: DEFAULT_AGENT, agentName: 'Someone' }, change: {} });
    expect(requestCount(deps)).toBe(0);
    expect(cache.agents).toEqual({});
  });

  test('an agent with the same email in Freshchat authors the note, and the match is cached', async () => {
    const deps = world();
    const cache = emptyCache();
    const result = await resolveAuthor(deps, cache, '67030', 'Ava from the event');
    expect(result).toEqual({ author: { actorId: 'chat-ava', agentName: 'Ava Parker' }, change: { agents: { '67030': { chat: 'chat-ava', name: 'Ava Parker', at: NOW } } } });
    expect(cache.agents).toEqual({ '67030': { chat: 'chat-ava', name: 'Ava Parker', at: NOW } });
    expect(deps.caller.requests).toEqual([{ method: 'getUser', args: ['67030'] }]);
    expect(deps.chat.calls).toEqual([{ method: 'findAgentByEmail', args: ['ava@acme.test'] }]);
  });

  test('a cache hit makes no request', async () => {
    const deps = world();
    const cache: AppCache = { appId: null, agents: { '67030': { chat: 'chat-ava', name: 'Ava Parker', at: NOW - 6 * DAY } }, variant: null };
    await expect(resolveAuthor(deps, cache, '67030', null)).resolves.toEqual({ author: { actorId: 'chat-ava', agentName: 'Ava Parker' }, change: {} });
    expect(requestCount(deps)).toBe(0);
  });

  test('a cached miss still means the default agent, without asking again', async () => {
    const deps = world();
    const cache: AppCache = { appId: null, agents: { '67031': { chat: null, name: null, at: NOW - DAY } }, variant: null };
    await expect(resolveAuthor(deps, cache, '67031', 'Dan from the event')).resolves.toEqual({ author: { actorId: DEFAULT_AGENT, agentName: 'Dan from the event' }, change: {} });
    expect(requestCount(deps)).toBe(0);
  });

  test('an entry 7 days old has expired: the agent is looked up again', async () => {
    const deps = world();
    const cache: AppCache = { appId: null, agents: { '67030': { chat: 'chat-stale', name: 'Old name', at: NOW - 7 * DAY } }, variant: null };
    await expect(resolveAuthor(deps, cache, '67030', null)).resolves.toEqual({ author: { actorId: 'chat-ava', agentName: 'Ava Parker' }, change: expect.objectContaining({ agents: expect.any(Object) }) });
    expect(cache.agents['67030']).toEqual({ chat: 'chat-ava', name: 'Ava Parker', at: NOW });
    expect(requestCount(deps)).toBe(2);
  });

  test('an agent without a Freshchat match: the default agent, named from Freshcaller, the miss cached', async () => {
    const deps = world();
    const cache = emptyCache();
    await expect(resolveAuthor(deps, cache, '67031', null)).resolves.toEqual({ author: { actorId: DEFAULT_AGENT, agentName: 'Dan Fischer' }, change: expect.objectContaining({ agents: expect.any(Object) }) });
    expect(cache.agents['67031']).toEqual({ chat: null, name: 'Dan Fischer', at: NOW });
  });

  test.each([
    ['unknown to Freshcaller', '99999'],
    ['without an email', '67032'],
  ])('an agent %s: the default agent with the event\'s name, and no Freshchat lookup', async (_label, agentId) => {
    const deps = world();
    const cache = emptyCache();
    await expect(resolveAuthor(deps, cache, agentId, 'From event')).resolves.toEqual({ author: { actorId: DEFAULT_AGENT, agentName: 'From event' }, change: expect.objectContaining({ agents: expect.any(Object) }) });
    expect(deps.chat.count('findAgentByEmail')).toBe(0);
    expect(cache.agents[agentId]).toEqual({ chat: null, name: 'From event', at: NOW });
  });

  test('the cache keeps the 50 most recent agents, so its record stays under 8 KB', async () => {
    const deps = world();
    const cache = emptyCache();
    for (let i = 0; i < 50; i++) cache.agents['old-' + i] = { chat: 'a9e00000-0000-4000-8000-0000000000' + String(i).padStart(2, '0'), name: 'Agent Name Number ' + i, at: NOW - 2 * DAY + i };
    const result = await resolveAuthor(deps, cache, '67030', null);
    expect(result.change).toMatchObject({ agents: { '67030': { chat: 'chat-ava' } }, dropAgents: ['old-0'] });
    expect(Object.keys(cache.agents)).toHaveLength(50);
    expect(JSON.stringify({ appId: 'a0000000-0000-4000-8000-000000000001', agents: cache.agents }).length).toBeLessThan(8 * 1024 - 30);
    expect(cache.agents['old-0']).toBeUndefined();
    expect(cache.agents['old-1']).toBeDefined();
    expect(cache.agents['67030']).toEqual({ chat: 'chat-ava', name: 'Ava Parker', at: NOW });
  });

  test('a cache of exactly 50 agents is left whole', async () => {
    const deps = world();
    const cache = emptyCache();
    for (let i = 0; i < 49; i++) cache.agents['old-' + i] = { chat: null, name: null, at: NOW - DAY + i };
    await resolveAuthor(deps, cache, '67030', null);
    expect(Object.keys(cache.agents)).toHaveLength(50);
    expect(cache.agents['old-0']).toBeDefined();
  });
});
