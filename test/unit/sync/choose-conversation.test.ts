import { normalisePhone } from '../../../server/src/domain/phone';
import type { PhoneNumber } from '../../../server/src/domain/types';
import type { CallerEntry } from '../../../server/src/state/store';
import { CONVERSATION_FRESH_MS } from '../../../server/src/sync/caller-cache';
import { chooseConversation, pickUser, type ConversationChoice, type LookupHints } from '../../../server/src/sync/choose-conversation';
import { FakeFreshchat } from '../../support/fakes';

const NOW = Date.UTC(2026, 10, 2, 14);

const PHONE = normalisePhone('+14155550123', '+14155550100') as PhoneNumber;
const FULL_NUMBER_FORMS = ['+14155550123', '4155550123', '(415) 555-0123', '555-0123', '5550123'];

async function choose(chat: FakeFreshchat, mayCreate = false, phone: PhoneNumber | null = PHONE): Promise<ConversationChoice> {
  return (await chooseConversation(chat, phone, mayCreate, { remembered: null, variant: null, now: NOW, statusNeeded: true })).choice;
}

function lookups(chat: FakeFreshchat): unknown[] {
  return chat.calls.filter((c) => c.method === 'findUsersByPhone').map((c) => c.args[0]);
}

describe('chooseConversation: finding the caller', () => {
  test.each([
    ['E.164', '+14155550123', ['+14155550123']],
    ['E.164 without the plus', '14155550123', ['+14155550123', '14155550123']],
    ['national', '(415) 555-0123', ['+14155550123', '14155550123', '(415) 555-0123']],
    ['digits only', '4155550123', ['+14155550123', '14155550123', '(415) 555-0123', '4155550123']],
  ])('a user stored with the %s form is found, trying the forms in order and stopping there', async (_label, stored, tried) => {
    const chat = new FakeFreshchat().addUser('u1', stored).addConversation({ id: 'c1', userId: 'u1', status: 'new' });
    const choice = await choose(chat);
    expect(choice).toMatchObject({ kind: 'existing', conversation: { id: 'c1' }, userId: 'u1', ambiguous: false });
    expect(lookups(chat)).toEqual(tried);
  });

  test('no user with any form and creation allowed: a new user and conversation', async () => {
    const chat = new FakeFreshchat().addUser('other', '+14155559999');
    const choice = await choose(chat, true);
    expect(choice).toEqual({ kind: 'create', userId: null, reason: 'no Freshchat user with phone \u20260123; new user and conversation' });
    expect(lookups(chat)).toEqual(['+14155550123', '14155550123', '(415) 555-0123', '4155550123']);
  });

  test('no user and creation not allowed: no conversation', async () => {
    const chat = new FakeFreshchat();
    await expect(choose(chat, false)).resolves.toEqual({ kind: 'none', reason: 'no Freshchat user with phone \u20260123' });
    expect(chat.methods()).toEqual(['findUsersByPhone', 'findUsersByPhone', 'findUsersByPhone', 'findUsersByPhone']);
  });

  test('no usable phone number: no conversation and no request', async () => {
    const chat = new FakeFreshchat();
    await expect(choose(chat, true, null)).resolves.toEqual({ kind: 'none', reason: 'the caller has no usable phone number' });
    expect(chat.count()).toBe(0);
  });

  test.each([
    [true, { kind: 'create', userId: 'u1', reason: 'matched user by phone \u20260123; no conversation yet, new conversation' }],
    [false, { kind: 'none', reason: 'matched user by phone \u20260123; the user has no conversation' }],
  ])('a user with no conversation (creation allowed: %p)', async (mayCreate, expected) => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123');
    await expect(choose(chat, mayCreate)).resolves.toEqual(expected);
    expect(chat.count('getConversation')).toBe(0);
  });
});

