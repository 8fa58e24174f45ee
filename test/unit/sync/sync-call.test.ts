// syncCall and executePlan end to end through the fakes: what reaches Freshchat, what is saved,
// and what it costs in requests and storage operations.
import { fingerprint } from '../../../server/src/domain/fingerprint';
import { StoreError } from '../../../server/src/state/call-store';
import { csatState } from '../../../server/src/sync/execute-plan';
import { syncCall, type SyncResult, type SyncTarget } from '../../../server/src/sync/sync-call';
import { triageCallEvent } from '../../../server/src/sync/triage';
import { CHANNEL, chatError, DEFAULT_AGENT, NOW, recordWith, requestCount, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';
import { loadSequence, variant, type Payload } from '../../support/fixtures';
import { callOf } from '../domain/call-builder';

const ANSWERED = loadSequence('answered-inbound');
const CALL_ID = '25847696';
const NOTES = 'Customer asked to move the delivery to Friday. Confirmed new slot.';
const RECORDING = 'https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090';

/** A known caller (+14155550123) with one open conversation; Ava is in both products. */
function world(iparams: Record<string, unknown> = {}): FakeSyncDeps {
  const deps = syncDepsFor({ iparams });
  deps.chat.addUser('user-1', '+14155550123').addConversation({ id: 'conv-1', userId: 'user-1', status: 'assigned' });
  deps.chat.addAgent({ id: 'chat-ava', email: 'ava@acme.test', name: 'Ava Parker' });
  deps.chat.addAgent({ id: 'chat-dan', email: 'dan@acme.test', name: 'Dan Fischer' });
  deps.caller.addUser({ id: '67030', name: 'Ava Parker', email: 'ava@acme.test' });
  deps.caller.addUser({ id: '67031', name: 'Dan Fischer', email: 'dan@acme.test' });
  deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: 4 });
  return deps;
}

function targetOf(payload: Payload, deps: FakeSyncDeps): SyncTarget {
  const triage = triageCallEvent(callOf(payload), payload.data.changes, deps.settings);
  if (triage.kind !== 'sync') throw new Error('not synced: ' + triage.reason);
  return triage;
}

function sync(payload: Payload, deps: FakeSyncDeps): Promise<SyncResult> {
  return syncCall(targetOf(payload, deps), deps);
}

function at(sequence: string, index: number): Payload {
  const payload = loadSequence(sequence)[index];
  if (!payload) throw new Error('no event ' + index + ' in ' + sequence);
  return payload;
}

/** Counts from here on: requests to both products and storage operations. */
function meter(deps: FakeSyncDeps): () => { requests: number; storage: number } {
  const requests = requestCount(deps);
  const storage = deps.store.count();
  return () => ({ requests: requestCount(deps) - requests, storage: deps.store.count() - storage });
}

