// platform/lazily.ts: a value (a schema) built on first use, once per evaluation of server.js.
import { lazily } from '../../../server/src/platform/lazily';

describe('lazily', () => {
  test('builds nothing until the value is first asked for', () => {
    const build = jest.fn(() => ({ built: true }));
    lazily(build);
    expect(build).not.toHaveBeenCalled();
  });

  test('builds once and hands back the same value every time after', () => {
    const build = jest.fn(() => ({ built: true }));
    const value = lazily(build);
    const first = value();
    expect(value()).toBe(first);
    expect(value()).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  test('a value that is itself falsy is still built only once', () => {
    const build = jest.fn(() => 0);
    const value = lazily(build);
    expect([value(), value()]).toEqual([0, 0]);
    expect(build).toHaveBeenCalledTimes(1);
  });

  test('a build that throws is tried again on the next call, not cached', () => {
    let calls = 0;
    const value = lazily(() => {
      calls += 1;
      if (calls === 1) throw new Error('first build fails');
      return 'built';
    });
    expect(() => value()).toThrow('first build fails');
    expect(value()).toBe('built');
  });
});
