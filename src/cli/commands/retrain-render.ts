import type { Retraining, RetrainingTrigger } from '../../automation/index.js';
import { formatTable, paint, type Output } from '../output.js';

/** A trigger in a few words: `manual by ana`, `alert flights-drift`, `data data/x.csv → 3f2a…`, `schedule 0 3 * * *`. */
export function describeTrigger(t: RetrainingTrigger): string {
  switch (t.kind) {
    case 'manual': return `manual by ${t.detail.user}${t.detail.reason ? ` (${t.detail.reason})` : ''}`;
    case 'alert': return `alert ${t.detail.rule}${t.detail.deployment ? ` on ${t.detail.deployment}` : ''} at ${t.detail.firedAt}`;
    case 'data': return `data ${t.detail.path} → ${t.detail.md5.slice(0, 8)}`;
    case 'schedule': return `schedule "${t.detail.cron}" at ${t.detail.tick}`;
  }
}

/** A retraining's outcome with every step and its timing. */
export function renderRetraining(out: Output, r: Retraining): void {
  const c = paint(out);
  const status = r.status === 'succeeded' ? c.green(r.status) : r.status === 'failed' ? c.red(r.status) : r.status === 'skipped' ? c.yellow(r.status) : r.status;
  out.line(`Retraining ${r.id} of pipeline '${r.pipeline}' (${r.model}): ${status}`);
  out.line(`  trigger: ${describeTrigger(r.trigger)}`);
  for (const s of r.steps) {
    const mark = s.status === 'ok' ? c.green('✓') : s.status === 'failed' ? c.red('✗') : c.dim('-');
    out.line(`  ${mark} ${s.name.padEnd(10)} ${(s.durationMs / 1000).toFixed(1).padStart(6)}s  ${s.detail.split('\n')[0]}`);
  }
  if (r.reason) out.line(`  ${r.status === 'failed' ? 'failure' : 'reason'}: ${r.reason}`);
}

/** The pipeline's retrainings, newest first. */
export function renderHistory(out: Output, rows: readonly Retraining[]): void {
  if (rows.length === 0) return out.line('No retrainings yet.');
  out.line(formatTable(['ID', 'CREATED', 'STATUS', 'VERSION', 'TRIGGER', 'REASON'], rows.map((r) => [
    r.id, new Date(r.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'), r.status, r.version === undefined ? '' : String(r.version), describeTrigger(r.trigger), r.reason.split('\n')[0]!.slice(0, 80),
  ])));
}