describe('syncCall: an answered call from a known caller', () => {
  test('writes the summary, resolves, then posts the CSAT, and saves what it did as the next version', async () => {
    const deps = world();
    const result = await sync(ANSWERED[4] as Payload, deps);

    expect(result).toEqual({ text: 'posted the summary note to conversation conv-1; resolved the conversation; posted CSAT 4/5', failed: false });
    expect(deps.chat.notesIn('conv-1')).toEqual([
      {
        actorId: 'chat-ava',
        firstMessage: false,
        text: [
          'Incoming call \u00b7 answered',
          'Caller: +1 415 555 0123',
          'Agent: Ava Parker',
          'Duration: 3m 04s',
          'Business number: +1 858 281 0798 \u00b7 queue Support queue',
          'Call notes: ' + NOTES,
          'CSAT: 4/5 (caller pressed 4)',
          'Freshcaller call 25847696',
          'Call Sync \u00b7 call 25847696 \u00b7 summary',
        ].join('\n'),
      },
    ]);
    expect(deps.chat.statuses).toEqual([{ conversationId: 'conv-1', status: 'resolved' }]);
    expect(deps.chat.csat).toEqual([{ conversationId: 'conv-1', rating: 4 }]);
    const order = deps.chat.methods();
    expect(order.indexOf('postCsat')).toBeGreaterThan(order.indexOf('setConversationStatus'));

    expect(deps.store.saved(CALL_ID)).toEqual(
      recordWith({
        v: 1,
        conversationId: 'conv-1',
        reason: 'matched user by phone \u20260123; most recent open conversation',
        linkedBy: 'app',
        outcome: 'answered',
        summary: true,
        actorId: 'chat-ava',
        agentName: 'Ava Parker',
        notesFp: fingerprint(NOTES),
        resolved: true,
        csat: 'posted',
        csatRating: 4,
        csatKey: 4,
        seen: '2026-11-02T14:08:24.000+00:00',
      }),
    );
    expect(deps.store.cache.agents['67030']).toEqual({ chat: 'chat-ava', name: 'Ava Parker', at: NOW });
    // The intent is saved at the claimed version just before the summary goes out, then the result.
    expect(deps.store.operations.map((o) => o.op)).toEqual(['read', 'claim', 'readCache', 'write', 'writeCache', 'write']);
  });

  test('an attempt that died after saving its intent: the next one finds the summary in the conversation and does not post it again', async () => {
    const deps = world();
    const first = world();
    await sync(ANSWERED[4] as Payload, first);
    // the conversation already holds the summary; the stored record only says it was about to be sent
    deps.chat.notes.set('conv-1', [first.chat.notesIn('conv-1')[0]!]);
    deps.store.seed(CALL_ID, recordWith({ v: 0, conversationId: 'conv-1', linkedBy: 'app', pendingSummary: true }));
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result.text).toMatch(/^found the summary already in conversation conv-1/);
    expect(deps.chat.notesIn('conv-1')).toHaveLength(1);
    expect(deps.chat.count('listMessages')).toBe(1);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ summary: true, pendingSummary: false });
  });

  test('the recording arriving later is one short follow-up by the same author, without looking the agent up again', async () => {
    const deps = world();
    await sync(ANSWERED[4] as Payload, deps);
    const cost = meter(deps);
    const result = await sync(ANSWERED[5] as Payload, deps);
    expect(result).toEqual({ text: 'posted a follow-up (recording)', failed: false });
    expect(deps.chat.notesIn('conv-1')[1]).toEqual({
      actorId: 'chat-ava',
      firstMessage: false,
      text: 'Recording ready: ' + RECORDING + '\nCall Sync \u00b7 call 25847696 \u00b7 follow-up',
    });
    expect(cost()).toEqual({ requests: 1, storage: 3 });
    expect(deps.store.saved(CALL_ID)).toMatchObject({ v: 2, recordingFp: fingerprint(RECORDING), seen: '2026-11-02T14:09:10.000+00:00' });
  });

  test('a duplicate event costs exactly one storage read and no request', async () => {
    const deps = world();
    await sync(ANSWERED[4] as Payload, deps);
    const cost = meter(deps);
    await expect(sync(ANSWERED[4] as Payload, deps)).resolves.toEqual({ text: 'nothing new to sync', failed: false });
    expect(cost()).toEqual({ requests: 0, storage: 1 });
    expect(deps.store.operations[deps.store.operations.length - 1]).toEqual({ op: 'read', key: CALL_ID });
  });

  test('the CSAT survey still open: waiting, and one schedule to look again', async () => {
    const deps = world();
    deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: null });
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result.text).toBe('CSAT survey still open, will look again; posted the summary note to conversation conv-1; resolved the conversation');
    expect(deps.schedule.creates).toEqual([
      { name: 'cs-25847696', data: { kind: 'csat', callId: CALL_ID }, schedule_at: new Date(NOW + 10 * 60000).toISOString() },
    ]);
    expect(deps.chat.count('postCsat')).toBe(0);
    expect(deps.chat.notesIn('conv-1')[0]!.text).not.toContain('CSAT');
    expect(deps.store.saved(CALL_ID)).toMatchObject({ csat: 'waiting', csatRating: null, resolved: true });
  });

  test.each([
    ['no metrics at all', null],
    ['no survey', { transferMade: false, outcome: null }],
    ['a key outside the scale', { transferMade: true, outcome: 7 }],
  ])('%s: no rating, nothing posted, nothing scheduled', async (_label, csat) => {
    const deps = world();
    if (csat === null) deps.caller.metrics.clear();
    else deps.caller.setCsat(CALL_ID, csat);
    await sync(ANSWERED[4] as Payload, deps);
    expect(deps.chat.count('postCsat')).toBe(0);
    expect(deps.schedule.creates).toEqual([]);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ csat: 'none', csatRating: null, resolved: true });
  });

  test('resolve_policy never: the rating goes into the note, the conversation stays open, no CSAT is posted', async () => {
    const deps = world({ resolve_policy: 'never' });
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result.text).toBe('posted the summary note to conversation conv-1');
    expect(deps.chat.notesIn('conv-1')[0]!.text).toContain('\nCSAT: 4/5 (caller pressed 4)\n');
    expect(deps.chat.count('setConversationStatus')).toBe(0);
    expect(deps.chat.count('postCsat')).toBe(0);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ csat: 'noted', csatRating: 4, csatKey: 4, resolved: false });
  });

  test('an already resolved conversation is not resolved again, but takes the CSAT', async () => {
    const deps = world();
    deps.chat.conversations.get('conv-1')!.status = 'resolved';
    await sync(ANSWERED[4] as Payload, deps);
    expect(deps.chat.count('setConversationStatus')).toBe(0);
    expect(deps.chat.csat).toEqual([{ conversationId: 'conv-1', rating: 4 }]);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ resolved: true, csat: 'posted' });
  });

  test('an agent without a Freshchat match: the default agent authors the note', async () => {
    const deps = world();
    deps.chat.agents.splice(0);
    await sync(ANSWERED[4] as Payload, deps);
    expect(deps.chat.notesIn('conv-1')[0]!.actorId).toBe(DEFAULT_AGENT);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ actorId: DEFAULT_AGENT, agentName: 'Ava Parker' });
  });

  test('a caller shared by several users: the ambiguity is saved with the link', async () => {
    const deps = world();
    deps.chat.addUser('user-2', '+14155550123').addConversation({ id: 'conv-2', userId: 'user-2', createdTime: '2026-11-02T09:00:00.000Z' });
    await sync(ANSWERED[4] as Payload, deps);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ conversationId: 'conv-2', ambiguous: true });
    expect(deps.store.saved(CALL_ID).reason).toContain('2 users share it');
  });
});

