// A short, stable digest for stored state (docs/architecture.md "The call record"): tells whether call notes
// changed without storing the notes. FNV-1a 32-bit over the UTF-8 bytes, as 8 hex digits.

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fingerprint(text: string): string {
  let hash = FNV_OFFSET_BASIS;
  utf8Bytes(text).forEach((byte) => {
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  });
  return ('0000000' + hash.toString(16)).slice(-8);
}

/** The size of a text in UTF-8, as the platform measures stored values against 8 KB. */
export function utf8Length(text: string): number {
  return utf8Bytes(text).length;
}

/** UTF-8 by hand: the platform sandbox has neither Buffer nor a guaranteed TextEncoder. */
function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) || 0;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return bytes;
}
