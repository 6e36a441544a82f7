import type { Command } from 'commander';
import { dataDiff, type DiffEntry, type DiffResult } from '../../data/index.js';
import { commandOutput, commandProject } from '../context.js';

interface DiffFlags {
  readonly showHash?: boolean;
  readonly hideMissing?: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('show tracked data added, deleted, modified or renamed between two git revisions (or a revision and the workspace)')
    .argument('[a-rev]', 'old git revision', 'HEAD')
    .argument('[b-rev]', 'new git revision (default: the workspace)')
    .option('--show-hash', 'include hashes')
    .option('--hide-missing', "leave out the 'not in cache' list")
    .option('--json', 'print the result as JSON (same shape as `dvc diff --json`)')
    .action(async (a: string, b: string | undefined, flags: DiffFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const result = await dataDiff(commandProject(cmd), a, b);
      const shown = present(result, { showHash: Boolean(flags.showHash), hideMissing: Boolean(flags.hideMissing) || b !== undefined });
      out.result(shown);
      const total = Object.values(shown).reduce((n, l) => n + l.length, 0);
      if (total === 0) out.line('No changes.');
      for (const [kind, list] of Object.entries(shown)) {
        for (const e of list) out.line(`${kind.padEnd(13)} ${typeof e.path === 'string' || e.path === undefined ? String(e.path) : `${e.path.old} -> ${e.path.new}`}${flags.showHash ? `  ${formatHash(e.hash)}` : ''}`);
      }
    });
}

/** As `dvc diff` prints it: hashes dropped unless asked for, 'not in cache' dropped with b-rev. */
function present(r: DiffResult, o: { showHash: boolean; hideMissing: boolean }): Record<string, Partial<DiffEntry>[]> {
  const strip = (l: readonly DiffEntry[]) => l.map((e) => (o.showHash ? e : { path: e.path }));
  const shown: Record<string, Partial<DiffEntry>[]> = { added: strip(r.added), deleted: strip(r.deleted), modified: strip(r.modified), renamed: strip(r.renamed) };
  if (!o.hideMissing) shown['not in cache'] = strip(r['not in cache']);
  return shown;
}

function formatHash(h: DiffEntry['hash'] | undefined): string {
  if (h === undefined) return '';
  return typeof h === 'string' ? h : `${h.old} -> ${h.new}`;
}
