import {
  DEFAULT_FRESHCALLER_API_KEY, DEFAULT_FRESHCHAT_TOKEN, loadSeedFile, startStandins, type Standins,
} from '../../tools/standins';

const seed = loadSeedFile();

describe('startStandins', () => {
  let standins: Standins;

  beforeAll(async () => {
    standins = await startStandins({ seed });
  });

  afterAll(() => standins.close());

  test('hostMap maps each iparam host to its stand-in base URL', () => {
    const map = standins.hostMap({ freshchat_host: 'acme.freshchat.com', freshcaller_host: 'acme.freshcaller.com', resolve_policy: 'answered' });
    expect(map).toEqual({ 'acme.freshchat.com': standins.freshchat.url, 'acme.freshcaller.com': standins.freshcaller.url });
    for (const url of Object.values(map)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(standins.freshchat.port).not.toBe(standins.freshcaller.port);
  });

  test('both answer with the default credentials and the seed loaded', async () => {
    const chat = await fetch(`${standins.freshchat.url}/v2/accounts/configuration`, { headers: { Authorization: `Bearer ${DEFAULT_FRESHCHAT_TOKEN}` } });
    expect(await chat.json()).toMatchObject({ app_id: seed.freshchat?.account?.app_id });
    const call = await fetch(`${standins.freshcaller.url}/api/v1/calls/25847710`, { headers: { 'X-Api-Auth': DEFAULT_FRESHCALLER_API_KEY } });
    expect(call.status).toBe(200);
  });

  test('reset empties the state, the log and the faults', async () => {
    standins.freshcaller.injectFault({ status: 503 });
    standins.freshcaller.reset();
    expect(standins.freshcaller.state).toEqual({ users: [], teams: [], calls: [], call_metrics: [] });
    expect(standins.freshcaller.requests).toEqual([]);
    const res = await fetch(`${standins.freshcaller.url}/api/v1/calls/25847710`, { headers: { 'X-Api-Auth': DEFAULT_FRESHCALLER_API_KEY } });
    expect(res.status).toBe(404);
    standins.freshcaller.reset(seed.freshcaller);
    expect(standins.freshcaller.state.calls).toHaveLength((seed.freshcaller!.calls || []).length);
  });

  test('state is a snapshot: changing it changes nothing', () => {
    const state = standins.freshchat.state;
    state.users.length = 0;
    expect(standins.freshchat.state.users).toHaveLength(3);
  });

  test('close() can be called twice', async () => {
    const extra = await startStandins();
    await extra.close();
    await expect(extra.close()).resolves.toBeUndefined();
  });
});

describe('test_data/standins-seed.json', () => {
  const chat = seed.freshchat || {};
  const caller = seed.freshcaller || {};

  test('Freshchat: an account with app_id, a channel, three agents', () => {
    expect(chat.account?.app_id).toEqual(expect.any(String));
    expect(chat.channels).toHaveLength(1);
    expect(chat.agents).toHaveLength(3);
  });

  test('one Freshchat agent shares its email with a Freshcaller agent', () => {
    const callerEmails = (caller.users || []).map((u) => u.email);
    expect(caller.users).toHaveLength(2);
    expect((chat.agents || []).filter((a) => callerEmails.includes(a.email))).toHaveLength(1);
  });

  test('three users with phones stored E.164, national and digits only', () => {
    expect((chat.users || []).map((u) => u.phone)).toEqual(['+14155550123', '(415) 555-0199', '4155550142']);
  });

  test('one user has a resolved and an open conversation; statuses vary', () => {
    const jordan = (chat.users || [])[0]?.id;
    const statuses = (chat.conversations || []).filter((c) => c.users.some((u) => u.id === jordan)).map((c) => c.status).sort();
    expect(statuses).toEqual(['assigned', 'resolved']);
    expect(new Set((chat.conversations || []).map((c) => c.status)).size).toBeGreaterThanOrEqual(3);
  });

  test('the sample calls: answered with CSAT 4, missed, voicemail, on the business number', () => {
    const customer = (id: number) => (caller.calls || []).find((c) => c.id === id)?.participants?.find((p) => p.participant_type === 'Customer');
    expect(customer(25847696)).toMatchObject({ caller_number: '+14155550123', call_status: 1 });
    expect(customer(25847700)).toMatchObject({ caller_number: '+14155550199', call_status: 3 });
    expect(customer(25847710)).toMatchObject({ caller_number: '+14155550142', call_status: 10 });
    expect((caller.calls || []).every((c) => c.phone_number === '+18582810798')).toBe(true);
    expect((caller.calls || []).filter((c) => [25847696, 25847700, 25847710].includes(c.id)).every((c) => c.direction === 'incoming')).toBe(true);
    const csat = (id: number) => (caller.call_metrics || []).find((m) => m.call_id === id)?.csat;
    expect(csat(25847696)).toEqual({ transfer_made: true, outcome: 4, time: 12, time_unit: 'seconds' });
    expect(csat(25847700)).toMatchObject({ transfer_made: false, outcome: null });
    expect(csat(25847710)).toMatchObject({ transfer_made: false, outcome: null });
  });

  test('fake data only: example.com addresses and 555 numbers', () => {
    const text = JSON.stringify(seed);
    for (const email of text.match(/[\w.+-]+@[\w.-]+/g) || []) expect(email).toMatch(/@example\.com$/);
    const phones = (text.match(/\+1\d{10}|\(\d{3}\) \d{3}-\d{4}|"\d{10}"/g) || []).filter((p) => !p.includes('858281'));
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone.replace(/\D/g, '')).toMatch(/555\d{4}$/);
  });
});