describe('chooseConversation: several users share the number', () => {
  function shared(): FakeFreshchat {
    return new FakeFreshchat()
      .addUser('u-old', '+14155550123')
      .addUser('u-new', '+14155550123')
      .addConversation({ id: 'old-1', userId: 'u-old', status: 'new', createdTime: '2026-09-01T10:00:00Z' })
      .addConversation({ id: 'new-1', userId: 'u-new', status: 'assigned', createdTime: '2026-10-30T10:00:00Z' })
      .addConversation({ id: 'new-0', userId: 'u-new', status: 'resolved', createdTime: '2026-08-01T10:00:00Z' });
  }

  test('the user whose latest conversation is newest wins, and the ambiguity is recorded', async () => {
    const chat = shared();
    const choice = await choose(chat);
    expect(choice).toEqual({
      kind: 'existing',
      conversation: { id: 'new-1', status: 'assigned', createdTime: '2026-10-30T10:00:00Z', userIds: ['u-new'] },
      userId: 'u-new',
      ambiguous: true,
      sharedBy: 2,
      reason: 'matched user by phone \u20260123 (2 users share it; chose the one with the most recent conversation); most recent open conversation',
    });
  });

  test('the latest conversation read to compare users is not read again', async () => {
    const chat = shared();
    await choose(chat);
    expect(chat.calls.filter((c) => c.method === 'getConversation').map((c) => c.args[0])).toEqual(['old-1', 'new-1']);
  });

  test('the order users come back in does not matter', async () => {
    const chat = shared();
    chat.users.reverse();
    await expect(choose(chat)).resolves.toMatchObject({ kind: 'existing', conversation: { id: 'new-1' }, ambiguous: true });
  });

  test('at most three users are compared', async () => {
    const chat = new FakeFreshchat();
    for (const id of ['u1', 'u2', 'u3', 'u4']) chat.addUser(id, '+14155550123');
    chat.addConversation({ id: 'c4', userId: 'u4', createdTime: '2026-11-01T00:00:00Z' });
    chat.addConversation({ id: 'c2', userId: 'u2', createdTime: '2026-10-01T00:00:00Z' });
    const choice = await choose(chat);
    expect(chat.count('getUserConversationIds')).toBe(3);
    expect(choice).toMatchObject({ kind: 'existing', conversation: { id: 'c2' }, ambiguous: true, sharedBy: 4 });
    expect(choice.reason).toContain('4 users share it');
  });

  test('several users none of whom has a conversation: creation for the first', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addUser('u2', '+14155550123');
    await expect(choose(chat, true)).resolves.toMatchObject({ kind: 'create', userId: 'u1' });
  });
});

describe('chooseConversation: which of the user\'s conversations', () => {
  test('an open conversation is preferred over a newer resolved one', async () => {
    const chat = new FakeFreshchat()
      .addUser('u1', '+14155550123')
      .addConversation({ id: 'resolved-new', userId: 'u1', status: 'resolved', createdTime: '2026-11-01T00:00:00Z' })
      .addConversation({ id: 'open-old', userId: 'u1', status: 'reopened', createdTime: '2026-10-01T00:00:00Z' });
    const choice = await choose(chat);
    expect(choice).toMatchObject({ kind: 'existing', conversation: { id: 'open-old', status: 'reopened' }, ambiguous: false });
    expect(choice.reason).toBe('matched user by phone \u20260123; most recent conversation that is not resolved');
  });

  test('all resolved: the most recent one', async () => {
    const chat = new FakeFreshchat()
      .addUser('u1', '+14155550123')
      .addConversation({ id: 'r-old', userId: 'u1', status: 'resolved', createdTime: '2026-09-01T00:00:00Z' })
      .addConversation({ id: 'r-new', userId: 'u1', status: 'resolved', createdTime: '2026-10-01T00:00:00Z' });
    const choice = await choose(chat, true);
    expect(choice).toMatchObject({ kind: 'existing', conversation: { id: 'r-new', status: 'resolved' } });
    expect(choice.reason).toBe('matched user by phone \u20260123; most recent conversation (resolved)');
  });

  test('at most three conversations are read looking for an open one', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123');
    ['2026-10-04', '2026-10-03', '2026-10-02'].forEach((day, i) => chat.addConversation({ id: 'r' + i, userId: 'u1', status: 'resolved', createdTime: day + 'T00:00:00Z' }));
    chat.addConversation({ id: 'open-oldest', userId: 'u1', status: 'new', createdTime: '2026-10-01T00:00:00Z' });
    await expect(choose(chat)).resolves.toMatchObject({ kind: 'existing', conversation: { id: 'r0' } });
    expect(chat.count('getConversation')).toBe(3);
  });

  test('a conversation Freshchat no longer has is skipped', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'open', userId: 'u1', status: 'new', createdTime: '2026-10-01T00:00:00Z' });
    chat.userConversations.set('u1', ['gone', 'open']);
    await expect(choose(chat)).resolves.toMatchObject({ kind: 'existing', conversation: { id: 'open' }, reason: 'matched user by phone \u20260123; most recent open conversation' });
  });

  test('no conversation of the user can be read: no conversation', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123');
    chat.userConversations.set('u1', ['gone-1', 'gone-2']);
    await expect(choose(chat, true)).resolves.toEqual({ kind: 'none', reason: 'matched user by phone \u20260123; their conversations could not be read' });
  });

  test('a failing lookup is not swallowed', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').fail('getUserConversationIds', new Error('boom'));
    await expect(choose(chat)).rejects.toThrow('boom');
  });
});

