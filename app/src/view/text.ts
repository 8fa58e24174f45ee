// Small pure text helpers shared by the view logic.

/** `text` cut to `max` characters, with an ellipsis when cut (notices: title 30, message 100). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)).trimEnd() + '…';
}

/** A long Freshchat id shortened for a narrow panel: `…` and its last 8 characters. */
export function shortId(id: string): string {
  return id.length > 12 ? '…' + id.slice(-8) : id;
}

/** "1 call", "2 calls". */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A reason as a sentence: the next sentence after it must not run on ("lacks permission Nothing retries"). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' || /[.!?…]$/.test(trimmed) ? trimmed : trimmed + '.';
}
