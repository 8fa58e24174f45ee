// The runtime clock moves only when told (ManualClock) or follows real time plus an offset
// (SystemClock); the per-minute budgets slide with it.

import { ManualClock, MinuteBudget, SystemClock } from '../../tools/runtime';

describe('ManualClock', () => {
  it('moves only when told', async () => {
    const c = new ManualClock(1000);
    expect(c.now()).toBe(1000);
    c.advance(500);
    expect(c.now()).toBe(1500);
    c.set(5000);
    expect(c.now()).toBe(5000);
    await c.sleep(250); // a retry delay: the clock jumps, nothing waits
    expect(c.now()).toBe(5250);
  });

  it('refuses to go backwards or by nonsense amounts', () => {
    const c = new ManualClock(1000);
    expect(() => c.set(999)).toThrow(RangeError);
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => c.advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('SystemClock', () => {
  it('follows real time plus an adjustable offset', async () => {
    const c = new SystemClock();
    const before = Date.now();
    expect(Math.abs(c.now() - before)).toBeLessThan(50);
    c.advance(3_600_000);
    expect(c.now() - Date.now()).toBeGreaterThanOrEqual(3_600_000 - 50);
    expect(c.getOffset()).toBe(3_600_000);
    c.setOffset(0);
    const t = Date.now();
    await c.sleep(30); // really waits
    expect(Date.now() - t).toBeGreaterThanOrEqual(25);
  });
});

describe('MinuteBudget', () => {
  it('is a sliding one-minute window', () => {
    const clock = new ManualClock(0);
    const b = new MinuteBudget(clock, 3);
    expect([b.take(), b.take()]).toEqual([true, true]);
    clock.advance(30_000);
    expect([b.take(), b.take()]).toEqual([true, false]);
    expect(b.used()).toBe(3);
    clock.advance(30_000); // the first two leave the window
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
  });
});