describe('chooseConversation: reasons never hold the number', () => {
  const worlds: Array<[string, () => FakeFreshchat, boolean]> = [
    ['no user', () => new FakeFreshchat(), true],
    ['no user, no creation', () => new FakeFreshchat(), false],
    ['user without conversation', () => new FakeFreshchat().addUser('u1', '4155550123'), true],
    ['one user', () => new FakeFreshchat().addUser('u1', '(415) 555-0123').addConversation({ id: 'c', userId: 'u1' }), false],
    ['two users', () => new FakeFreshchat().addUser('u1', '+14155550123').addUser('u2', '+14155550123').addConversation({ id: 'c', userId: 'u2' }), false],
  ];

  test.each(worlds)('%s: only the last four digits appear', async (_label, world, mayCreate) => {
    const choice = await choose(world(), mayCreate);
    expect(choice.reason).toContain('\u20260123');
    for (const form of FULL_NUMBER_FORMS) expect(choice.reason).not.toContain(form);
  });
});

describe('pickUser', () => {
  const conversation = (createdTime: string | null) => ({ id: 'c', status: 'new', createdTime, userIds: [] });

  test('no candidates: nobody', () => {
    expect(pickUser([])).toBeNull();
  });

  test.each([
    ['the newest latest conversation', [['a', '2026-01-01T00:00:00Z'], ['b', '2026-02-01T00:00:00Z']], 'b'],
    ['the first of a tie', [['a', '2026-01-01T00:00:00Z'], ['b', '2026-01-01T00:00:00Z']], 'a'],
    ['anyone with a time over no time', [['a', null], ['b', '2026-01-01T00:00:00Z']], 'b'],
    ['anyone with a time over an unreadable one', [['a', 'garbage'], ['b', '2026-01-01T00:00:00Z']], 'b'],
  ])('picks %s', (_label, candidates, expected) => {
    const list = (candidates as Array<[string, string | null]>).map(([userId, time]) => ({ userId, conversationIds: ['c'], latest: conversation(time) }));
    expect((pickUser(list) as { userId: string }).userId).toBe(expected);
  });
});