describe('syncCall: callers Freshchat does not know', () => {
  test('with a channel, an answered call creates the user and a conversation whose first message is the summary', async () => {
    const deps = world({ freshchat_channel_id: CHANNEL });
    deps.chat.users.splice(0);
    const result = await sync(ANSWERED[4] as Payload, deps);

    expect(deps.chat.methods()).toEqual([
      'findUsersByPhone', 'findUsersByPhone', 'findUsersByPhone',
      'getAccountConfiguration', 'createUser', 'findAgentByEmail', 'createConversation', 'setConversationStatus', 'postCsat',
    ]);
    expect(deps.chat.count('postPrivateNote')).toBe(0);
    expect(deps.chat.users).toEqual([{ id: 'user-new-1', phone: '+14155550123' }]);
    const created = deps.chat.created[0]!;
    expect(created).toMatchObject({ appId: 'app-1', channelId: CHANNEL, userId: 'user-new-1', actorId: 'chat-ava' });
    expect(created.text).toMatch(/^Incoming call \u00b7 answered\n[\s\S]*\nCall Sync \u00b7 call 25847696 \u00b7 summary$/);
    expect(deps.chat.notesIn('conv-new-2')).toEqual([{ actorId: 'chat-ava', text: created.text, firstMessage: true }]);
    expect(result.text).toBe('created conversation conv-new-2 and its user; resolved the conversation; posted CSAT 4/5');
    expect(deps.store.saved(CALL_ID)).toMatchObject({ conversationId: 'conv-new-2', linkedBy: 'app', summary: true, resolved: true, csat: 'posted', notesFp: fingerprint(NOTES) });
    expect(deps.store.cache.appId).toBe('app-1');
  });

  test('the app id is read once and cached for later conversations', async () => {
    const deps = world({ freshchat_channel_id: CHANNEL });
    deps.chat.users.splice(0);
    await sync(ANSWERED[4] as Payload, deps);
    await sync(at('voicemail', 2), deps);
    expect(deps.chat.count('getAccountConfiguration')).toBe(1);
    expect(deps.chat.count('createConversation')).toBe(2);
  });

  test('a known user without any conversation gets a new one, and no new user', async () => {
    const deps = world({ freshchat_channel_id: CHANNEL });
    deps.chat.userConversations.set('user-1', []);
    await sync(ANSWERED[4] as Payload, deps);
    expect(deps.chat.count('createUser')).toBe(0);
    expect(deps.chat.created[0]).toMatchObject({ userId: 'user-1' });
    expect(deps.store.saved(CALL_ID).reason).toBe('matched user by phone \u20260123; no conversation yet, new conversation');
  });

  test.each([
    ['missed-inbound', 1, '25847700', '\u20260199'],
    ['abandoned-unknown', 1, '25847730', '\u20260177'],
  ])('%s from an unknown caller creates nothing and stays unlinked, even with a channel', async (sequence, index, callId, last4) => {
    const deps = world({ freshchat_channel_id: CHANNEL });
    const result = await sync(at(sequence, index), deps);
    expect(deps.chat.count('createUser') + deps.chat.count('createConversation') + deps.chat.count('postPrivateNote')).toBe(0);
    expect(result).toEqual({ text: 'left unlinked: no Freshchat user with phone ' + last4, failed: false });
    expect(deps.store.saved(callId)).toMatchObject({ v: 1, unlinked: true, conversationId: null, summary: false, reason: 'no Freshchat user with phone ' + last4 });

    const cost = meter(deps);
    await expect(sync(at(sequence, index), deps)).resolves.toEqual({ text: 'unlinked, waiting for an agent to link it', failed: false });
    expect(cost()).toEqual({ requests: 0, storage: 1 });
  });

  test('a caller without a usable number stays unlinked without a lookup', async () => {
    const deps = world({ freshchat_channel_id: CHANNEL });
    const hidden = variant(ANSWERED[4] as Payload, (p) => { p.data.call.participants[0]!.caller_number = 'anonymous'; });
    await expect(sync(hidden, deps)).resolves.toMatchObject({ text: 'left unlinked: the caller has no usable phone number' });
    expect(deps.chat.count('findUsersByPhone')).toBe(0);
  });
});

