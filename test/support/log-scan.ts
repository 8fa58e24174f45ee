// The log scan every end-to-end app runs at its end (local-app.ts stop()): no API key and no
// unmasked phone number may reach a log line, whatever the test did. Masked numbers (`…0123`)
// and call ids (8 digits, no "+") are fine.

/** A number in international form, or any of the sample callers' and the business number's usual forms. */
const PHONE_PATTERNS: RegExp[] = [
  /\+\d[\d\s().-]{7,}\d/,
  /\(?\b415\)?[\s.-]?555[\s.-]?\d{4}\b/,
  /\b1?4155550\d{3}\b/,
  /\(?\b858\)?[\s.-]?281[\s.-]?0798\b/,
];

export function logLeaks(messages: string[], secrets: string[]): string[] {
  const keys = secrets.filter((secret) => secret.length >= 6);
  return messages.filter((message) => keys.some((key) => message.includes(key)) || PHONE_PATTERNS.some((pattern) => pattern.test(message)));
}
