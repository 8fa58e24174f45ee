// Caller numbers, normalised to E.164 with the Freshcaller number's country as the default
// region (README.md "Which conversation, and what is written", step 2), and the forms Freshchat may hold them in.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PhoneNumber } from './types';

const MASK_PREFIX = '\u2026';

export function normalisePhone(raw: string | null | undefined, businessNumber: string | null | undefined): PhoneNumber | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const parsed = parsePhoneNumberFromString(raw.trim(), regionOf(businessNumber));
  if (!parsed || !parsed.isValid()) return null;
  const digits = String(parsed.nationalNumber);
  return { e164: String(parsed.number), national: parsed.formatNational(), international: parsed.formatInternational(), digits, last4: digits.slice(-4) };
}

/** The forms Freshchat may hold a number in, by name. */
export const VARIANT_KINDS = ['e164', 'e164_digits', 'national', 'digits'] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

/**
 * The forms Freshchat may hold a number in, without repeats: E.164, E.164 digits without the
 * "+" (a common import format), national, national digits only. The form this account's
 * numbers matched in last comes first (README.md "Which conversation, and what is written").
 */
export function phoneVariants(phone: PhoneNumber, preferred: string | null = null): Array<{ kind: VariantKind; form: string }> {
  const forms = [phone.e164, phone.e164.replace(/^\+/, ''), phone.national, phone.digits];
  const variants = VARIANT_KINDS.map((kind, i) => ({ kind, form: forms[i] as string })).filter((v, i) => v.form !== '' && forms.indexOf(v.form) === i);
  const first = variants.filter((v) => v.kind === preferred);
  return first.concat(variants.filter((v) => v.kind !== preferred));
}

/** `…0123`, from the normalised number or else the raw one's digits; 'unknown number' if neither has 4. */
export function maskedNumber(phone: PhoneNumber | null, raw: string | null): string {
  const digits = phone ? phone.digits : (raw || '').replace(/\D/g, '');
  return digits.length >= 4 ? MASK_PREFIX + digits.slice(-4) : 'unknown number';
}

/** International format when the number parses, else the text as given. */
export function formatPhone(number: string): string {
  const parsed = parsePhoneNumberFromString(international(number));
  return parsed && parsed.isValid() ? parsed.formatInternational() : number.trim();
}

/** The business number is stored in + form (seed 001 `phone_number`); read it as international. */
function regionOf(businessNumber: string | null | undefined): CountryCode | undefined {
  if (typeof businessNumber !== 'string' || businessNumber.trim() === '') return undefined;
  const parsed = parsePhoneNumberFromString(international(businessNumber));
  return parsed ? parsed.country : undefined;
}

function international(number: string): string {
  const text = number.trim();
  return text.charAt(0) === '+' ? text : '+' + text.replace(/\D/g, '').replace(/^00/, '');
}
