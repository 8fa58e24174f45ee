// $schedule validations and firing (docs/platform.md "Scheduled events").

import { LocalRuntime, ManualClock, MSG_NAME_EXISTS, Scheduler } from '../../tools/runtime';
import { cleanupApps, handlers, makeApp } from './helpers';

afterAll(cleanupApps);

const T0 = Date.UTC(2030, 0, 1);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function scheduler() {
  const clock = new ManualClock(T0);
  return { s: new Scheduler({ clock }), clock };
}

const spec = (over: Record<string, unknown> = {}) => ({ name: 'retry-1', data: { callId: 1 }, schedule_at: iso(T0 + 10 * MIN), ...over });
const bad = (message: RegExp) => ({ status: 400, message: expect.stringMatching(message) });

describe('create validations', () => {
  it('accepts a valid one-time schedule', async () => {
    const { s } = scheduler();
    await expect(s.create(spec())).resolves.toEqual({ Created: true });
    expect(s.list().map((x) => x.name)).toEqual(['retry-1']);
  });

  it('requires a name of at most 30 characters', async () => {
    const { s } = scheduler();
    await expect(s.create(spec({ name: undefined }))).rejects.toEqual(bad(/name is required/));
    await expect(s.create(spec({ name: '' }))).rejects.toEqual(bad(/name is required/));
    await expect(s.create(spec({ name: 'n'.repeat(31) }))).rejects.toEqual(bad(/30 characters/));
    await expect(s.create(spec({ name: 'n'.repeat(30) }))).resolves.toEqual({ Created: true });
  });

  it('refuses a name already taken by a live schedule', async () => {
    const { s } = scheduler();
    await s.create(spec());
    await expect(s.create(spec())).rejects.toEqual({ status: 400, message: 'This Schedule name already exists' });
    await expect(s.create(spec())).rejects.toEqual({ status: 400, message: MSG_NAME_EXISTS });
  });

  it.each([
    ['missing', undefined],
    ['a string', '{"a":1}'],
    ['an array', [1]],
    ['null', null],
  ])('requires data to be an object, not %s', async (_what, data) => {
    const { s } = scheduler();
    await expect(s.create(spec({ data }))).rejects.toEqual(bad(/data is mandatory and must be an object/));
  });

  it('limits data to 4 KB', async () => {
    const { s } = scheduler();
    await expect(s.create(spec({ data: { x: 'x'.repeat(4 * 1024) } }))).rejects.toEqual(bad(/4 KB/));
    await expect(s.create(spec({ data: { x: 'x'.repeat(4 * 1024 - 8) } }))).resolves.toEqual({ Created: true });
  });

  it.each([
    ['not a string', T0 + 10 * MIN],
    ['not ISO', 'next tuesday'],
    ['without a time zone', '2030-01-01T01:00:00'],
    ['a date only', '2030-01-02'],
  ])('requires schedule_at to be an ISO date-time (%s)', async (_what, at) => {
    const { s } = scheduler();
    await expect(s.create(spec({ schedule_at: at }))).rejects.toEqual(bad(/ISO 8601/));
  });

  it('requires schedule_at at least 5 minutes and at most a year ahead of the clock', async () => {
    const { s } = scheduler();
    await expect(s.create(spec({ name: 'a', schedule_at: iso(T0 + 5 * MIN - 1000) }))).rejects.toEqual(bad(/at least 5 minutes/));
    await expect(s.create(spec({ name: 'b', schedule_at: iso(T0 - MIN) }))).rejects.toEqual(bad(/at least 5 minutes/));
    await expect(s.create(spec({ name: 'c', schedule_at: iso(T0 + 5 * MIN) }))).resolves.toEqual({ Created: true });
    await expect(s.create(spec({ name: 'd', schedule_at: iso(T0 + 365 * 24 * 60 * MIN) }))).resolves.toEqual({ Created: true });
    await expect(s.create(spec({ name: 'e', schedule_at: iso(T0 + 365 * 24 * 60 * MIN + 1000) }))).rejects.toEqual(bad(/at most 1 year/));
    await expect(s.create(spec({ name: 'f', schedule_at: '2030-01-01T01:02:00+01:00' }))).rejects.toEqual(bad(/at least 5 minutes/));
  });

  it('validates repeat and allows at most one recurring schedule', async () => {
    const { s } = scheduler();
    await expect(s.create(spec({ name: 'r0', repeat: { time_unit: 'weeks', frequency: 1 } }))).rejects.toEqual(bad(/time_unit/));
    await expect(s.create(spec({ name: 'r0', repeat: { time_unit: 'hours', frequency: 0 } }))).rejects.toEqual(bad(/frequency/));
    await expect(s.create(spec({ name: 'r1', repeat: { time_unit: 'hours', frequency: 1 } }))).resolves.toEqual({ Created: true });
    await expect(s.create(spec({ name: 'r2', repeat: { time_unit: 'days', frequency: 1 } }))).rejects.toEqual(bad(/Only one recurring schedule/));
    await expect(s.create(spec({ name: 'one-time' }))).resolves.toEqual({ Created: true });
  });

  it('allows at most 1000 one-time schedules', async () => {
    const { s } = scheduler();
    for (let i = 0; i < 1000; i++) await s.create(spec({ name: `s${i}` }));
    await expect(s.create(spec({ name: 's1000' }))).rejects.toEqual(bad(/At most 1000 one-time schedules/));
    await s.delete({ name: 's0' });
    await expect(s.create(spec({ name: 's1000' }))).resolves.toEqual({ Created: true });
  });
});