describe('syncCall: reopening', () => {
  test('a voicemail on a resolved conversation reopens it', async () => {
    const deps = world();
    deps.chat.addUser('user-vm', '+14155550142').addConversation({ id: 'conv-vm', userId: 'user-vm', status: 'resolved' });
    const result = await sync(at('voicemail', 2), deps);
    expect(result.text).toBe('posted the summary note to conversation conv-vm; reopened the conversation');
    expect(deps.chat.statuses).toEqual([{ conversationId: 'conv-vm', status: 'reopened' }]);
    expect(deps.chat.notesIn('conv-vm')[0]!.text).toMatch(/^Incoming call \u00b7 voicemail\n/);
    expect(deps.chat.notesIn('conv-vm')[0]!.actorId).toBe(DEFAULT_AGENT);
    expect(deps.store.saved('25847710')).toMatchObject({ reopened: true, resolved: false, outcome: 'voicemail', csat: null });
    expect(deps.caller.count('getCallMetrics')).toBe(0);
  });

  test('a missed call on an open conversation leaves its status alone, and is not checked again', async () => {
    const deps = world();
    deps.chat.addUser('user-m', '+14155550199').addConversation({ id: 'conv-m', userId: 'user-m', status: 'new' });
    await sync(at('missed-inbound', 1), deps);
    expect(deps.chat.count('setConversationStatus')).toBe(0);
    expect(deps.store.saved('25847700')).toMatchObject({ reopened: true, summary: true });
  });

  test('a conversation an agent linked: its status is read before reopening', async () => {
    const deps = world();
    deps.chat.addUser('user-vm', '+14155550142').addConversation({ id: 'conv-agent', userId: 'user-vm', status: 'resolved' });
    deps.store.seed('25847710', { v: 1, conversationId: 'conv-agent', linkedBy: 'agent', reason: 'linked by an agent' });
    await sync(at('voicemail', 2), deps);
    expect(deps.chat.methods()).toEqual(['postPrivateNote', 'getConversation', 'setConversationStatus']);
    expect(deps.chat.statusOf('conv-agent')).toBe('reopened');
    expect(deps.store.saved('25847710')).toMatchObject({ v: 2, linkedBy: 'agent', reason: 'linked by an agent', summary: true, reopened: true });
  });

  test('a linked conversation Freshchat no longer has is not reopened', async () => {
    const deps = world();
    deps.store.seed('25847710', { v: 1, conversationId: 'conv-gone', linkedBy: 'agent', summary: true });
    const result = await sync(at('voicemail', 2), deps);
    expect(deps.chat.count('setConversationStatus')).toBe(0);
    expect(result).toEqual({ text: 'nothing to write', failed: false });
    expect(deps.store.saved('25847710')).toMatchObject({ reopened: true });
  });
});

