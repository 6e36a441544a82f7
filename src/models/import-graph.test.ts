import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * monitoring imports models (evaluation metrics, charts, packages), so models must never reach
 * monitoring, not even through another module: that would be an import cycle. The training
 * use-case gets the monitoring profile builder passed in instead (src/app-model-packages.ts).
 * Walks the static imports (type-only ones too) of every non-test file under src/models.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MONITORING = path.join(SRC, 'monitoring') + path.sep;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The .ts files `file` imports by relative path (`./x.js` is `./x.ts` in the sources). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

/** Every file reachable from `roots`, each with the chain of imports that reached it. */
function reachable(roots: readonly string[]): Map<string, readonly string[]> {
  const chains = new Map<string, readonly string[]>(roots.map((r) => [r, [r]]));
  const todo = [...roots];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (!file.endsWith('.ts')) continue;
    for (const next of relativeImports(file)) {
      if (chains.has(next)) continue;
      chains.set(next, [...chains.get(file)!, next]);
      todo.push(next);
    }
  }
  return chains;
}

describe('the import graph of src/models', () => {
  it('never reaches src/monitoring', () => {
    const chains = reachable(sourceFiles(path.join(SRC, 'models')));
    // The walk follows imports out of models (validation, data, core), so it is not vacuous.
    expect([...chains.keys()]).toContain(path.join(SRC, 'validation', 'index.ts'));
    const intoMonitoring = [...chains].filter(([f]) => f.startsWith(MONITORING)).map(([, chain]) => chain.map((f) => path.relative(SRC, f)).join(' → '));
    expect(intoMonitoring).toEqual([]);
  });
});
