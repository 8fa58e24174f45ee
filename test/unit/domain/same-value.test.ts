import { sameValue } from '../../../server/src/domain/same-value';

describe('sameValue', () => {
  test.each<[unknown, unknown, boolean]>([
    [1, 1, true],
    [1, '1', true],
    ['25847696', 25847696, true],
    [1.5, '1.5', true],
    [1, '01', false],
    [1, 2, false],
    ['a', 'a', true],
    ['a', 'b', false],
    [null, undefined, true],
    [null, null, true],
    [null, 0, false],
    [undefined, '', false],
    [true, true, true],
    [true, 'true', false],
    [[1, 2], ['1', '2'], true],
    [[1, 2], [2, 1], false],
    [[1], [1, 2], false],
    [[], {}, false],
    [{ id: 1, url: 'u' }, { id: '1', url: 'u' }, true],
    [{ id: 1, url: null }, { id: 1 }, true],
    [{ id: 1 }, { id: 2 }, false],
    [{ a: { b: [1] } }, { a: { b: ['1'] } }, true],
    [{ a: 1 }, 'a', false],
  ])('%p vs %p: %p', (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
    expect(sameValue(b, a)).toBe(expected);
  });
});