describe('syncCall: concurrency and failures', () => {
  test('a lost claim schedules a replay and writes nothing', async () => {
    const deps = world();
    deps.store.takeClaim(CALL_ID, 0);
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result).toEqual({ text: 'another event is syncing this call; replay scheduled', failed: false });
    expect(deps.schedule.creates).toEqual([
      { name: 'rp-25847696', data: { kind: 'replay', callId: CALL_ID }, schedule_at: new Date(NOW + 6 * 60000).toISOString() },
    ]);
    expect(requestCount(deps)).toBe(0);
    expect(deps.store.count('write')).toBe(0);
    await expect(sync(ANSWERED[4] as Payload, deps)).resolves.toEqual({ text: 'another event is syncing this call; replay already pending', failed: false });
    expect(deps.schedule.names()).toEqual(['rp-25847696']);
  });

  test('a transient failure part-way: what succeeded is saved, the error recorded, and the rest done next time', async () => {
    const deps = world();
    deps.chat.fail('postCsat', chatError('postCsat', 429), 1);
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result).toEqual({
      text: 'posted the summary note to conversation conv-1; resolved the conversation; then failed: Freshchat is limiting how many requests the app makes (429); replay scheduled',
      failed: true,
    });
    expect(deps.schedule.creates).toEqual([
      { name: 'rp-25847696', data: { kind: 'replay', callId: CALL_ID }, schedule_at: new Date(NOW + 6 * 60000).toISOString() },
    ]);
    expect(deps.store.saved(CALL_ID)).toMatchObject({
      v: 1,
      summary: true,
      resolved: true,
      csat: 'to_post',
      csatRating: 4,
      error: { code: 'rate_limited', reason: 'Freshchat is limiting how many requests the app makes', at: NOW },
    });
    expect(deps.store.cache.agents['67030']).toBeUndefined();

    const cost = meter(deps);
    await expect(sync(ANSWERED[4] as Payload, deps)).resolves.toEqual({ text: 'posted CSAT 4/5', failed: false });
    expect(deps.chat.notesIn('conv-1')).toHaveLength(1);
    expect(deps.chat.csat).toEqual([{ conversationId: 'conv-1', rating: 4 }]);
    expect(cost().requests).toBe(1);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ v: 2, csat: 'posted', error: null });
  });

  test('a failure before anything was written is saved with its reason and nothing else', async () => {
    const deps = world();
    deps.chat.fail('findUsersByPhone', chatError('findUsersByPhone', 503));
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result).toEqual({ text: 'failed: Freshchat had a server error (503); replay scheduled', failed: true });
    expect(deps.schedule.names()).toEqual(['rp-25847696']);
    expect(deps.store.saved(CALL_ID)).toMatchObject({
      v: 1,
      conversationId: null,
      summary: false,
      csat: 'to_post',
      error: { code: 'server', reason: 'Freshchat had a server error', at: NOW },
    });
  });

  test('a permanent failure (conversation gone) is recorded with a clear reason, and not replayed', async () => {
    const deps = world();
    deps.store.seed(CALL_ID, { v: 1, conversationId: 'conv-deleted', linkedBy: 'agent' });
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result).toEqual({ text: 'failed: Freshchat has no such conversation (404)', failed: true });
    expect(deps.store.saved(CALL_ID).error).toEqual({ code: 'not_found', reason: 'Freshchat has no such conversation', at: NOW });
    expect(deps.schedule.creates).toEqual([]);
  });

  test('a rejected token is permanent: recorded, not replayed', async () => {
    const deps = world();
    deps.chat.fail('findUsersByPhone', chatError('findUsersByPhone', 401));
    await expect(sync(ANSWERED[4] as Payload, deps)).resolves.toEqual({ text: 'failed: Freshchat rejected the API token (401)', failed: true });
    expect(deps.schedule.creates).toEqual([]);
  });

  test('a transient failure while a replay is already pending does not schedule twice', async () => {
    const deps = world();
    deps.chat.fail('findUsersByPhone', chatError('findUsersByPhone', 504));
    await sync(ANSWERED[4] as Payload, deps);
    await expect(sync(ANSWERED[5] as Payload, deps)).resolves.toMatchObject({ text: 'failed: Freshchat did not answer in time (504); replay already pending' });
    expect(deps.schedule.names()).toEqual(['rp-25847696']);
  });

  test('an error that is not an ApiError is a bug: it propagates and only the intent to write is saved', async () => {
    const deps = world();
    deps.chat.fail('postPrivateNote', new TypeError('cannot read properties of undefined'));
    await expect(sync(ANSWERED[4] as Payload, deps)).rejects.toThrow(TypeError);
    expect(deps.store.count('write')).toBe(1);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ v: 0, pendingSummary: true, summary: false });
  });

  test('the agent cache failing to save (storage rate limit) does not lose the record of what was written', async () => {
    const deps = world();
    deps.store.failNext('writeCache', new StoreError('set', 429, 'storage set failed (429)'));
    const result = await sync(ANSWERED[4] as Payload, deps);
    expect(result).toEqual({
      text: 'posted the summary note to conversation conv-1; resolved the conversation; posted CSAT 4/5; agent cache not saved (storage set failed (429))',
      failed: false,
    });
    expect(deps.store.saved(CALL_ID)).toMatchObject({ v: 1, summary: true, resolved: true, csat: 'posted' });
    await expect(sync(ANSWERED[4] as Payload, deps)).resolves.toEqual({ text: 'nothing new to sync', failed: false });
    expect(deps.chat.notesIn('conv-1')).toHaveLength(1);
  });

  test('anything else failing while saving the cache is a bug and propagates', async () => {
    const deps = world();
    deps.store.failNext('writeCache', new TypeError('bug'));
    await expect(sync(ANSWERED[4] as Payload, deps)).rejects.toThrow(TypeError);
  });

  test('a record that cannot be read stops everything before any request (never read as "absent") and the call is replayed later', async () => {
    const deps = world();
    deps.store.failNext('read', new StoreError('get', 500, 'storage get failed (500)'));
    await expect(sync(ANSWERED[4] as Payload, deps)).resolves.toEqual({ text: 'storage get failed (500); replay scheduled', failed: true });
    expect(requestCount(deps)).toBe(0);
    expect(deps.store.count('claim')).toBe(0);
    expect(deps.schedule.names()).toEqual(['rp-' + CALL_ID]);
  });

  test('a failing schedule that is not "already exists" propagates', async () => {
    const deps = world();
    deps.store.takeClaim(CALL_ID, 0);
    deps.schedule.create = () => Promise.reject(new Error('Schedule limit reached'));
    await expect(sync(ANSWERED[4] as Payload, deps)).rejects.toThrow('Schedule limit reached');
  });
});

