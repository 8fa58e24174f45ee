// The Re-link picker: CallerConversations → fw-select options, newest first, with status and
// creation time (Freshchat's conversation object has no last-activity time: contract.ts).
import type { CallerConversations, ConversationOption } from '../../../server/src/methods/contract';
import { shortId } from './text';

export interface PickerOption {
  value: string;
  text: string;
  subText: string;
  disabled: boolean;
}

export interface PickerModel {
  options: PickerOption[];
  /** Shown above the picker when there is nothing to pick, else null. */
  empty: string | null;
  /** A short note under the picker (more conversations than listed, how the caller was found). */
  note: string | null;
}

const STATUS_WORDS: Record<string, string> = { new: 'New', assigned: 'Open', resolved: 'Resolved', reopened: 'Reopened' };

export function statusWord(status: string): string {
  return STATUS_WORDS[status] || (status ? status.charAt(0).toUpperCase() + status.slice(1) : 'Unknown status');
}

export type TimeFormat = (iso: string | null) => string;

/** "3 Jun 2026, 14:02" in the agent's locale and time zone (fw-select options are plain text). */
export function formatTime(iso: string | null): string {
  const ms = iso ? Date.parse(iso) : NaN;
  if (isNaN(ms)) return 'unknown time';
  const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, options).format(new Date(ms));
}

function created(option: ConversationOption): number {
  const ms = option.createdTime ? Date.parse(option.createdTime) : NaN;
  return isNaN(ms) ? -Infinity : ms;
}

/** Newest first; conversations without a time go last, in the order Freshchat listed them. */
export function newestFirst(options: ConversationOption[]): ConversationOption[] {
  return options
    .map((option, index) => ({ option, index }))
    .sort((a, b) => created(b.option) - created(a.option) || a.index - b.index)
    .map((x) => x.option);
}

function noteFor(list: CallerConversations): string | null {
  if (list.more) return `Showing the ${list.conversations.length} newest conversations of this caller.`;
  if (list.matchedBy === 'phone') return 'Conversations of the Freshchat user with this phone number.';
  return null;
}

export function pickerModel(list: CallerConversations, format: TimeFormat): PickerModel {
  const options = newestFirst(list.conversations).map((c) => ({
    value: c.id,
    text: `${statusWord(c.status)} · ${shortId(c.id)}${c.current ? ' (linked now)' : ''}`,
    subText: 'Created ' + format(c.createdTime),
    disabled: c.current,
  }));
  const empty =
    options.length > 0 ? null : list.matchedBy === 'none' ? 'This caller has no Freshchat user, so there is nothing to link to.' : 'This caller has no Freshchat conversations.';
  return { options, empty, note: noteFor(list) };
}
