/**
 * Error reporting for the search languages: every syntax or validation failure becomes an
 * INVALID_ARGUMENT PaddockError whose message quotes the input and marks the offending
 * character with a caret, and whose details carry the 0-based `position`.
 */
import { fail } from '../../core/errors.js';

/** Which input is being parsed, for the message and `details`. */
export interface SourceContext {
  /** `filter` or `order_by`: the request field the text came from. */
  readonly field: 'filter' | 'order_by';
  readonly text: string;
  /** For order_by: the index of the item in the list. */
  readonly index?: number;
}

// Long filters are shown as a window around the position so the caret stays readable.
const WINDOW = 60;

/** The input line plus a caret line under `position`, indented by two spaces. */
export function caretLines(text: string, position: number): string {
  const flat = text.replace(/[\r\n\t]/g, ' ');
  let start = 0;
  let end = flat.length;
  if (flat.length > WINDOW * 2) {
    start = Math.max(0, position - WINDOW);
    end = Math.min(flat.length, position + WINDOW);
  }
  const head = start > 0 ? '…' : '';
  const tail = end < flat.length ? '…' : '';
  const caretAt = head.length + position - start;
  return `  ${head}${flat.slice(start, end)}${tail}\n  ${' '.repeat(caretAt)}^`;
}

/** Throws INVALID_ARGUMENT: `Invalid filter at position 12: <reason>` plus the caret lines. */
export function syntaxError(ctx: SourceContext, position: number, reason: string): never {
  const what = ctx.field === 'filter' ? 'filter' : `order_by${ctx.index === undefined ? '' : `[${ctx.index}]`}`;
  const message = `Invalid ${what} at position ${position}: ${reason}\n${caretLines(ctx.text, position)}`;
  const details: Record<string, unknown> = { field: ctx.field, position, [ctx.field === 'filter' ? 'filter' : 'orderBy']: ctx.text };
  if (ctx.index !== undefined) details['index'] = ctx.index;
  return fail('INVALID_ARGUMENT', message, details);
}