describe('chooseConversation: a caller remembered from an earlier call', () => {
  const hints = (remembered: CallerEntry | null, statusNeeded = true): LookupHints => ({ remembered, variant: null, now: NOW, statusNeeded });
  const fresh: CallerEntry = { user: 'u1', conversation: 'c1', at: NOW - 60 * 60000, agent: null };

  test('within the fresh window: one request, the conversation itself, and no phone lookup', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1', status: 'resolved' });
    const lookup = await chooseConversation(chat, PHONE, true, hints(fresh));
    expect(lookup).toMatchObject({ choice: { kind: 'existing', conversation: { id: 'c1', status: 'resolved' }, userId: 'u1', ambiguous: false, sharedBy: 1 }, listed: false, variant: null });
    expect(chat.methods()).toEqual(['getConversation']);
  });

  test('within the fresh window, when the status cannot matter: the conversation taken unread, no request at all', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1', status: 'resolved' });
    const lookup = await chooseConversation(chat, PHONE, true, hints(fresh, false));
    expect(lookup).toMatchObject({ choice: { kind: 'remembered', conversationId: 'c1', userId: 'u1' }, listed: false, variant: null });
    expect(chat.methods()).toEqual([]);
  });

  test('past the fresh window the user\'s conversations are listed even when the status cannot matter', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1', status: 'new' });
    const old: CallerEntry = { user: 'u1', conversation: 'c1', at: NOW - CONVERSATION_FRESH_MS, agent: null };
    const lookup = await chooseConversation(chat, PHONE, false, hints(old, false));
    expect(lookup).toMatchObject({ choice: { kind: 'existing', conversation: { id: 'c1' } }, listed: true });
  });

  test('the remembered conversation gone: the number is looked up again, and a new choice made', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'c2', userId: 'u1', status: 'new' });
    const lookup = await chooseConversation(chat, PHONE, true, hints(fresh));
    expect(lookup).toMatchObject({ choice: { kind: 'existing', conversation: { id: 'c2' } }, listed: true, variant: 'e164' });
    expect(chat.methods()[0]).toBe('getConversation');
    expect(chat.methods()).toContain('findUsersByPhone');
  });

  test('the remembered conversation now another user\'s: never written to; the number is looked up again', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addUser('u9', '+14155559999').addConversation({ id: 'c1', userId: 'u9', status: 'new' });
    const lookup = await chooseConversation(chat, PHONE, false, hints(fresh));
    expect(lookup.choice).toMatchObject({ kind: 'none', reason: expect.stringContaining('the user has no conversation') });
    expect(lookups(chat)).toEqual(['+14155550123']);
  });

  test('past the fresh window: the user\'s conversations are listed again (no phone lookup), and the newest open one wins', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1', status: 'resolved' });
    chat.addConversation({ id: 'c3', userId: 'u1', status: 'new' });
    const old: CallerEntry = { user: 'u1', conversation: 'c1', at: NOW - CONVERSATION_FRESH_MS, agent: null };
    const lookup = await chooseConversation(chat, PHONE, false, hints(old));
    expect(lookup).toMatchObject({ choice: { kind: 'existing', conversation: { id: 'c3' }, userId: 'u1' }, listed: true, variant: null });
    expect(lookups(chat)).toEqual([]);
  });

  test('a remembered user with no conversation: creation allowed makes one for them', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123');
    const lookup = await chooseConversation(chat, PHONE, true, hints({ user: 'u1', conversation: null, at: NOW, agent: null }));
    // An empty list may also mean the user is gone: the phone lookup settles it.
    expect(lookup.choice).toMatchObject({ kind: 'create', userId: 'u1' });
    expect(lookups(chat)).toEqual(['+14155550123']);
  });
});

describe('chooseConversation: the account\'s usual number form first', () => {
  test('a user stored in national form is found at the first try once the account is known to use it', async () => {
    const chat = new FakeFreshchat().addUser('u1', '(415) 555-0123').addConversation({ id: 'c1', userId: 'u1', status: 'new' });
    const lookup = await chooseConversation(chat, PHONE, false, { remembered: null, variant: 'national', now: NOW, statusNeeded: true });
    expect(lookup).toMatchObject({ choice: { kind: 'existing' }, variant: 'national' });
    expect(lookups(chat)).toEqual(['(415) 555-0123']);
  });

  test('a number stored in another form than the usual one is still found, and that form reported', async () => {
    const chat = new FakeFreshchat().addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1', status: 'new' });
    const lookup = await chooseConversation(chat, PHONE, false, { remembered: null, variant: 'national', now: NOW, statusNeeded: true });
    expect(lookup.variant).toBe('e164');
    expect(lookups(chat)).toEqual(['(415) 555-0123', '+14155550123']);
  });
});
