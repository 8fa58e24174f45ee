import { mapCsat } from '../../../server/src/domain/csat';
import type { CsatScale } from '../../../server/src/domain/types';

describe('mapCsat', () => {
  test.each<[CsatScale, number, number]>([
    ['1-5', 1, 1],
    ['1-5', 2, 2],
    ['1-5', 3, 3],
    ['1-5', 4, 4],
    ['1-5', 5, 5],
    ['1-9', 1, 1],
    ['1-9', 2, 2],
    ['1-9', 3, 2],
    ['1-9', 4, 3],
    ['1-9', 5, 3],
    ['1-9', 6, 4],
    ['1-9', 7, 4],
    ['1-9', 8, 5],
    ['1-9', 9, 5],
    ['1-2', 1, 5],
    ['1-2', 2, 1],
  ])('scale %s maps key %i to rating %i', (scale, key, rating) => {
    expect(mapCsat(key, scale)).toEqual({ key, rating });
  });

  test.each<[CsatScale, number | null | undefined]>([
    ['1-5', 0],
    ['1-5', 6],
    ['1-5', -1],
    ['1-5', 2.5],
    ['1-5', NaN],
    ['1-5', null],
    ['1-5', undefined],
    ['1-9', 0],
    ['1-9', 10],
    ['1-9', 4.5],
    ['1-2', 0],
    ['1-2', 3],
    ['1-2', 1.5],
  ])('scale %s refuses key %p', (scale, key) => {
    expect(mapCsat(key, scale)).toBeNull();
  });

  test('an unknown scale maps nothing', () => {
    expect(mapCsat(3, '1-10' as CsatScale)).toBeNull();
  });
});