describe('syncCall: transferred calls', () => {
  const ROOT = '25847740';
  const rootEnded = at('transfer', 3);
  const legEnded = at('transfer', 4);

  test('a leg ending before the root\'s summary is folded into the summary', async () => {
    const deps = world();
    await expect(sync(legEnded, deps)).resolves.toEqual({ text: 'recorded transfer leg 25847741 for call ' + ROOT, failed: false });
    expect(requestCount(deps)).toBe(0);
    expect(deps.store.saved(ROOT)).toMatchObject({ v: 1, outcome: null, transfers: [{ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70, posted: false }] });

    await sync(rootEnded, deps);
    const notes = deps.chat.notesIn('conv-1');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain('\nTransferred to: Dan Fischer (1m 10s)\n');
    expect(notes[0]!.text).toMatch(/Call Sync \u00b7 call 25847740 \u00b7 summary$/);
    expect(deps.store.saved(ROOT)).toMatchObject({ v: 2, outcome: 'answered', summary: true, transfers: [{ leg: '25847741', posted: true }] });
  });

  test('a leg ending after the root\'s summary is a "Transferred to" follow-up by the leg\'s agent, once', async () => {
    const deps = world();
    await sync(rootEnded, deps);
    const result = await sync(legEnded, deps);
    expect(result.text).toBe('posted a follow-up (transfer)');
    expect(deps.chat.notesIn('conv-1')[1]).toEqual({
      actorId: 'chat-dan',
      firstMessage: false,
      text: 'Transferred to: Dan Fischer (1m 10s)\nCall Sync \u00b7 call 25847740 \u00b7 follow-up',
    });
    expect(deps.chat.notesIn('conv-1')[0]!.text).not.toContain('Transferred');
    expect(deps.store.saved(ROOT)).toMatchObject({ outcome: 'answered', actorId: 'chat-ava', transfers: [{ leg: '25847741', posted: true }] });

    const cost = meter(deps);
    await expect(sync(legEnded, deps)).resolves.toEqual({ text: 'nothing new to sync', failed: false });
    expect(cost()).toEqual({ requests: 0, storage: 1 });
    expect(deps.chat.notesIn('conv-1')).toHaveLength(2);
  });

  test('a "Transferred to" follow-up that failed is written by the next event of the leg, once', async () => {
    const deps = world();
    await sync(rootEnded, deps);
    deps.chat.fail('postPrivateNote', chatError('postPrivateNote', 503), 1);
    await expect(sync(legEnded, deps)).resolves.toMatchObject({ failed: true, text: 'failed: Freshchat had a server error (503); replay scheduled' });
    expect(deps.schedule.names()).toEqual(['rp-25847741']);
    expect(deps.store.saved(ROOT).transfers).toEqual([{ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70, posted: false }]);

    await expect(sync(legEnded, deps)).resolves.toEqual({ text: 'posted a follow-up (transfer)', failed: false });
    await expect(sync(legEnded, deps)).resolves.toEqual({ text: 'nothing new to sync', failed: false });
    expect(deps.chat.notesIn('conv-1').map((n) => n.text.split('\n')[0])).toEqual(['Incoming call \u00b7 answered', 'Transferred to: Dan Fischer (1m 10s)']);
    expect(deps.store.saved(ROOT)).toMatchObject({ transfers: [{ leg: '25847741', posted: true }], error: null });
  });

  test('a leg that loses the claim is replayed as the leg, so its transfer is not dropped', async () => {
    const deps = world();
    await sync(rootEnded, deps);
    deps.store.takeClaim(ROOT, 1);
    await expect(sync(legEnded, deps)).resolves.toEqual({ text: 'another event is syncing this call; replay scheduled', failed: false });
    expect(deps.schedule.creates.map((c) => [c.name, c.data])).toEqual([['rp-25847741', { kind: 'replay', callId: '25847741' }]]);
  });
});

