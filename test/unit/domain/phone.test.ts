import { formatPhone, maskedNumber, normalisePhone, phoneVariants } from '../../../server/src/domain/phone';
import type { PhoneNumber } from '../../../server/src/domain/types';

const US_BUSINESS = '+18582810798';
const UK_BUSINESS = '+442071838750';
const SF: PhoneNumber = { e164: '+14155550123', national: '(415) 555-0123', international: '+1 415 555 0123', digits: '4155550123', last4: '0123' };
const LONDON: PhoneNumber = { e164: '+442079460958', national: '020 7946 0958', international: '+44 20 7946 0958', digits: '2079460958', last4: '0958' };

describe('normalisePhone', () => {
  test.each<[string, string | null | undefined, string | null | undefined, PhoneNumber | null]>([
    ['E.164', '+14155550123', US_BUSINESS, SF],
    ['E.164 with no business number', '+14155550123', null, SF],
    ['E.164 with a foreign business number', '+14155550123', UK_BUSINESS, SF],
    ['formatted international', ' +1 (415) 555-0123 ', US_BUSINESS, SF],
    ['national, US business', '(415) 555-0123', US_BUSINESS, SF],
    ['digits only, US business', '4155550123', US_BUSINESS, SF],
    ['national, UK business', '020 7946 0958', UK_BUSINESS, LONDON],
    ['00 prefix, UK business', '0044 20 7946 0958', UK_BUSINESS, LONDON],
    ['business number without +', '4155550123', '18582810798', SF],
    ['national with no business number', '4155550123', null, null],
    ['national with an unparseable business number', '4155550123', 'reception', null],
    ['national from another country', '4155550123', UK_BUSINESS, null],
    ['too short', '12345', US_BUSINESS, null],
    ['incomplete', '+1 415 555 01', US_BUSINESS, null],
    ['anonymous caller', 'anonymous', US_BUSINESS, null],
    ['empty', '', US_BUSINESS, null],
    ['whitespace', '   ', US_BUSINESS, null],
    ['null', null, US_BUSINESS, null],
    ['undefined', undefined, US_BUSINESS, null],
  ])('%s', (_label, raw, business, expected) => {
    expect(normalisePhone(raw, business)).toEqual(expected);
  });
});

describe('phoneVariants', () => {
  test.each<[PhoneNumber, string[]]>([
    [SF, ['+14155550123', '14155550123', '(415) 555-0123', '4155550123']],
    [LONDON, ['+442079460958', '442079460958', '020 7946 0958', '2079460958']],
    [{ e164: '+80012345678', national: '12345678', international: '+800 1234 5678', digits: '12345678', last4: '5678' }, ['+80012345678', '80012345678', '12345678']],
  ])('%j', (phone, expected) => {
    expect(phoneVariants(phone).map((v) => v.form)).toEqual(expected);
  });

  test('the form this account matched in last is tried first, the others after in their order', () => {
    expect(phoneVariants(SF, 'national').map((v) => v.kind)).toEqual(['national', 'e164', 'e164_digits', 'digits']);
    expect(phoneVariants(SF, 'unknown').map((v) => v.kind)).toEqual(['e164', 'e164_digits', 'national', 'digits']);
  });

  test('a preferred form the number does not have changes nothing', () => {
    const short = { e164: '+80012345678', national: '12345678', international: '+800 1234 5678', digits: '12345678', last4: '5678' };
    expect(phoneVariants(short, 'digits').map((v) => v.kind)).toEqual(['e164', 'e164_digits', 'national']);
  });
});

describe('maskedNumber', () => {
  test.each<[PhoneNumber | null, string | null, string]>([
    [SF, null, '\u20260123'],
    [SF, '+1 999 999 9999', '\u20260123'],
    [null, '+1 (415) 555-0199', '\u20260199'],
    [null, '4821', '\u20264821'],
    [null, '123', 'unknown number'],
    [null, 'anonymous', 'unknown number'],
    [null, '', 'unknown number'],
    [null, null, 'unknown number'],
  ])('%j with raw %p: %p', (phone, raw, expected) => {
    expect(maskedNumber(phone, raw)).toBe(expected);
  });
});

describe('formatPhone', () => {
  test.each<[string, string]>([
    ['+18582810798', '+1 858 281 0798'],
    ['18582810798', '+1 858 281 0798'],
    ['+442079460958', '+44 20 7946 0958'],
    [' reception ', 'reception'],
  ])('%p reads %p', (raw, expected) => {
    expect(formatPhone(raw)).toBe(expected);
  });
});
