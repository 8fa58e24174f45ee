// README.md "Which conversation, and what is written": several users sharing the caller's
// number, and a known user who has no conversation yet.
import {
  allAppNotes,
  appNotes,
  chatRequests,
  contractWatch,
  conversation,
  logCodes,
  record,
  renamed,
  replay,
  SEED,
  sequence,
  startScenarioApp,
  type LocalApp,
} from '../../support/scenario';

const LONELY_NUMBER = '+14155550155';

describe('which conversation a call goes to', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
  });
  afterEach(() => {
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('two users share the number: the one with the most recent conversation wins, and the ambiguity is recorded', async () => {
    const twin = app.standins.freshchat.addUser({ first_name: 'Jo', phone: '+14155550123' });
    const twinConversation = app.standins.freshchat.addConversation({
      users: [{ id: twin.id }],
      status: 'new',
      created_time: '2026-10-01T10:00:00.000Z',
      messages: [{ message_type: 'normal', actor_type: 'user', actor_id: twin.id, user_id: twin.id, message_parts: [{ text: { content: 'Hello?' } }] }],
    });
    await replay(app, 'answered-inbound');
    const id = twinConversation.conversation_id;
    expect(appNotes(app, id, { callId: 25847696 }).map((n) => n.kind)).toEqual(['summary', 'follow-up']);
    expect(appNotes(app, SEED.conversations.jordanOpen)).toEqual([]);
    expect(record(app, 25847696)).toMatchObject({
      status: 'synced',
      link: {
        state: 'linked',
        conversationId: id,
        userId: twin.id,
        ambiguous: true,
        reason: 'matched user by phone \u20260123 (2 users share it; chose the one with the most recent conversation); most recent open conversation',
      },
    });
    expect(conversation(app, SEED.conversations.jordanOpen).status).toBe('assigned');
  });

  describe('a known user without any conversation', () => {
    let userId: string;
    beforeAll(() => {
      userId = app.standins.freshchat.addUser({ first_name: 'Lou', phone: LONELY_NUMBER }).id;
    });

    test('a missed call creates nothing and stays unlinked', async () => {
      const conversations = app.standins.freshchat.state.conversations.length;
      const asked = chatRequests(app).length;
      const results = await replay(app, renamed(sequence('missed-inbound'), { 25847700: 25847703 }, LONELY_NUMBER));
      expect(logCodes(results)).toEqual(['skipped', 'unlinked']);
      expect(app.standins.freshchat.state.conversations).toHaveLength(conversations);
      // The number, then the user's (empty) list of conversations: nothing else to read.
      expect(chatRequests(app).slice(asked).map((r) => r.method + ' ' + r.path)).toEqual(['GET /v2/users', 'GET /v2/users/' + userId + '/conversations']);
      expect(record(app, 25847703)).toMatchObject({
        status: 'unlinked',
        link: { state: 'unlinked', conversationId: null, reason: 'matched user by phone \u20260155; the user has no conversation' },
        summary: 'none',
      });
    });

    test('a voicemail creates a conversation for that user (no new user), the summary as its first message', async () => {
      const users = app.standins.freshchat.state.users.length;
      const results = await replay(app, renamed(sequence('voicemail'), { 25847710: 25847711 }, LONELY_NUMBER));
      expect(logCodes(results)).toEqual(['skipped', 'skipped', 'synced', 'synced']);
      expect(app.standins.freshchat.state.users).toHaveLength(users);
      expect(chatRequests(app, 'POST', '/v2/users')).toEqual([]);
      const created = app.standins.freshchat.state.conversations.filter((c) => c.users.some((u) => u.id === userId));
      expect(created).toHaveLength(1);
      const notes = appNotes(app, created[0]!.conversation_id);
      expect(notes.map((n) => [n.index, n.callId, n.kind])).toEqual([
        [0, '25847711', 'summary'],
        [1, '25847711', 'follow-up'],
      ]);
      expect(notes[0]!.lines[0]).toBe('Incoming call \u00b7 voicemail');
      expect(created[0]!.status).not.toBe('resolved');
      expect(record(app, 25847711)).toMatchObject({
        status: 'synced',
        link: { state: 'linked', conversationId: created[0]!.conversation_id, userId, by: 'app', reason: 'matched user by phone \u20260155; no conversation yet, new conversation' },
        summary: 'written',
      });
      expect(allAppNotes(app, { callId: 25847703 })).toEqual([]);
    });
  });
});
