// What both clients do around a template call: turn a rejection into an ApiError, read a
// "not found" as null where that is an answer, and parse the body string with zod. The template
// name is passed again here only for the error: each client writes it as a literal in its
// invokeTemplate call, where `npm run validate` checks it.
import type { ZodType } from 'zod';
import type { RequestResponse } from '../platform/types';
import { ApiError, toApiError, type ApiProduct } from './api-error';

export async function sent(product: ApiProduct, template: string, pending: Promise<RequestResponse>): Promise<RequestResponse> {
  try {
    return await pending;
  } catch (err) {
    throw toApiError(product, template, err);
  }
}

/** 404 is an answer ("no such conversation"), not a failure: null. */
export async function sentOrNull(product: ApiProduct, template: string, pending: Promise<RequestResponse>): Promise<RequestResponse | null> {
  try {
    return await sent(product, template, pending);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not_found') return null;
    throw err;
  }
}

/** The body as JSON checked by `schema`; anything else is a bad_response (the body itself is never quoted). */
export function parsed<T>(product: ApiProduct, template: string, answer: RequestResponse, schema: ZodType<T>): T {
  const json = jsonOf(answer.response);
  if (!json.ok) throw new ApiError({ product, template, status: answer.status, code: 'bad_response' });
  return shaped(product, template, answer.status, json.value, schema);
}

/** A value from an answer checked by `schema`, or a bad_response. */
export function shaped<T>(product: ApiProduct, template: string, status: number, value: unknown, schema: ZodType<T>): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError({ product, template, status, code: 'bad_response' });
  return result.data;
}

function jsonOf(text: string): { ok: boolean; value: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    // Not JSON: an HTML page from a wrong host, an empty body.
    return { ok: false, value: err instanceof Error ? err.name : 'unreadable' };
  }
}

/** The ids the APIs issue (uuids, digits): the only ones that go into a template path. */
export const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Ids go into template paths unescaped (the platform renders `<%= context.x %>` as plain text).
 * An id from a sidebar argument such as `../agents` would reach another endpoint with the app's
 * credentials, so anything but the ids the APIs issue (uuids, digits) is refused before sending.
 */
export function checkedId(product: ApiProduct, template: string, id: string | number): string {
  const text = String(id);
  if (!SAFE_ID.test(text)) {
    throw new ApiError({ product, template, status: 0, code: 'invalid', reason: 'Not a valid ' + (product === 'freshchat' ? 'Freshchat' : 'Freshcaller') + ' id' });
  }
  return text;
}

/** A phone number in one of the forms the app looks up (E.164, digits, national): nothing else. */
const SAFE_PHONE = /^\+?[0-9(][0-9 ().-]{2,28}[0-9]$/;

export function checkedPhone(product: ApiProduct, template: string, phone: string): string {
  if (!SAFE_PHONE.test(phone)) throw new ApiError({ product, template, status: 0, code: 'invalid', reason: 'Not a phone number the app looks up' });
  return phone;
}
