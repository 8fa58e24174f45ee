// Robustness: the answers of Freshchat and Freshcaller in every shape the seeds allow (bare or
// wrapped single objects, "no match" as 404, create answering 201, both kinds of pagination
// links, agents beyond the first page, deactivated agents), and answers the app cannot use (a
// web page, an empty body, JSON of another shape). Read through the shipped server/server.js;
// what the app wrote, stored (the call record's link, summary and failure) and the run code it
// logged is checked each time.
import {
  advance,
  allAppNotes,
  appNotes,
  callerRequests,
  chatRequests,
  contractWatch,
  conversation,
  csatPosts,
  SEED,
  setFreshcallerCall,
  startScenarioApp,
  type LocalApp,
  forgetCallers,
} from '../../support/scenario';
import {
  fire,
  fireOn,
  logLines,
  outcomeOf,
  primeDrain,
  queued,
  recordIn,
  recordSideRuntimes,
  sideRuntimeLogLeaks,
  runCodes,
  sideRuntime,
  startOddHost,
  type OddHost,
} from '../../support/robustness';

const JORDAN = '+14155550123';
const SAM = '+14155550199';
const RILEY = '+14155550142';
const { sam, riley } = SEED.conversations;
const UNREADABLE = 'Freshchat sent an answer the app cannot read';

