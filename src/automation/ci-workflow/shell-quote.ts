/**
 * Quoting of command-line arguments for the POSIX shell that runs CI steps (bash on
 * GitHub's ubuntu runners, sh in GitLab's node image). The YAML layer quotes for YAML;
 * this layer quotes for the shell, so a gate such as `auc >= champion.auc - 0.005` reaches
 * `paddock evaluate` as one argument instead of a redirection.
 */

// Characters no POSIX shell treats specially, so such a word needs no quotes.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
// Inside double quotes the shell still expands these; without them, double quotes suffice.
const DOUBLE_QUOTE_SPECIAL = /["$`\\!]/;

/** Quotes one argument: bare when safe, "double-quoted" when that is enough, 'single-quoted' otherwise. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  if (!DOUBLE_QUOTE_SPECIAL.test(arg)) return `"${arg}"`;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Joins a program and its arguments into one shell command line. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
