// Card numbers in call notes are removed before they are written anywhere (README.md): 13-19 digits, possibly separated by single spaces or dashes, passing Luhn.

export const CARD_MASK = '[card number removed]';

/** A run of digit groups joined by one space or dash each. */
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

export function redactCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, redactRun);
}

/**
 * Tries group-aligned windows, longest first from each group, so a card number followed by
 * more digits in the same run ("4111 1111 1111 1111 06/27") is still found. A single
 * unseparated run is one group: judged whole, so 20 digits in a row stay as they are.
 */
function redactRun(run: string): string {
  const groups = run.split(/[ -]/);
  const separators = run.replace(/\d+/g, '');
  let out = '';
  let start = 0;
  while (start < groups.length) {
    const end = cardEnd(groups, start);
    out += end < 0 ? groups[start] : CARD_MASK;
    start = end < 0 ? start + 1 : end + 1;
    out += separators.charAt(start - 1);
  }
  return out;
}

/** Index of the last group of the longest card number starting at `start`, or -1. */
function cardEnd(groups: string[], start: number): number {
  // Every group holds at least one digit, so no window spans more than MAX_DIGITS groups.
  for (let end = Math.min(groups.length, start + MAX_DIGITS) - 1; end >= start; end--) {
    const digits = groups.slice(start, end + 1).join('');
    if (digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && passesLuhn(digits)) return end;
  }
  return -1;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    const digit = Number(digits.charAt(digits.length - 1 - index));
    const doubled = index % 2 === 1 ? digit * 2 : digit;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  return sum % 10 === 0;
}
