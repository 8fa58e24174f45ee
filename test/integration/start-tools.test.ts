// The parts of `npm start` around the page: its options, a taken port told in one line, the
// installation checks, the clock step's bounds, and the per-call account of what was written
// (each call's own CSAT, not its conversation's).
import { createServer, type Server } from 'node:net';
import { parseArgs, checkPortFree } from '../../tools/start/cli';
import { checkIparams, loadIparamSpecs } from '../../tools/start/custom-configs';
import { PortInUse, startDevServer } from '../../tools/start/dev-server';
import { startLocalSession, type LocalSession } from '../../tools/start/session';
import { formatWrites, writesForCall } from '../../tools/start/written';
import { ManualClock } from '../../tools/runtime';
import { recordShippedCoverage } from '../../tools/coverage/shipped-coverage';
import { loadIparams, ROOT } from '../support/fixtures';

describe('npm start options', () => {
  test('--once and --port N, or --port=N; anything else is refused', () => {
    expect(parseArgs([])).toEqual({ once: false, port: 10001 });
    expect(parseArgs(['--once', '--port', '12000'])).toEqual({ once: true, port: 12000 });
    expect(parseArgs(['--port=12001'])).toEqual({ once: false, port: 12001 });
    expect(() => parseArgs(['--port', 'x'])).toThrow('--port needs a port number from 1 to 65535, got "x"');
    expect(() => parseArgs(['--port'])).toThrow('--port needs a port number');
    expect(() => parseArgs(['--verbose'])).toThrow('unknown option --verbose');
  });

  test('a taken port is a PortInUse error with a one-line message, before and at listening', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(checkPortFree(port)).rejects.toBeInstanceOf(PortInUse);
      await expect(startDevServer({} as LocalSession, port)).rejects.toThrow(new PortInUse(port).message);
      expect(new PortInUse(port).message).not.toContain('\n');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    await expect(checkPortFree(port)).resolves.toBeUndefined();
  });
});

describe('installation checks', () => {
  const specs = loadIparamSpecs(ROOT);
  test('test_data/iparams.json passes', () => {
    expect(checkIparams(specs, loadIparams())).toEqual([]);
  });
  test('required, pattern, options, types and unknown keys are told', () => {
    const values = Object.assign(loadIparams(), {
      freshchat_host: 'https://acme.freshchat.com/',
      freshcaller_api_key: '',
      resolve_policy: 'sometimes',
      log_call_types: ['answered', 'texted'],
      mask_caller_number: 'yes',
      extra: 1,
    });
    expect(checkIparams(specs, values)).toEqual([
      'extra is not an installation parameter',
      'Freshchat API host: Enter the host only, e.g. acme.freshchat.com (no https://, no path)',
      'Freshcaller API key: required',
      'Resolve the conversation: choose one of never, answered',
      'Calls that get a note: choose among answered, missed, voicemail, abandoned, outgoing',
      "Mask the caller's number: must be ticked or not",
    ]);
  });
});

describe('the session around the page', () => {
  let session: LocalSession;
  beforeAll(async () => {
    session = await startLocalSession({ root: ROOT, clock: new ManualClock(Date.UTC(2026, 10, 2, 14)), instrument: true, skipBuild: true });
    await session.replayAll();
    await session.advanceClock(20);
  });
  afterAll(async () => {
    recordShippedCoverage(ROOT, session.runtime.coverage());
    await session.close();
  });

  test('the clock moves by 1 to 1440 minutes at a time', async () => {
    await expect(session.advanceClock(0)).rejects.toThrow('advance the clock by 1 to 1440 minutes');
    await expect(session.advanceClock(1441)).rejects.toThrow(RangeError);
    await expect(session.advanceClock(Number.NaN)).rejects.toThrow(RangeError);
  });

  test("each call's written account shows its own CSAT, from its record, not its conversation's ratings", () => {
    const store = session.runtime.store('freshcaller');
    const chat = session.standins.freshchat.state;
    let withRating = 0;
    let sharedWithoutOwn = 0;
    for (const key of store.keys().filter((k) => k.startsWith('call:'))) {
      const callId = key.slice('call:'.length);
      const record = store.peek(key) as { csat: { state: string; rating: number | null } };
      const writes = writesForCall(session.standins, callId, store);
      const text = formatWrites(writes).join('\n');
      if (writes.notes.length === 0) continue;
      if (record.csat.rating !== null) {
        withRating += 1;
        expect(writes.csat).toEqual(expect.objectContaining({ state: record.csat.state, rating: record.csat.rating }));
        expect(text).toContain('CSAT ' + record.csat.rating + '/5');
      } else {
        expect(text).not.toContain('CSAT');
        if (writes.conversations.some((c) => (chat.csat[c.conversationId] || []).length > 0)) sharedWithoutOwn += 1;
      }
    }
    expect(withRating).toBeGreaterThan(0);
    // the case the old account got wrong: a call without a rating in a conversation that has one
    expect(sharedWithoutOwn).toBeGreaterThan(0);
  });
});
