import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VALIDATION_EXPERIMENT, VALIDATION_TAGS } from '../../automation/promotion/index.js';
import { fail, isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { loadPipeline } from '../../pipeline/index.js';
import type { TrackingStore } from '../../tracking/index.js';
import { repoRelative } from './project-of.js';
import type { ValidationReportView, ValidationSummary } from './wire/data.js';

export type { ValidationReportView, ValidationSummary } from './wire/data.js';

/** The newest validations the list answers. */
export const MAX_VALIDATIONS = 200;
/** Reports larger than this are refused (the UI embeds them). */
export const MAX_REPORT_BYTES = 32 * 2 ** 20;

/** Validation runs, newest first; with `data`, only those of that file. */
export async function listValidations(project: Project, tracking: TrackingStore, data?: string): Promise<ValidationSummary[]> {
  let experimentId: string;
  try {
    experimentId = (await tracking.getExperimentByName(VALIDATION_EXPERIMENT)).experimentId;
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return [];
    throw err;
  }
  const filter = data === undefined ? undefined : `tags.\`${VALIDATION_TAGS.data}\` = '${data.replace(/'/g, "\\'")}'`;
  const page = await tracking.searchRuns({ experimentIds: [experimentId], ...(filter ? { filter } : {}), orderBy: ['attributes.start_time DESC'], maxResults: MAX_VALIDATIONS });
  const reports = await validationReports(project);
  return page.items.map((run) => {
    const metric = (key: string) => run.data.metrics.find((m) => m.key === key)?.value;
    const file = run.data.tags[VALIDATION_TAGS.data] ?? run.data.params.find((p) => p.key === 'data')?.value ?? '';
    const counts = Object.fromEntries((['rows', 'checks', 'errors', 'warnings'] as const).flatMap((k) => (metric(k) === undefined ? [] : [[k, metric(k)]])));
    const report = reports.get(file);
    return {
      runId: run.info.runId,
      data: file,
      md5: run.data.tags[VALIDATION_TAGS.md5] ?? '',
      passed: run.data.tags[VALIDATION_TAGS.passed] === 'true',
      ...counts,
      time: run.info.startTime ?? 0,
      ...(report ? { report } : {}),
    };
  });
}

/** An HTML report a validate stage writes (only those: the server does not hand out other workspace files). */
export async function readValidationReport(project: Project, reportPath: string): Promise<ValidationReportView> {
  const known = [...(await validationReports(project)).values()];
  const wanted = reportPath.replace(/^\.\//, '');
  if (!known.includes(wanted)) fail('NOT_FOUND', `'${reportPath}' is not a validation report of the pipeline (reports: ${known.join(', ') || 'none; a stage running `paddock validate … --html <file>` writes one'})`, { path: reportPath });
  const abs = path.join(project.root, wanted);
  let stat;
  try {
    stat = await fs.stat(abs);
  } catch {
    fail('NOT_FOUND', `the report ${wanted} has not been written yet: run \`paddock repro\``, { path: wanted });
  }
  if (stat.size > MAX_REPORT_BYTES) fail('INVALID_ARGUMENT', `the report ${wanted} is ${stat.size} bytes, more than the ${MAX_REPORT_BYTES} the API answers: open it from the workspace`, { path: wanted });
  return { path: wanted, html: await fs.readFile(abs, 'utf8'), size: stat.size, modified: stat.mtimeMs };
}

/** Data file → HTML report, from the stages whose command is `paddock validate <data> … --html <report>`. */
async function validationReports(project: Project): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let pipeline;
  try {
    pipeline = await loadPipeline(project);
  } catch {
    return out; // a broken dvc.yaml shows on the Pipelines page; validations still list
  }
  for (const stage of pipeline.stages) {
    for (const cmd of typeof stage.cmd === 'string' ? [stage.cmd] : stage.cmd) {
      const parsed = parseValidateCommand(cmd);
      if (parsed) out.set(repoRelative(project, path.resolve(stage.wdir, parsed.data)), repoRelative(project, path.resolve(stage.wdir, parsed.html)));
    }
  }
  return out;
}

/** `paddock validate <data> [--schema s] --html <file>` → its data and report paths (simple words only, as dvc.yaml writes them). */
export function parseValidateCommand(cmd: string): { data: string; html: string } | undefined {
  const words = cmd.trim().split(/\s+/).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
  const at = words.findIndex((w, i) => /(^|\/)paddock(\.js)?$/.test(w) && words[i + 1] === 'validate');
  if (at < 0 || words[at + 2] === 'infer') return undefined;
  let data: string | undefined;
  let html: string | undefined;
  for (let i = at + 2; i < words.length; i++) {
    const w = words[i]!;
    if (/^[;&|>]/.test(w)) break;
    if (w === '--html') html = words[++i];
    else if (w.startsWith('--html=')) html = w.slice(7);
    else if (w === '-s' || w === '--schema') i++;
    else if (!w.startsWith('-') && data === undefined) data = w;
  }
  return data && html ? { data, html } : undefined;
}
