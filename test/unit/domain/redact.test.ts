import { CARD_MASK, redactCardNumbers } from '../../../server/src/domain/redact';

describe('redactCardNumbers', () => {
  test.each<[string, string, string]>([
    ['Visa with spaces', 'card 4111 1111 1111 1111 ok', `card ${CARD_MASK} ok`],
    ['Mastercard with dashes', 'card 5500-0000-0000-0004.', `card ${CARD_MASK}.`],
    ['Amex, 15 digits', 'amex 378282246310005', `amex ${CARD_MASK}`],
    ['Amex grouped 4-6-5', 'amex 3782 822463 10005', `amex ${CARD_MASK}`],
    ['Discover', '6011111111111117', CARD_MASK],
    ['Visa, 13 digits', 'old visa 4222222222222', `old visa ${CARD_MASK}`],
    ['19 digits', 'card 4000 0000 0000 0000 006', `card ${CARD_MASK}`],
    ['mixed separators', '4111-1111 1111-1111', CARD_MASK],
    ['two cards', '4111111111111111 and 5500000000000004', `${CARD_MASK} and ${CARD_MASK}`],
    ['sample call notes', 'Updated card on file: 4111 1111 1111 1111, order 5512-7788.', `Updated card on file: ${CARD_MASK}, order 5512-7788.`],
    ['card followed by expiry digits', 'card 4111 1111 1111 1111 06/27', `card ${CARD_MASK} 06/27`],
    ['a short number before the card', 'ref 12 4111 1111 1111 1111', `ref 12 ${CARD_MASK}`],
    ['inside other text', 'x4111111111111111y', `x${CARD_MASK}y`],
  ])('redacts %s', (_label, text, expected) => {
    expect(redactCardNumbers(text)).toBe(expected);
  });

  test.each<[string, string]>([
    ['Luhn fails by one digit', '4111 1111 1111 1112'],
    ['order number failing Luhn', 'order 1234567890123456'],
    ['12 digits passing Luhn', '411111111117'],
    ['20 digits in a row passing Luhn', '41111111111111110000'],
    ['a phone number that passes Luhn, 11 digits', '+14155550123'],
    ['phone number E.164', 'call back on +14155550123'],
    ['phone number formatted', 'call back on +1 415-555-0123 or (415) 555-0199'],
    ['double space splits the run', '4111  1111  1111  1111'],
    ['other separators', '4111.1111.1111.1111 and 4111/1111/1111/1111'],
    ['no digits', 'Customer asked to move the delivery to Friday.'],
    ['empty', ''],
  ])('leaves alone %s', (_label, text) => {
    expect(redactCardNumbers(text)).toBe(text);
  });

  test('a card number in a grouped run is found; the same digits unseparated stay', () => {
    expect(redactCardNumbers('4111111111111111 0000')).toBe(`${CARD_MASK} 0000`);
    expect(redactCardNumbers('41111111111111110000')).toBe('41111111111111110000');
  });

  test('a long run of digit groups is handled in bounded time', () => {
    const text = Array(5000).fill('12').join(' ');
    const started = Date.now();
    expect(redactCardNumbers(text)).toBe(text);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
