// platform/metered.ts: what an invocation spends, counted as the platform's budgets count it.
import { metered } from '../../../server/src/platform/metered';
import { FakePlatform } from '../../support/fake-platform';

describe('metered', () => {
  test('every storage operation counts one, whatever it is and however it ends', async () => {
    const platform = new FakePlatform();
    const { platform: counted, meter } = metered(platform);
    await counted.db.set('a', { x: 1 });
    await counted.db.get('a');
    await expect(counted.db.get('missing')).rejects.toMatchObject({ status: 404 });
    await counted.db.update('a', 'set', { y: 2 });
    await counted.db.delete('a');
    expect(meter).toEqual({ requests: 0, dbOps: 5 });
    expect(platform.dbOps()).toEqual(['set a', 'get a', 'get missing', 'update a', 'delete a']);
  });

  test('set passes its options through (setIf, ttl)', async () => {
    const platform = new FakePlatform();
    const { platform: counted } = metered(platform);
    await counted.db.set('lk:1:0', { at: 1 }, { setIf: 'not_exist', ttl: 10 });
    await expect(counted.db.set('lk:1:0', { at: 2 }, { setIf: 'not_exist' })).rejects.toMatchObject({ status: 400 });
    expect(platform.calls.map((c) => c.args[2])).toEqual([{ setIf: 'not_exist', ttl: 10 }, { setIf: 'not_exist' }]);
  });

  test('requests are counted by whoever sends them, through countRequest', () => {
    const { meter, countRequest } = metered(new FakePlatform());
    countRequest();
    countRequest();
    expect(meter).toEqual({ requests: 2, dbOps: 0 });
  });

  test('everything else of the platform is the same object; the original is not changed', async () => {
    const platform = new FakePlatform();
    const { platform: counted, meter } = metered(platform);
    expect(counted.request).toBe(platform.request);
    expect(counted.schedule).toBe(platform.schedule);
    expect(counted.logger).toBe(platform.logger);
    expect(counted.now()).toBe(platform.time);
    await platform.db.set('b', { x: 1 });
    expect(meter.dbOps).toBe(0);
  });

  test('two invocations count apart', async () => {
    const platform = new FakePlatform();
    const first = metered(platform);
    const second = metered(platform);
    await first.platform.db.set('a', { x: 1 });
    expect([first.meter.dbOps, second.meter.dbOps]).toEqual([1, 0]);
  });
});
