import path from 'node:path';
import { VALIDATION_EXPERIMENT, VALIDATION_TAGS } from '../../automation/promotion/index.js';
import { isPaddockError } from '../../core/errors.js';
import { findProjectRoot } from '../../core/project.js';
import { md5File } from '../../data/index.js';
import { createClient } from '../../sdk/client.js';
import type { ValidationReport } from '../../validation/index.js';

/**
 * Records a validation in the project's tracking store, keyed by the data file's DVC md5: a run in
 * the `validate` experiment with the outcome as tags and counts as metrics, and the file as its
 * input. Promotion policies requiring `validation` look the training data's md5 up here. Outside a
 * project there is nowhere to record, and nothing is. Returns the run id.
 */
export async function recordValidation(cwd: string, data: string, schema: string, report: ValidationReport): Promise<string | undefined> {
  let root: string;
  try {
    root = findProjectRoot(cwd);
  } catch (err) {
    if (isPaddockError(err, 'NOT_A_PROJECT')) return undefined;
    throw err;
  }
  const file = path.resolve(cwd, data);
  const rel = path.relative(root, file).split(path.sep).join('/');
  const md5 = await md5File(file);
  const client = createClient({ cwd: root });
  try {
    const run = await client.startRun({ experiment: VALIDATION_EXPERIMENT, runName: `validate ${rel}` });
    await run.logParams({ data: rel, schema: path.relative(root, path.resolve(cwd, schema)).split(path.sep).join('/') });
    await run.setTags({ [VALIDATION_TAGS.md5]: md5, [VALIDATION_TAGS.passed]: String(report.passed), [VALIDATION_TAGS.data]: rel });
    await run.logInput({ name: rel, digest: md5, source: rel, context: 'validation' });
    run.logMetrics({ rows: report.rows, checks: report.checks, errors: report.errors, warnings: report.warnings });
    await run.end();
    return run.runId;
  } finally {
    await client.close();
  }
}
