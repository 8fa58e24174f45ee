// sync/pipeline.ts with fake Freshchat and Freshcaller and the real store over FakePlatform's $db:
// read → decide → claim → gather → write → save.
import { fingerprint } from '../../../server/src/domain/fingerprint';
import { renderSummaryNote } from '../../../server/src/domain/render-note';
import type { FreshchatApi } from '../../../server/src/clients/freshchat';
import { UNCERTAIN_SETTLE_MS } from '../../../server/src/sync/decide';
import { runPipeline, FIRST_RETRY_MS } from '../../../server/src/sync/pipeline';
import { readCallRecord, type CallRecord } from '../../../server/src/sync/record';
import { answeredWorld, chatError, DEFAULT_AGENT, nextInvocation, NOW, recordWith, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';
import { call, input, NOTES, ROOT } from './run-state';

const LINKED = { state: 'linked' as const, conversationId: 'c1', userId: 'u1', reason: 'matched', ambiguous: false, by: 'app' as const };

function world(iparams: Record<string, unknown> = {}, csat: { transferMade: boolean; outcome: number | null } | null = null): FakeSyncDeps {
  return answeredWorld(syncDepsFor({ iparams }), csat);
}

/** Storage operations, a caller entry's keyed hash shown as `cc:…`. */
function dbOps(deps: FakeSyncDeps): string[] {
  return deps.platform.dbOps().map((op) => op.replace(/cc:[0-9a-f]{16}$/, 'cc:\u2026'));
}

/** The record as the next run reads it (the store drops empty arrays). */
function saved(deps: FakeSyncDeps): CallRecord {
  return readCallRecord(deps.platform.store.get('call:' + ROOT));
}

function seed(deps: FakeSyncDeps, fields: Partial<CallRecord>): void {
  deps.platform.seed('call:' + ROOT, recordWith(fields) as unknown as Record<string, unknown>);
}

/** The record the first event of the answered call leaves (summary written, resolved, no rating). */
function afterFirstSync(fields: Partial<CallRecord> = {}): Partial<CallRecord> {
  return Object.assign(
    {
      v: 1, status: 'synced' as const, outcome: 'answered' as const, created: Date.parse('2026-11-02T14:05:00.000+00:00'), seen: '2026-11-02T14:08:24.000+00:00',
      link: LINKED, summary: 'written' as const, actorId: DEFAULT_AGENT, agentName: 'Ava Parker', notesFp: fingerprint(NOTES), resolution: 'resolved' as const,
      csat: { state: 'none' as const, rating: null, key: null, looks: 1, lookAt: null },
    },
    fields,
  );
}

function summaryText(): string {
  return renderSummaryNote({
    callId: ROOT, direction: 'incoming', outcome: 'answered', caller: null, callerRaw: null, maskCallerNumber: false, agentName: 'Ava Parker',
    durationSeconds: 184, businessNumber: null, queueName: null, callNotes: NOTES, recordingUrl: null, csat: null, transfers: [],
  });
}

describe('runPipeline: a first sync', () => {
  test('an answered call from a known caller: linked, summary, resolve; claimed once, saved once', async () => {
    const deps = world();
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'synced', callId: ROOT, steps: ['link', 'read_csat', 'post_summary', 'resolve'], failure: null, retryAt: null, settledNow: true });
    // Read (absent), claim by creating the record, the caller's entry and app:state, save, then
    // what was learned: the agent (app:state) and the caller.
    expect(dbOps(deps)).toEqual(['get call:' + ROOT, 'set call:' + ROOT, 'get cc:\u2026', 'get app:state', 'set call:' + ROOT, 'update app:state', 'set cc:\u2026']);
    expect(saved(deps)).toMatchObject({ v: 1, status: 'synced', summary: 'written', resolution: 'resolved', link: { state: 'linked', conversationId: 'c1' }, csat: { state: 'none' } });
    expect(deps.platform.store.get('call:' + ROOT)).not.toHaveProperty('claim');
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
    expect(deps.chat.statusOf('c1')).toBe('resolved');
  });

  test('createFirst (the event says the call just ended): the record is created without a read first', async () => {
    const deps = world();
    const result = await runPipeline(input(), deps, { createFirst: true });
    expect(result.code).toBe('synced');
    expect(dbOps(deps).slice(0, 2)).toEqual(['set call:' + ROOT, 'get cc:\u2026']);
    expect(dbOps(deps).filter((op) => op === 'get call:' + ROOT)).toEqual([]);
  });

  test('createFirst on a call that has a record: the create fails, and the run reads it like any other', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ notesFp: 'older' }));
    const result = await runPipeline(input(), deps, { createFirst: true });
    expect(result).toMatchObject({ code: 'synced', steps: ['post_follow_up'] });
    expect(dbOps(deps)).toEqual(['set call:' + ROOT, 'get call:' + ROOT, 'set lk:' + ROOT + ':1', 'set call:' + ROOT]);
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
  });

  test('a returning caller\'s answered call, same agent: the remembered conversation written to unread, the agent from the entry, nothing to save but the record', async () => {
    const deps = world();
    await runPipeline(input(), deps);
    const second = input({ rootId: '25847800', call: call((raw) => { raw.id = '25847800'; }) });
    deps.platform.time += 60 * 60000;
    const before = deps.chat.calls.length;
    deps.platform.calls.length = 0;
    const result = await runPipeline(second, nextInvocation(deps), { createFirst: true });
    expect(result.steps).toEqual(['link', 'read_csat', 'post_summary', 'resolve']);
    // An answered call resolves whatever the status: the conversation is not read first.
    expect(deps.chat.calls.slice(before).map((c) => c.method)).toEqual(['postPrivateNote', 'setConversationStatus']);
    expect(deps.chat.notesIn('c1')).toHaveLength(2);
    expect(dbOps(deps)).toEqual(['set call:25847800', 'get cc:\u2026', 'set call:25847800']);
  });

  test('a returning caller\'s missed call: the remembered conversation is read, since a resolved one is reopened', async () => {
    const deps = world();
    await runPipeline(input(), deps);
    const missed = input({ rootId: '25847810', outcome: 'missed', logType: 'missed', call: call((raw) => { raw.id = '25847810'; }) });
    deps.platform.time += 60 * 60000;
    const before = deps.chat.calls.length;
    const result = await runPipeline(missed, nextInvocation(deps), { createFirst: true });
    expect(result.steps).toEqual(['link', 'post_summary', 'reopen']);
    expect(deps.chat.calls.slice(before).map((c) => c.method)).toEqual(['getConversation', 'postPrivateNote', 'setConversationStatus']);
    expect(deps.chat.statusOf('c1')).toBe('reopened');
  });

  test.each([
    ['deleted (404)', null],
    ['refusing the note (400)', 400],
  ])('the remembered conversation %s at the first write: looked up afresh in the same run, written once, the entry replaced', async (_what, status) => {
    const deps = world();
    await runPipeline(input(), deps);
    if (status === null) deps.chat.removeConversation('c1');
    else deps.chat.fail('postPrivateNote', chatError('postPrivateNote', status), 1);
    deps.chat.addConversation({ id: 'c2', userId: 'u1', status: 'new', createdTime: '2026-11-02T09:00:00.000Z' });
    const second = input({ rootId: '25847820', call: call((raw) => { raw.id = '25847820'; }) });
    deps.platform.time += 60 * 60000;
    const result = await runPipeline(second, nextInvocation(deps), { createFirst: true });
    expect(result).toMatchObject({ code: 'synced', failure: null, steps: ['link', 'read_csat', 'link', 'post_summary', 'resolve'] });
    const found = status === null ? 'c2' : (readCallRecord(deps.platform.store.get('call:25847820')).link.conversationId as string);
    expect(readCallRecord(deps.platform.store.get('call:25847820'))).toMatchObject({ status: 'synced', summary: 'written', link: { state: 'linked', conversationId: found } });
    expect(deps.chat.notesIn(found).filter((n) => n.text.includes('call 25847820'))).toHaveLength(1);
    // The phone lookup ran, and the caller's entry now names what it found.
    expect(deps.chat.methods()).toContain('findUsersByPhone');
    const entries = [...deps.platform.store.entries()].filter(([k]) => k.startsWith('cc:'));
    expect(entries.map(([, v]) => (v as { c?: string }).c)).toEqual([found]);
  });

  test('the fresh lookup refused too: the failure is recorded as usual, nothing written', async () => {
    const deps = world();
    await runPipeline(input(), deps);
    deps.chat.fail('postPrivateNote', chatError('postPrivateNote', 400));
    const second = input({ rootId: '25847830', call: call((raw) => { raw.id = '25847830'; }) });
    deps.platform.time += 60 * 60000;
    const result = await runPipeline(second, nextInvocation(deps), { createFirst: true });
    expect(result).toMatchObject({ code: 'failed', failure: { code: 'invalid', permanent: true } });
    expect(deps.chat.count('postPrivateNote')).toBe(3);
    expect(readCallRecord(deps.platform.store.get('call:25847830'))).toMatchObject({ status: 'failed', summary: 'none' });
  });

  test('a returning caller with another agent: the agent cache is read for them; the entry is not rewritten for that alone', async () => {
    const deps = world();
    deps.caller.addUser({ id: '67031', name: 'Dan Fischer', email: null });
    await runPipeline(input(), deps);
    const second = input({ rootId: '25847801', call: call((raw) => { raw.id = '25847801'; raw.assigned_agent_id = '67031'; raw.assigned_agent_name = 'Dan Fischer'; }) });
    deps.platform.time += 60 * 60000;
    deps.platform.calls.length = 0;
    await runPipeline(second, nextInvocation(deps), { createFirst: true });
    expect(dbOps(deps)).toEqual(['set call:25847801', 'get cc:\u2026', 'get app:state', 'set call:25847801', 'update app:state']);
  });

  test('a rating known at once is posted after the resolve', async () => {
    const deps = world({}, { transferMade: true, outcome: 4 });
    const result = await runPipeline(input(), deps);
    expect(result.steps).toEqual(['link', 'read_csat', 'post_summary', 'resolve', 'post_csat']);
    expect(deps.chat.csat).toEqual([{ conversationId: 'c1', rating: 4 }]);
    expect(saved(deps).csat.state).toBe('posted');
  });

  test('a new conversation for an unknown caller (channel set): created with the summary, resolved and rated', async () => {
    const deps = syncDepsFor({ iparams: { freshchat_channel_id: 'ch-1' } });
    deps.caller.setCsat(ROOT, { transferMade: true, outcome: 5 }).addUser({ id: '67030', name: 'Ava Parker', email: null });
    const result = await runPipeline(input(), deps);
    expect(result.steps).toEqual(['link', 'read_csat', 'create_user', 'create_conversation', 'resolve', 'post_csat']);
    expect(deps.chat.csat).toHaveLength(1);
  });

  test('a new conversation for a call with no agent: the default agent writes, the app id is read once and cached', async () => {
    const deps = syncDepsFor({ iparams: { freshchat_channel_id: 'ch-1' } });
    const agentless = input({ call: call((raw) => { raw.assigned_agent_id = null; raw.assigned_agent_name = null; }) });
    await runPipeline(agentless, deps);
    expect(deps.chat.created).toMatchObject([{ appId: 'app-1', channelId: 'ch-1', actorId: DEFAULT_AGENT }]);
    expect(deps.platform.store.get('app:state')).toEqual({ appId: 'app-1' });
    expect(deps.caller.count('getUser')).toBe(0);
  });

  test('a transfer folded in before the summary is written into the summary, not a follow-up', async () => {
    const deps = world();
    seed(deps, { v: 1, outcome: null, created: 1, transfers: [{ leg: '25847697', agentName: 'Dan Fischer', durationSeconds: 42, written: false }] });
    const result = await runPipeline(input(), deps);
    expect(result.steps).toEqual(['link', 'read_csat', 'post_summary', 'resolve']);
    expect(deps.chat.notesIn('c1')[0]!.text).toContain('Transferred to: Dan Fischer (42s)');
    expect(saved(deps).transfers[0]!.written).toBe(true);
  });

  test('nothing new: no claim, one storage read, no request', async () => {
    const deps = world();
    seed(deps, afterFirstSync());
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'nothing', steps: [], settledNow: false });
    expect(deps.platform.dbOps()).toEqual(['get call:' + ROOT]);
    expect(deps.chat.count() + deps.caller.count()).toBe(0);
  });

  test('the claim names the writes about to be made', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ notesFp: 'older' }));
    await runPipeline(input(), deps);
    expect(deps.platform.store.get('lk:' + ROOT + ':1')).toEqual({ at: NOW, steps: 'post_follow_up' });
  });

  test('a missed call from an unknown number: the link only, left unlinked (no status read of a conversation that does not exist)', async () => {
    const deps = syncDepsFor();
    const missed = input({ outcome: 'missed', logType: 'missed', call: call((raw) => { raw.participants = [{ participant_type: 'Customer', caller_number: '+14155550199', call_status: 3 }]; raw.assigned_agent_id = null; raw.assigned_agent_name = null; }) });
    const result = await runPipeline(missed, deps);
    expect(result).toMatchObject({ code: 'unlinked', steps: ['link'] });
    expect(deps.chat.count('getConversation')).toBe(0);
    expect(saved(deps)).toMatchObject({ status: 'unlinked', resolution: 'none' });
  });

  test('a missed call from a known caller: the status the link read is used, not read again', async () => {
    const deps = world();
    deps.chat.conversations.get('c1')!.status = 'resolved';
    const missed = input({ outcome: 'missed', logType: 'missed' });
    const result = await runPipeline(missed, deps);
    expect(result.steps).toEqual(['link', 'post_summary', 'reopen']);
    expect(deps.chat.count('getConversation')).toBe(1);
  });
});

