import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';

/** How a command talks to the user: text on a TTY (with colour), or JSON for scripts. */
export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  /** A line of human output (suppressed by --json and --quiet). */
  line(text?: string): void;
  /** The machine-readable result of a --json command. */
  result(value: unknown): void;
  /** A warning on stderr. */
  warn(text: string): void;
}

/** Colours only when stdout is a TTY and NO_COLOR is unset. */
export function createOutput(options: { json?: boolean; quiet?: boolean }): Output {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !options.json;
  return {
    json: Boolean(options.json),
    quiet: Boolean(options.quiet),
    color,
    line(text = '') {
      if (!options.json && !options.quiet) process.stdout.write(`${text}\n`);
    },
    result(value) {
      if (options.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    warn(text) {
      process.stderr.write(`${color ? pc.yellow('warning:') : 'warning:'} ${text}\n`);
    },
  };
}

/** Colour helpers that turn into no-ops when colour is off. */
export function paint(out: Output): Colors {
  return out.color ? pc : pc.createColors(false);
}

/** Renders rows as an aligned text table. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
