import { fingerprint } from '../../../server/src/domain/fingerprint';

describe('fingerprint', () => {
  // Reference vectors of FNV-1a 32-bit (draft-eastlake-fnv, test suite of the FNV authors).
  test.each<[string, string]>([
    ['', '811c9dc5'],
    ['a', 'e40c292c'],
    ['foobar', 'bf9cf968'],
  ])('FNV-1a of %p is %s', (text, expected) => {
    expect(fingerprint(text)).toBe(expected);
  });

  test.each<[string]>([['Customer asked to move the delivery to Friday.'], ['naïve café'], ['emoji 📞 call'], ['\u0000']])(
    'is 8 hex digits and stable for %p',
    (text) => {
      expect(fingerprint(text)).toMatch(/^[0-9a-f]{8}$/);
      expect(fingerprint(text)).toBe(fingerprint(text));
    },
  );

  // Expected values computed independently (Python, over str.encode('utf-8')).
  test.each<[string, string]>([
    ['é', '1e9de8c1'],
    ['\u2026', 'd38c119b'],
    ['📞', '639615a5'],
    ['naïve café', '7484da15'],
  ])('hashes the UTF-8 bytes of %p', (text, expected) => {
    expect(fingerprint(text)).toBe(expected);
  });

  test('tells apart notes that differ by one character', () => {
    expect(fingerprint('Confirmed new slot.')).not.toBe(fingerprint('Confirmed new slot!'));
  });
});