describe('fetch / update / delete', () => {
  it('fetches, updates and deletes by name; unknown names are 404', async () => {
    const { s } = scheduler();
    await s.create(spec());
    await expect(s.fetch({ name: 'retry-1' })).resolves.toMatchObject({ name: 'retry-1', data: { callId: 1 }, schedule_at: iso(T0 + 10 * MIN) });
    await expect(s.update(spec({ data: { callId: 2 }, schedule_at: iso(T0 + 20 * MIN) }))).resolves.toEqual({ Updated: true });
    await expect(s.fetch({ name: 'retry-1' })).resolves.toMatchObject({ data: { callId: 2 }, schedule_at: iso(T0 + 20 * MIN) });
    await expect(s.update(spec({ schedule_at: iso(T0 + MIN) }))).rejects.toEqual(bad(/at least 5 minutes/));
    await expect(s.delete({ name: 'retry-1' })).resolves.toEqual({ Deleted: true });
    await expect(s.fetch({ name: 'retry-1' })).rejects.toMatchObject({ status: 404 });
    await expect(s.delete({ name: 'retry-1' })).rejects.toMatchObject({ status: 404 });
    await expect(s.update(spec())).rejects.toMatchObject({ status: 404 });
  });

  it('an update may not add a second recurring schedule', async () => {
    const { s } = scheduler();
    await s.create(spec({ name: 'r1', repeat: { time_unit: 'minutes', frequency: 30 } }));
    await s.create(spec({ name: 'o1' }));
    await expect(s.update(spec({ name: 'o1', repeat: { time_unit: 'minutes', frequency: 30 } }))).rejects.toEqual(bad(/Only one recurring/));
    await expect(s.update(spec({ name: 'r1', repeat: { time_unit: 'hours', frequency: 2 } }))).resolves.toEqual({ Updated: true });
  });
});

