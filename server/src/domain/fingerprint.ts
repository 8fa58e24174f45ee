// A short, stable digest for stored state (docs/architecture.md "The call record"): tells whether call notes
// changed without storing the notes. FNV-1a 32-bit over the UTF-8 bytes, as 8 hex digits.

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fingerprint(text: string): string {
  let hash = FNV_OFFSET_BASIS;
  eachUtf8Byte(text, (byte) => {
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  });
  return ('0000000' + hash.toString(16)).slice(-8);
}

/** The size of a text in UTF-8, as the platform measures stored values against 8 KB. */
export function utf8Length(text: string): number {
  let length = 0;
  eachUtf8Byte(text, () => {
    length += 1;
  });
  return length;
}

/**
 * UTF-8 by hand: the platform sandbox has neither Buffer nor a guaranteed TextEncoder. Each byte
 * goes to `visit` as it is found (no array of them: this runs on every meaningful event). A lone
 * surrogate is encoded as its own three bytes, as before.
 */
function eachUtf8Byte(text: string, visit: (byte: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) as number;
    if (code < 0x80) {
      visit(code);
      continue;
    }
    if (code > 0xffff) i++;
    multiByte(code, visit);
  }
}

function multiByte(code: number, visit: (byte: number) => void): void {
  if (code < 0x800) {
    visit(0xc0 | (code >> 6));
  } else if (code < 0x10000) {
    visit(0xe0 | (code >> 12));
    visit(0x80 | ((code >> 6) & 0x3f));
  } else {
    visit(0xf0 | (code >> 18));
    visit(0x80 | ((code >> 12) & 0x3f));
    visit(0x80 | ((code >> 6) & 0x3f));
  }
  visit(0x80 | (code & 0x3f));
}