describe('syncCall: personal data', () => {
  test('mask_caller_number: the note shows only the last four digits of the caller', async () => {
    const deps = world({ mask_caller_number: true });
    await sync(ANSWERED[4] as Payload, deps);
    const text = deps.chat.notesIn('conv-1')[0]!.text;
    expect(text).toContain('\nCaller: \u20260123\n');
    expect(text).not.toMatch(/415|555 ?0123/);
  });

  test('a card number in the notes is redacted in the note and never stored', async () => {
    const deps = world();
    deps.chat.addUser('user-card', '+14155550142').addConversation({ id: 'conv-card', userId: 'user-card' });
    const result = await sync(at('duplicated-reordered', 1), deps);
    const note = deps.chat.notesIn('conv-card')[0]!.text;
    expect(note).toContain('Call notes: Updated card on file: [card number removed], order 5512-7788.');
    expect(note).not.toMatch(/4111/);
    const stored = JSON.stringify(deps.store.saved('25847750'));
    expect(stored).not.toMatch(/4111|Updated card|\+1415|4155550142/);
    expect(deps.store.saved('25847750').notesFp).toBe(fingerprint('Updated card on file: [card number removed], order 5512-7788.'));
    expect(result.text).not.toMatch(/4111/);
  });

  test('the reordered sequence writes one summary and nothing more', async () => {
    const deps = world();
    deps.chat.addUser('user-card', '+14155550142').addConversation({ id: 'conv-card', userId: 'user-card' });
    for (const index of [1, 2, 3, 5]) await sync(at('duplicated-reordered', index), deps);
    expect(deps.chat.notesIn('conv-card')).toHaveLength(1);
    expect(deps.store.saved('25847750')).toMatchObject({ v: 1, seen: '2026-11-02T19:03:20.000+00:00' });
  });
});

describe('csatState', () => {
  test.each([
    [{ transferMade: true, outcome: 4 }, true, 'answered', 'to_post'],
    [{ transferMade: true, outcome: 4 }, true, 'never', 'noted'],
    [{ transferMade: true, outcome: null }, false, 'answered', 'waiting'],
    [{ transferMade: false, outcome: null }, false, 'answered', 'none'],
    [{ transferMade: true, outcome: 12 }, false, 'answered', 'none'],
    [null, false, 'never', 'none'],
  ] as const)('%p rated %p under %s is %s', (csat, rated, policy, state) => {
    expect(csatState(csat, rated, policy)).toBe(state);
  });
});
