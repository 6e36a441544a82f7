import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from './cli.js';

/**
 * A temp project (`paddock init`) whose registry holds `versions` versions of model `name`,
 * registered from a placeholder directory: what the deployment commands need to refer to.
 */
export async function projectWithModelVersions(name: string, versions: number): Promise<{ dir: string; cleanup: () => void }> {
  const project = tempDir();
  const must = async (args: string[]) => {
    const r = await runCli(project.dir, args);
    if (r.code !== 0) throw new Error(`paddock ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
  };
  await must(['init']);
  mkdirSync(path.join(project.dir, 'model'));
  writeFileSync(path.join(project.dir, 'model', 'weights.bin'), 'w');
  for (let i = 0; i < versions; i++) await must(['models', 'register', name, 'model', '--actor', 'seed']);
  return project;
}