describe('firing into onScheduledEvent', () => {
  const SERVER = handlers({
    callCreate: `await $schedule.create({ name: payload.data.name, data: { n: payload.data.n }, schedule_at: new Date(Date.now() + payload.data.inMs).toISOString(), repeat: payload.data.repeat }); renderData();`,
    // The handler re-uses its own name for a follow-up, which works once the schedule has fired.
    scheduled: `console.log('fired', JSON.stringify(payload.data), new Date().toISOString());
      if (payload.data.n < 2) { await $schedule.create({ name: 'retry', data: { n: payload.data.n + 1 }, schedule_at: new Date(Date.now() + 10 * 60000).toISOString() }); }
      renderData();`,
  });

  function rt() {
    const clock = new ManualClock(T0);
    return { runtime: new LocalRuntime({ root: makeApp({ server: SERVER }), clock, iparams: { api_host: 'h.example.com' } }), clock };
  }

  it('fires a one-time schedule when the clock passes it, deletes it, and frees its name', async () => {
    const { runtime, clock } = rt();
    const created = await runtime.fireEvent('onCallCreate', { data: { name: 'retry', n: 1, inMs: 10 * MIN } });
    expect(created.schedules.map((x) => [x.op, x.name, x.ok])).toEqual([['create', 'retry', true]]);
    expect(await runtime.advance(10 * MIN - 1)).toEqual([]);
    const fired = await runtime.advance(1);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ handler: 'onScheduledEventHandler', event: 'onScheduledEvent', completed: true, problems: [] });
    expect(fired[0]?.logs[0]?.message).toBe(`fired {"n":1} ${iso(T0 + 10 * MIN)}`);
    // Re-created under the same name from inside the handler.
    expect(fired[0]?.schedules.map((x) => [x.op, x.name, x.ok])).toEqual([['create', 'retry', true]]);
    expect(runtime.schedules().map((x) => x.data)).toEqual([{ n: 2 }]);
    // advance() fires the follow-up at its own time, then stops at the target.
    const later = await runtime.advance(60 * MIN);
    expect(later).toHaveLength(1);
    expect(later[0]?.logs[0]?.message).toBe(`fired {"n":2} ${iso(T0 + 20 * MIN)}`);
    expect(runtime.schedules()).toEqual([]);
    expect(clock.now()).toBe(T0 + 70 * MIN);
  });

  it('passes iparams and the schedule data in the payload', async () => {
    const root = makeApp({ server: handlers({ scheduled: 'renderData(null, { data: payload.data, ip: payload.iparams, event: payload.event });' }) });
    const clock = new ManualClock(T0);
    const runtime = new LocalRuntime({ root, clock, iparams: { api_host: 'h.example.com' } });
    await runtime.scheduler.create({ name: 'x', data: { a: 1 }, schedule_at: iso(T0 + 5 * MIN) });
    clock.advance(6 * MIN);
    const fired = await runtime.runDueSchedules();
    expect(fired[0]?.renderData?.data).toEqual({ data: { a: 1 }, ip: { api_host: 'h.example.com' }, event: 'onScheduledEvent' });
  });

  it('fires a recurring schedule at every occurrence and keeps it', async () => {
    const { runtime } = rt();
    await runtime.fireEvent('onCallCreate', { data: { name: 'sweep', n: 5, inMs: 5 * MIN, repeat: { time_unit: 'minutes', frequency: 15 } } });
    const fired = await runtime.advance(50 * MIN);
    // At +5, +20, +35 and +50 minutes.
    expect(fired.map((f) => f.logs[0]?.message)).toEqual([5, 20, 35, 50].map((m) => `fired {"n":5} ${iso(T0 + m * MIN)}`));
    expect(runtime.schedules()).toHaveLength(1);
    expect(runtime.schedules()[0]?.nextRunAt).toBe(T0 + 65 * MIN);
  });

  it('reports a schedule failure to the app as a plain rejection', async () => {
    const root = makeApp({
      server: handlers({
        callCreate: `try { await $schedule.create({ name: 'soon', data: {}, schedule_at: new Date(Date.now() + 60000).toISOString() }); renderData(); } catch (err) { renderData(null, { status: err.status, message: err.message }); }`,
      }),
    });
    const runtime = new LocalRuntime({ root, clock: new ManualClock(T0) });
    const r = await runtime.fireEvent('onCallCreate', {});
    expect(r.renderData?.data).toEqual({ status: 400, message: 'schedule_at must be at least 5 minutes in the future' });
    expect(r.schedules[0]).toMatchObject({ op: 'create', name: 'soon', ok: false });
  });
});