describe('robustness: response shapes', () => {
  let app: LocalApp;
  let watch: ReturnType<typeof contractWatch>;
  const oddHosts: OddHost[] = [];

  const record = (id: number) => recordIn(app.runtime, id);

  beforeAll(async () => {
    app = await startScenarioApp();
    watch = contractWatch(app);
    await primeDrain(app.runtime);
  });
  afterEach(() => {
    app.standins.freshchat.clearFaults();
    app.standins.freshcaller.clearFaults();
    Object.assign(app.standins.freshchat.behaviour, { userSearchNoMatch: 'empty-list', createUserStatus: 200, paginationLinks: 'openapi' });
    app.standins.freshcaller.behaviour.singleObjects = 'wrapped';
    expect(watch.check()).toEqual({ violations: [], logLeaks: [] });
    expect(sideRuntimeLogLeaks(app)).toEqual([]);
  });
  afterAll(async () => {
    recordSideRuntimes();
    for (const host of oddHosts) await host.close();
    await app.stop();
  });

  describe('shapes the seeds allow', () => {
    test('Freshcaller single objects bare (001): the agent is found by email and the retry reads the call back', async () => {
      app.standins.freshcaller.behaviour.singleObjects = 'bare';
      const id = 26100001;
      const event = outcomeOf('answered-inbound', id, RILEY);
      setFreshcallerCall(app, event.data.call);
      app.standins.freshcaller.setCallMetrics(id, { csat: { transfer_made: true, outcome: 4 } });
      app.standins.freshchat.injectFault({ method: 'POST', path: /\/messages$/, status: 503 });
      const failed = await fire(app, event);
      expect(failed.requests.find((r) => r.template === 'callerGetUser')).toMatchObject({ status: 200 });
      expect(record(id)).toMatchObject({ link: { state: 'linked', conversationId: riley }, summary: 'none', failure: { code: 'server' } });
      expect(queued(app.runtime, id)).toHaveLength(1);

      const drains = await advance(app, 7 * 60_000);
      expect(drains.flatMap((d) => d.requests).find((r) => r.template === 'callerGetCall')).toMatchObject({ status: 200 });
      const notes = appNotes(app, riley, { callId: id });
      expect(notes.map((n) => n.kind)).toEqual(['summary']);
      // Ava Parker: the same email in Freshcaller (read from a bare user object) and Freshchat.
      expect(notes[0]).toMatchObject({ actorId: SEED.agents.ava });
      expect(notes[0]!.lines).toEqual(expect.arrayContaining(['Incoming call \u00b7 answered', 'Agent: Ava Parker', 'CSAT: 4/5 (caller pressed 4)']));
      expect(conversation(app, riley).status).toBe('resolved');
      expect(csatPosts(app, riley)).toEqual([expect.objectContaining({ rating: 4 })]);
      expect(record(id)).toMatchObject({ status: 'synced', summary: 'written', resolution: 'resolved', csat: { state: 'posted', rating: 4 }, actorId: SEED.agents.ava, failure: null });
    });

    test('user search answering 404 for "no match": the next forms of the number are tried, and Sam is found', async () => {
      app.standins.freshchat.behaviour.userSearchNoMatch = 'not-found';
      const id = 26100002;
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      const lookups = result.requests.filter((r) => r.template === 'chatFindUsersByPhone');
      // E.164, E.164 without "+", then national: Sam is stored as "(415) 555-0199".
      expect(lookups.map((r) => r.status)).toEqual([404, 404, 200]);
      expect(chatRequests(app, 'GET', '/v2/users').slice(-3).map((r) => r.query.phone_no)).toEqual(['+14155550199', '14155550199', '(415) 555-0199']);
      // The conversation the link chose is read once: its status is known from that read.
      expect(result.requests.filter((r) => r.template === 'chatGetConversation').map((r) => r.url)).toEqual([expect.stringMatching(new RegExp('/v2/conversations/' + sam + '$'))]);
      expect(runCodes(result)).toEqual([['info', 'synced']]);
      expect(appNotes(app, sam, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(id)).toMatchObject({ link: { state: 'linked', conversationId: sam, reason: 'matched user by phone \u20260199; most recent open conversation' }, failure: null });
    });

    test('user search answering 404 for every form of an unknown number: unlinked, not an error, and nothing else asked', async () => {
      app.standins.freshchat.behaviour.userSearchNoMatch = 'not-found';
      const id = 26100003;
      const result = await fire(app, outcomeOf('abandoned-unknown', id, '+14155550177'));
      expect(result.requests.map((r) => [r.template, r.status])).toEqual([
        ['chatFindUsersByPhone', 404],
        ['chatFindUsersByPhone', 404],
        ['chatFindUsersByPhone', 404],
        ['chatFindUsersByPhone', 404],
      ]);
      expect(runCodes(result)).toEqual([['info', 'unlinked']]);
      expect(record(id)).toMatchObject({ status: 'unlinked', link: { state: 'unlinked', conversationId: null, reason: 'no Freshchat user with phone \u20260177' }, failure: null });
    });

    test('create user answering 201 (003): the user and a conversation are created; a second creation reuses the app id', async () => {
      app.standins.freshchat.behaviour.createUserStatus = 201;
      const first = await fire(app, outcomeOf('answered-inbound', 26100004, '+14155550188'));
      expect(first.requests.find((r) => r.template === 'chatCreateUser')).toMatchObject({ status: 201, ok: true });
      const users = app.standins.freshchat.state.users.filter((u) => u.phone === '+14155550188');
      expect(users).toHaveLength(1);
      const created = app.standins.freshchat.state.conversations.filter((c) => c.users.some((u) => u.id === users[0]!.id));
      expect(created).toHaveLength(1);
      expect(appNotes(app, created[0]!.conversation_id, { callId: 26100004 }).map((n) => n.kind)).toEqual(['summary']);
      expect(record(26100004)).toMatchObject({ link: { state: 'linked', conversationId: created[0]!.conversation_id, userId: users[0]!.id, by: 'app' }, summary: 'written', failure: null });

      // Another unknown caller, a voicemail: the app id was cached by the first creation.
      const second = await fire(app, outcomeOf('voicemail', 26100005, '+14155550166'));
      const templates = second.requests.map((r) => r.template);
      expect(templates).toEqual(expect.arrayContaining(['chatCreateUser', 'chatCreateConversation']));
      expect(templates).not.toContain('chatGetAccountConfiguration');
      expect(record(26100005)).toMatchObject({ summary: 'written', failure: null, link: { state: 'linked', reason: 'no Freshchat user with phone \u20260166; new user and conversation' } });
    });
  });

  describe('who authors the note: Freshchat agents over several pages', () => {
    beforeAll(() => {
      // 3 seeded agents + 55 = 58: the first page holds 50.
      for (let n = 0; n < 55; n++) {
        app.standins.freshchat.addAgent({ email: 'filler' + n + '@example.com', first_name: 'Filler', last_name: String(n) });
      }
    });

    function answeredBy(id: number, agentId: number, agentName: string) {
      return outcomeOf('answered-inbound', id, JORDAN, (call) => {
        call.assigned_agent_id = agentId;
        call.assigned_agent_name = agentName;
        for (const p of call.participants) if (p.participant_type === 'Agent') p.participant_id = agentId;
      });
    }

    test('an agent on page 2, with reference-style links (003): found, and authors the note', async () => {
      app.standins.freshchat.behaviour.paginationLinks = 'reference';
      app.standins.freshcaller.addUser({ id: 67050, name: 'Zoe Page', email: 'zoe.page@example.com' });
      const zoe = app.standins.freshchat.addAgent({ email: 'Zoe.Page@example.com', first_name: 'Zoe', last_name: 'Page' });
      const result = await fire(app, answeredBy(26100010, 67050, 'Zoe Page'));
      expect(result.requests.filter((r) => r.template === 'chatListAgents')).toHaveLength(2);
      expect(chatRequests(app, 'GET', '/v2/agents').slice(-2).map((r) => r.query.page)).toEqual(['1', '2']);
      const [summary] = allAppNotes(app, { callId: 26100010 });
      expect(summary).toMatchObject({ kind: 'summary', actorId: zoe.id });
      expect(summary!.lines).toContain('Agent: Zoe Page');
      expect(app.runtime.store('freshcaller').peek('app:state')).toMatchObject({ a67050: { chat: zoe.id, name: 'Zoe Page' } });
    });

    test('a deactivated agent with the email does not author: the default agent does', async () => {
      app.standins.freshcaller.addUser({ id: 67051, name: 'Yan Left', email: 'yan.left@example.com' });
      app.standins.freshchat.addAgent({ email: 'yan.left@example.com', first_name: 'Yan', last_name: 'Left', is_deactivated: true });
      await fire(app, answeredBy(26100011, 67051, 'Yan Left'));
      const [summary] = allAppNotes(app, { callId: 26100011 });
      expect(summary).toMatchObject({ kind: 'summary', actorId: SEED.agents.defaultAgent });
      expect(summary!.lines).toContain('Agent: Yan Left');
      expect(record(26100011)).toMatchObject({ actorId: SEED.agents.defaultAgent, agentName: 'Yan Left', failure: null });
    });

    test('an agent without a name in Freshchat still authors, named as Freshcaller names them', async () => {
      app.standins.freshcaller.addUser({ id: 67052, name: 'Kim Noname', email: 'kim.noname@example.com' });
      const kim = app.standins.freshchat.addAgent({ email: 'kim.noname@example.com' });
      await fire(app, answeredBy(26100012, 67052, 'K. Noname'));
      const [summary] = allAppNotes(app, { callId: 26100012 });
      expect(summary).toMatchObject({ kind: 'summary', actorId: kim.id });
      expect(summary!.lines).toContain('Agent: Kim Noname');
    });

    test('exactly two full pages and no match (002 links): the lookup stops after page 2', async () => {
      // 58 + 3 added above = 61; 39 more make 100: two full pages, the second without a next link.
      for (let n = 0; n < 39; n++) app.standins.freshchat.addAgent({ email: 'more' + n + '@example.com', first_name: 'More' });
      expect(app.standins.freshchat.state.agents).toHaveLength(100);
      app.standins.freshcaller.addUser({ id: 67053, name: 'Lee Nowhere', email: 'lee.nowhere@example.com' });
      const result = await fire(app, answeredBy(26100013, 67053, 'Lee Nowhere'));
      const pages = result.requests.filter((r) => r.template === 'chatListAgents');
      expect(pages).toHaveLength(2);
      expect(chatRequests(app, 'GET', '/v2/agents').slice(-1)[0]).toMatchObject({ status: 200, query: expect.objectContaining({ page: '2' }) });
      expect(allAppNotes(app, { callId: 26100013 })[0]).toMatchObject({ actorId: SEED.agents.defaultAgent });
      expect(app.runtime.store('freshcaller').peek('app:state')).toMatchObject({ a67053: { name: 'Lee Nowhere' } });
    });

    test('an agent list without agents or paging: no match, no error', async () => {
      app.standins.freshcaller.addUser({ id: 67054, name: 'Ola Empty', email: 'ola.empty@example.com' });
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/agents', status: 200, body: {} });
      const result = await fire(app, answeredBy(26100014, 67054, 'Ola Empty'));
      expect(result.requests.filter((r) => r.template === 'chatListAgents')).toHaveLength(1);
      expect(allAppNotes(app, { callId: 26100014 })[0]).toMatchObject({ actorId: SEED.agents.defaultAgent });
      expect(record(26100014)).toMatchObject({ summary: 'written', failure: null });
    });
  });

  describe('answers of another shape', () => {
    // Each test looks the number up afresh: what an earlier test remembered would skip the lookup.
    beforeEach(() => forgetCallers(app));

    test('a user search without a users list counts as no match: a later form finds Sam', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users', status: 200, body: { pagination: {} } });
      const id = 26100020;
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      expect(result.requests.filter((r) => r.template === 'chatFindUsersByPhone')).toHaveLength(3);
      expect(record(id)).toMatchObject({ link: { state: 'linked', conversationId: sam }, summary: 'written', failure: null });
    });

    test('a user search whose users are not a list is a bad answer: recorded, nothing written, nothing queued', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users', status: 200, body: { users: 'Sam Taylor' } });
      const id = 26100021;
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      expect(runCodes(result)).toEqual([['error', 'failed']]);
      expect(record(id)).toMatchObject({ status: 'failed', link: { state: 'none', conversationId: null }, summary: 'none', failure: { code: 'bad_response', reason: UNREADABLE, permanent: true } });
      expect(queued(app.runtime, id)).toEqual([]);
      expect(appNotes(app, sam, { callId: id })).toEqual([]);
    });

    test('a user id that is not an id is never put into a request path: refused before sending, recorded', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users', status: 200, body: { users: [{ id: '../agents', phone: SAM }] } });
      const id = 26100025;
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      expect(result.requests.map((r) => r.template)).toEqual(['chatFindUsersByPhone']);
      expect(chatRequests(app).filter((r) => r.path.includes('..') || r.path === '/v2/agents/conversations')).toEqual([]);
      expect(runCodes(result)).toEqual([['error', 'failed']]);
      expect(record(id)).toMatchObject({ link: { conversationId: null }, summary: 'none', failure: { code: 'invalid', reason: 'Not a valid Freshchat id', permanent: true } });
      expect(queued(app.runtime, id)).toEqual([]);
    });

    test('a user deleted between the search and the conversation list (404): treated as having no conversation', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/users/' + SEED.users.sam + '/conversations', status: 404 });
      const id = 26100026;
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      // No conversation: there is none to read either.
      expect(result.requests.map((r) => r.template)).not.toContain('chatGetConversation');
      expect(runCodes(result)).toEqual([['info', 'unlinked']]);
      expect(record(id)).toMatchObject({ link: { state: 'unlinked', conversationId: null, reason: 'matched user by phone \u20260199; the user has no conversation' }, failure: null });
    });

    test('a conversation list without conversations: the user has none, and a missed call creates nothing', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: /^\/v2\/users\/[^/]+\/conversations$/, status: 200, body: {} });
      const id = 26100022;
      const before = app.standins.freshchat.state.conversations.length;
      const result = await fire(app, outcomeOf('missed-inbound', id, SAM));
      expect(runCodes(result)).toEqual([['info', 'unlinked']]);
      expect(record(id)).toMatchObject({ link: { state: 'unlinked', conversationId: null, reason: 'matched user by phone \u20260199; the user has no conversation' }, failure: null });
      expect(app.standins.freshchat.state.conversations).toHaveLength(before);
    });

    test('a conversation answered with `id` instead of `conversation_id` and no times is still used', async () => {
      app.standins.freshchat.injectFault({ method: 'GET', path: '/v2/conversations/' + sam, status: 200, body: { id: sam, status: 'new' } });
      const id = 26100023;
      await fire(app, outcomeOf('missed-inbound', id, SAM));
      expect(record(id)).toMatchObject({ link: { state: 'linked', conversationId: sam }, summary: 'written', failure: null });
      expect(appNotes(app, sam, { callId: id }).map((n) => n.kind)).toEqual(['summary']);
    });

    test('a created conversation answered without any id: recorded as a bad answer; the new user is kept for the next try', async () => {
      const id = 26100024;
      app.standins.freshchat.injectFault({ method: 'POST', path: '/v2/conversations', status: 200, body: { status: 'new' } });
      const result = await fire(app, outcomeOf('voicemail', id, '+14155550155'));
      expect(runCodes(result)).toEqual([['error', 'failed']]);
      const users = app.standins.freshchat.state.users.filter((u) => u.phone === '+14155550155');
      expect(users).toHaveLength(1);
      expect(record(id)).toMatchObject({ link: { state: 'to_create', conversationId: null, userId: users[0]!.id }, summary: 'none', failure: { code: 'bad_response' } });
    });
  });

  describe('a host that is not the API (another installation)', () => {
    async function oddHost(answer: { status?: number; contentType?: string; body?: string }): Promise<OddHost> {
      const host = await startOddHost(answer);
      oddHosts.push(host);
      return host;
    }

    test('Freshchat host serving a web page: a bad answer in plain words, nothing queued', async () => {
      const html = await oddHost({});
      const runtime = sideRuntime(app, { hostMap: { [String(app.iparams.freshchat_host)]: html.url, [String(app.iparams.freshcaller_host)]: app.standins.freshcaller.url } });
      const id = 26100030;
      const result = await fireOn(runtime, outcomeOf('missed-inbound', id, SAM));
      expect(html.paths).toEqual(['/v2/users']);
      expect(runCodes(result)).toEqual([['error', 'failed']]);
      expect(logLines(result)[0]![1]).not.toMatch(/nginx|html/i);
      expect(recordIn(runtime, id)).toMatchObject({ link: { conversationId: null }, failure: { code: 'bad_response', reason: UNREADABLE } });
      expect(queued(runtime, id)).toEqual([]);
    });

    test('Freshchat host answering 200 with an empty body: the same', async () => {
      const empty = await oddHost({ body: '', contentType: 'application/json' });
      const runtime = sideRuntime(app, { hostMap: { [String(app.iparams.freshchat_host)]: empty.url, [String(app.iparams.freshcaller_host)]: app.standins.freshcaller.url } });
      const id = 26100031;
      await fireOn(runtime, outcomeOf('missed-inbound', id, SAM));
      expect(recordIn(runtime, id)).toMatchObject({ failure: { code: 'bad_response', reason: UNREADABLE } });
    });

    test('Freshcaller host serving a web page for the call metrics: named as Freshcaller', async () => {
      const html = await oddHost({});
      const runtime = sideRuntime(app, { hostMap: { [String(app.iparams.freshchat_host)]: app.standins.freshchat.url, [String(app.iparams.freshcaller_host)]: html.url } });
      const id = 26100032;
      const result = await fireOn(runtime, outcomeOf('answered-inbound', id, SAM));
      expect(html.paths).toEqual(['/api/v1/calls/' + id + '/call_metrics']);
      expect(runCodes(result)).toEqual([['error', 'failed']]);
      expect(recordIn(runtime, id)).toMatchObject({ summary: 'none', failure: { code: 'bad_response', reason: 'Freshcaller sent an answer the app cannot read' } });
      expect(callerRequests(app, 'GET', '/api/v1/calls/' + id + '/call_metrics')).toEqual([]);
    });
  });
});