describe('runPipeline: claims', () => {
  test('a live claim (younger than 60 s): busy, nothing read from the APIs, nothing saved', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 3, notesFp: 'older' }));
    deps.platform.seed('lk:' + ROOT + ':3', { at: NOW - 59999, steps: 'post_follow_up' });
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'busy', retryAt: NOW + FIRST_RETRY_MS, record: { v: 3 }, steps: [] });
    expect(deps.chat.count() + deps.caller.count()).toBe(0);
    expect(saved(deps).v).toBe(3);
  });

  test('a first run under way (the record it created holds its claim): busy, nothing read, nothing saved', async () => {
    const deps = world();
    deps.platform.seed('call:' + ROOT, Object.assign(recordWith({ v: 0, outcome: 'answered' }) as unknown as Record<string, unknown>, { claim: { at: NOW - 59999, steps: 'post_summary' } }));
    for (const createFirst of [false, true]) {
      const result = await runPipeline(input(), deps, { createFirst });
      expect(result).toMatchObject({ code: 'busy', steps: [] });
    }
    expect(deps.chat.count() + deps.caller.count()).toBe(0);
    expect(deps.platform.store.get('call:' + ROOT)).toMatchObject({ v: 0, claim: { at: NOW - 59999 } });
  });

  test('a first run that died (its claim in the record is stale): its writes become uncertain, checked, not written twice', async () => {
    const deps = world();
    deps.platform.seed('call:' + ROOT, Object.assign(recordWith({ v: 0, outcome: 'answered' }) as unknown as Record<string, unknown>, { claim: { at: NOW - 61000, steps: 'post_summary,resolve' } }));
    deps.chat.notes.set('c1', [{ actorId: DEFAULT_AGENT, text: summaryText(), firstMessage: false }]);
    const result = await runPipeline(input(), deps);
    expect(dbOps(deps)).toContain('set lk:' + ROOT + ':0:1');
    // The link is found first; then the summary the dead run may have written is checked (found),
    // and the resolve it may not have made is made: nothing twice, in one run.
    expect(result.steps).toEqual(['link', 'read_csat', 'verify_notes', 'resolve']);
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
    expect(saved(deps)).toMatchObject({ v: 1, summary: 'written', resolution: 'resolved', uncertain: [] });
    expect(deps.platform.store.get('call:' + ROOT)).not.toHaveProperty('claim');
  });

  test('a stale claim: its writes become uncertain and this run takes over with the next key', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 4, summary: 'none', resolution: 'none', notesFp: null, status: 'pending' }));
    deps.platform.seed('lk:' + ROOT + ':4', { at: NOW - 61000, steps: 'post_summary,resolve' });
    deps.chat.notes.set('c1', [{ actorId: DEFAULT_AGENT, text: summaryText(), firstMessage: false }]);
    deps.chat.conversations.get('c1')!.status = 'resolved';
    const result = await runPipeline(input(), deps);
    expect(deps.platform.dbOps()).toContain('set lk:' + ROOT + ':4:1');
    // The dead run started over a minute ago: what it wrote has landed. Its summary is found and
    // its resolve is found done: nothing is written twice.
    expect(result.steps).toEqual(['verify_notes', 'conversation_status']);
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
    expect(deps.chat.statuses).toEqual([]);
    expect(saved(deps)).toMatchObject({ v: 5, summary: 'written', resolution: 'resolved', uncertain: [], uncertainAt: null });
  });

  test('the dead run\'s summary behind a page of newer messages: the check reads every message since the call began, and finds it', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 4, summary: 'none', resolution: 'none', notesFp: null, status: 'pending', created: NOW - 3 * 3600000 }));
    deps.platform.seed('lk:' + ROOT + ':4', { at: NOW - 61000, steps: 'post_summary' });
    deps.chat.notes.set('c1', [{ actorId: DEFAULT_AGENT, text: summaryText(), firstMessage: false }]);
    // Freshchat lists newest first, 50 a page: 50 newer messages of other calls come first.
    const asked: Array<[number, number | null | undefined]> = [];
    const original = deps.chat.listMessages.bind(deps.chat);
    deps.chat.listMessages = async (conversationId, page, since) => {
      asked.push([page, since]);
      if (page === 1) return { messages: Array.from({ length: 50 }, (_, i) => ({ id: 'other-' + i, messageType: 'normal', actorType: 'user', text: 'hello', createdTime: null })), hasMore: true };
      return original(conversationId, page, since);
    };
    const result = await runPipeline(input(), deps);
    expect(asked.map(([page]) => page)).toEqual([1, 2]);
    expect(asked[0]![1]).toBeLessThanOrEqual(NOW - 3 * 3600000);
    expect(result.steps).toEqual(['verify_notes', 'resolve']);
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
  });

  test('a claim of a run that died seconds ago: its writes may still land, so this run waits', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 4, summary: 'none', resolution: 'none', notesFp: null, status: 'pending' }));
    // Older than a live claim (60 s) is never younger than the settle time: the wait is at most a minute.
    deps.platform.seed('lk:' + ROOT + ':4', { at: NOW - 61000, steps: 'post_summary' });
    deps.platform.time = NOW - 61000 + UNCERTAIN_SETTLE_MS - 1;
    const early = await runPipeline(input(), deps);
    expect(early).toMatchObject({ code: 'busy', steps: [] });
  });

  test('a stale claim whose summary never happened: checked, then written', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 4, summary: 'none', resolution: 'none', notesFp: null, status: 'pending' }));
    deps.platform.seed('lk:' + ROOT + ':4', { at: NOW - 61000, steps: 'post_summary' });
    const result = await runPipeline(input(), deps);
    expect(result.steps).toEqual(['verify_notes', 'post_summary', 'resolve']);
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
  });

  test('a claim naming no writes: nothing becomes uncertain, and the run goes ahead at once', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 4, summary: 'none', resolution: 'none', notesFp: null, status: 'pending' }));
    deps.platform.seed('lk:' + ROOT + ':4', { at: NOW - 61000, steps: '-' });
    const result = await runPipeline(input(), deps);
    expect(result.steps).toEqual(['post_summary', 'resolve']);
  });

  test('two stale claims: the second takeover key', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 2, notesFp: 'older' }));
    deps.platform.seed('lk:' + ROOT + ':2', { at: NOW - 120000, steps: '-' });
    deps.platform.seed('lk:' + ROOT + ':2:1', { at: NOW - 61000, steps: 'post_follow_up' });
    await runPipeline(input(), deps);
    expect(deps.platform.dbOps().filter((op) => op.indexOf('lk:') >= 0)).toEqual([
      'set lk:' + ROOT + ':2', 'get lk:' + ROOT + ':2', 'set lk:' + ROOT + ':2:1', 'get lk:' + ROOT + ':2:1', 'set lk:' + ROOT + ':2:2',
    ]);
  });

  test('three runs whose saves were refused before this one: it still takes over, and syncs', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 2, notesFp: 'older' }));
    deps.platform.seed('lk:' + ROOT + ':2', { at: NOW - 30 * 60000, steps: '-' });
    deps.platform.seed('lk:' + ROOT + ':2:1', { at: NOW - 20 * 60000, steps: '-' });
    deps.platform.seed('lk:' + ROOT + ':2:2', { at: NOW - 10 * 60000, steps: '-' });
    const result = await runPipeline(input(), deps);
    expect(result.code).toBe('synced');
    expect(deps.platform.store.has('lk:' + ROOT + ':2:3')).toBe(true);
  });

  test('a run that died after the summary of a call\'s first event: the next run does not write it again', async () => {
    const deps = world();
    // The first run crashes right after Freshchat accepted its summary.
    const chat = deps.chat;
    const crashing: FreshchatApi = Object.assign(Object.create(Object.getPrototypeOf(chat) as object) as FreshchatApi, chat, {
      postPrivateNote: async (conversationId: string, actorId: string, text: string) => {
        await chat.postPrivateNote(conversationId, actorId, text);
        throw new TypeError('invocation killed');
      },
    });
    await expect(runPipeline(input(), Object.assign({}, deps, { chat: crashing }))).rejects.toThrow('invocation killed');
    expect(chat.notesIn('c1')).toHaveLength(1);
    // A retry a few minutes later.
    deps.platform.time += 5 * 60000;
    await runPipeline(input(), nextInvocation(deps));
    expect(chat.notesIn('c1')).toHaveLength(1);
  });
});

