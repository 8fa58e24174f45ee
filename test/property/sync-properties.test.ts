// Properties of the call sync, held black-box against the built server/server.js in the local
// runtime: random lifecycles of 1-6 calls (test/support/lifecycle-gen.ts), delivered with
// duplicates (some concurrent), reordering, drops, irrelevant events and clock advances, with
// fault windows in the stand-ins (429 with Retry-After, 500, 503, slow answers, timeouts); then
// faults off and the clock advanced in 5-minute steps (up to 26 h) so scheduled work drains.
// Judged by what the stand-ins hold (test/support/sync-harness.ts, checkCase):
//
//   summary-once                every call that should be noted has exactly one summary, in a
//                               conversation of its caller; the others have no note
//   followups-unique            no follow-up fact twice, none repeating the summary
//   resolution-once             at most one accepted resolve per answered call of a conversation
//   csat-once-after-resolution  at most one CSAT per rated call; only on a resolved conversation
//   resolved-and-csat-posted    an answered call alone for its caller leaves its conversation
//                               resolved, and a CSAT known from the start is posted
//   platform-clean              every invocation passes assertPlatformClean
//   budgets                     at most 50 requests and 50 $db operations per clock minute; no 429
//                               from the platform itself
//   nothing-pending             pendingWork(app) is empty at the end
//   no-leaks                    no log line holds an API key, a full phone number or call notes
//   api-contracts               no request broke the APIs' contracts
//
// PROPERTY_RUNS=5000 PROPERTY_RANDOM=1 npx jest test/property (or npm run test:property) for a big run of new cases;
// PROPERTY_SEED / PROPERTY_PATH replay a reported counterexample.
import fc from 'fast-check';
import { caseArb, type CaseSpec } from '../support/lifecycle-gen';
import { assertCase, startPropertyApp, type PropertyApp } from '../support/sync-harness';

/** The seed of `npm test`: the same 125 cases every run, so a red CI is a real regression. */
const FIXED_SEED = 20261201;
const RUNS = Number(process.env.PROPERTY_RUNS || 100);
const CLEAN_RUNS = Number(process.env.PROPERTY_CLEAN_RUNS || Math.max(15, Math.round(RUNS / 4)));
/** Generous: a case takes 0.2-1 s; shrinking a failure runs many more. */
const MS_PER_CASE = 4000;

/** fast-check stops (and reports the smallest counterexample so far) before Jest's timeout would swallow it. */
function params(runs: number, timeoutMs: number): fc.Parameters<[CaseSpec]> {
  const p: fc.Parameters<[CaseSpec]> = {
    numRuns: runs,
    endOnFailure: process.env.PROPERTY_SHRINK === '0',
    interruptAfterTimeLimit: timeoutMs - 20_000,
    markInterruptAsFailure: true,
  };
  // npm test (and CI) runs one fixed, reproducible set of cases; the big run draws new ones.
  p.seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : process.env.PROPERTY_RANDOM ? Date.now() : FIXED_SEED;
  if (process.env.PROPERTY_PATH) p.path = process.env.PROPERTY_PATH;
  return p;
}

describe('call sync properties (built server.js, local runtime, stand-ins)', () => {
  let app: PropertyApp;

  beforeAll(async () => {
    app = await startPropertyApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const cleanTimeout = CLEAN_RUNS * MS_PER_CASE + 60_000;
  // Calls of different callers only: with two calls of one caller, the current app already fails
  // csat-once-after-resolution on a clean delivery (a later missed/voicemail/abandoned call reopens
  // the conversation before a late CSAT is looked at again). The chaotic property keeps that in.
  test(
    'a trivially correct delivery (every event once, in order, no faults; one call per caller) ends with every property holding',
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb({ chaos: false, faults: false, distinctCallers: true }), (spec) => assertCase(app, spec)),
        params(CLEAN_RUNS, cleanTimeout),
      );
    },
    cleanTimeout,
  );

  const chaosTimeout = RUNS * MS_PER_CASE + 240_000;
  test(
    'under duplicated, reordered, dropped and irrelevant events and fault windows, every property holds',
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(), (spec) => assertCase(app, spec)),
        params(RUNS, chaosTimeout),
      );
    },
    chaosTimeout,
  );
});