describe('runPipeline: failures', () => {
  test('a failure part-way keeps the earlier writes, marks the failed one uncertain, and is retried', async () => {
    const deps = world();
    deps.chat.fail('setConversationStatus', chatError('setConversationStatus', 503));
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'deferred', steps: ['link', 'read_csat', 'post_summary'], failure: { code: 'server', status: 503, permanent: false }, retryAt: NOW + FIRST_RETRY_MS });
    expect(saved(deps)).toMatchObject({ v: 1, status: 'retrying', summary: 'written', resolution: 'none', uncertain: ['resolve'], failure: { code: 'server', permanent: false, nextAt: NOW + FIRST_RETRY_MS } });
  });

  test('the retry checks the uncertain resolve, then finishes without a second summary', async () => {
    const deps = world();
    deps.chat.fail('setConversationStatus', chatError('setConversationStatus', 503), 1);
    await runPipeline(input(), deps);
    expect(saved(deps)).toMatchObject({ uncertain: ['resolve'], uncertainAt: NOW });
    // the retry, when it is due a minute later
    deps.platform.time += FIRST_RETRY_MS;
    const retry = await runPipeline(input(), nextInvocation(deps));
    expect(retry.steps).toEqual(['conversation_status', 'resolve']);
    expect(deps.chat.notesIn('c1')).toHaveLength(1);
    // (uncertainAt is left as it was: with nothing uncertain it holds nothing back)
    expect(saved(deps)).toMatchObject({ v: 2, status: 'synced', failure: null, uncertain: [] });
  });

  test('an event less than a minute after a lost write: busy, nothing read or written, the retry still pending', async () => {
    const deps = world();
    deps.chat.fail('setConversationStatus', chatError('setConversationStatus', 503), 1);
    await runPipeline(input(), deps);
    deps.platform.time += UNCERTAIN_SETTLE_MS - 1;
    const again = nextInvocation(deps);
    const before = deps.chat.count() + deps.caller.count();
    const result = await runPipeline(input(), again);
    expect(result).toMatchObject({ code: 'busy', steps: [], priorRetryAt: NOW + FIRST_RETRY_MS });
    expect(deps.chat.count() + deps.caller.count()).toBe(before);
    expect(deps.chat.statusOf('c1')).not.toBe('resolved');
  });

  test('a run after a transient failure names when its retry was due; after a clean run, none', async () => {
    const deps = world();
    deps.chat.fail('setConversationStatus', chatError('setConversationStatus', 503), 1);
    expect((await runPipeline(input(), deps)).priorRetryAt).toBeNull();
    deps.platform.time += FIRST_RETRY_MS;
    const retry = await runPipeline(input(), nextInvocation(deps));
    expect(retry.priorRetryAt).toBe(NOW + FIRST_RETRY_MS);
  });

  test('a Retry-After longer than a minute sets when it is tried again', async () => {
    const deps = world();
    deps.chat.fail('postPrivateNote', chatError('postPrivateNote', 429, { retryAfterSeconds: 300 }));
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'deferred', retryAt: NOW + 300000, retryAfterSeconds: 300 });
    // a 429 is an answer: the note was not written, nothing is uncertain
    expect(saved(deps).uncertain).toEqual([]);
  });

  test('a permanent failure is recorded as failed and not retried', async () => {
    const deps = world();
    deps.chat.fail('postPrivateNote', chatError('postPrivateNote', 401));
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'failed', retryAt: null, failure: { code: 'auth', permanent: true }, settledNow: true });
    expect(saved(deps)).toMatchObject({ status: 'failed', failure: { permanent: true, nextAt: null } });
  });

  test('a failing read: deferred, nothing written, the read not applied', async () => {
    const deps = world();
    deps.caller.fail('getCallMetrics', chatError('getConversation', 504));
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'deferred', steps: ['link'] });
    expect(deps.chat.notesIn('c1')).toHaveLength(0);
  });

  test('the store refusing a read mid-run (the agent cache): deferred as a storage failure', async () => {
    const deps = world();
    deps.platform.failDb('get', { status: 429, message: 'Rate limit exceeded' }, 'app:state');
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'deferred', failure: { code: 'storage_budget', permanent: false } });
  });

  test('the agent cache not saved costs a lookup next time, and the run still succeeds', async () => {
    const deps = world();
    deps.platform.failDb('update', { status: 429, message: 'Rate limit exceeded' }, 'app:state');
    const result = await runPipeline(input(), deps);
    expect(result.code).toBe('synced');
    expect(result.steps[result.steps.length - 1]).toBe('cache_not_saved');
  });

  test('the record not readable (budget): the StoreError reaches the caller, nothing claimed', async () => {
    const deps = world();
    deps.platform.dbBudget = 0;
    await expect(runPipeline(input(), deps)).rejects.toMatchObject({ name: 'StoreError', budget: true });
    expect(deps.chat.count()).toBe(0);
  });

  test('another call from the same number creating its conversation: busy, retried', async () => {
    const deps = syncDepsFor({ iparams: { freshchat_channel_id: 'ch-1' } });
    deps.caller.addUser({ id: '67030', name: 'Ava Parker', email: null });
    deps.platform.seed('ph:' + fingerprint('+14155550123'), { at: 1 });
    const result = await runPipeline(input(), deps);
    expect(result).toMatchObject({ code: 'busy', retryAt: NOW + FIRST_RETRY_MS, failure: null });
    expect(deps.chat.count('createUser')).toBe(0);
    expect(saved(deps)).toMatchObject({ v: 1, link: { state: 'to_create' }, failure: null });
  });

  test('an unexpected error is a bug: it escapes', async () => {
    const deps = world();
    deps.chat.fail('postPrivateNote', new TypeError('boom'));
    await expect(runPipeline(input(), deps)).rejects.toThrow('boom');
  });

  test('giving up: the failure recorded as permanent without running anything', async () => {
    const deps = world();
    seed(deps, afterFirstSync({ v: 3, summary: 'none', status: 'retrying' }));
    const result = await runPipeline(input(), deps, { giveUp: { code: 'gave_up', reason: 'gave up after 24 hours', status: 503, transient: false } });
    expect(result).toMatchObject({ code: 'failed', steps: [] });
    expect(deps.chat.count() + deps.caller.count()).toBe(0);
    expect(saved(deps)).toMatchObject({ v: 4, status: 'failed', failure: { code: 'gave_up', permanent: true } });
  });

  test('a record of the first version of the app: its summary is not written a second time', async () => {
    const deps = world();
    deps.platform.seed('call:' + ROOT, { v: 2, conversationId: 'c1', linkedBy: 'app', outcome: 'answered', summary: true, resolved: true, csat: 'none', seen: '2026-11-02T14:08:24.000+00:00' });
    deps.chat.notes.set('c1', [{ actorId: DEFAULT_AGENT, text: summaryText(), firstMessage: false }]);
    await runPipeline(input({ call: call((raw) => { raw.recording = { url: 'https://rec.example/1.mp3' }; raw.updated_time = '2026-11-02T14:09:00.000+00:00'; }) }), deps);
    const summaries = deps.chat.notesIn('c1').filter((note) => /· summary$/.test(note.text));
    expect(summaries).toHaveLength(1);
  });
});
