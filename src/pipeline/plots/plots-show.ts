import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import type { Project } from '../../core/project.js';
import { loadPipelineFrom } from '../definition/load-pipeline.js';
import { workspaceTree } from '../definition/tree.js';
import { isRecord } from '../definition/yaml-source.js';
import { IMAGE_TYPES, parsePlotData, type Row } from './plot-data.js';
import { esc, renderChart, type ChartSpec, type Series } from './svg-chart.js';

/** What `plots show` wrote. */
export interface PlotsShowResult {
  /** Absolute path of the HTML page. */
  readonly output: string;
  /** Plot ids rendered, and those that could not be (with why). */
  readonly plots: readonly { readonly id: string; readonly points: number; readonly error?: string }[];
}

interface PlotDef {
  readonly id: string;
  /** Data files (absolute) → y fields (empty: infer). */
  readonly sources: readonly { readonly file: string; readonly y: readonly string[]; readonly x?: string }[];
  readonly props: Readonly<Record<string, unknown>>;
}

/** Default page, as DVC writes dvc_plots/index.html. */
export const DEFAULT_PLOTS_OUTPUT = path.join('dvc_plots', 'index.html');

/**
 * Renders every plot declared as a stage `plots` output or a top-level `plots` entry (or only
 * `targets`: plot ids or paths, relative to the repository root) into one self-contained HTML
 * page with inline SVG charts and inline images; nothing is fetched from the network.
 */
export async function showPlots(project: Pick<Project, 'root'>, options: { targets?: readonly string[]; output?: string } = {}): Promise<PlotsShowResult> {
  const pipeline = await loadPipelineFrom(workspaceTree(project.root));
  const rel = (abs: string) => path.relative(project.root, abs).split(path.sep).join('/');
  let defs = plotDefinitions(pipeline, rel);
  if (options.targets?.length) {
    const wanted = options.targets.map((t) => t.replace(/\\/g, '/').replace(/\/$/, ''));
    defs = defs.filter((d) => wanted.some((t) => d.id === t || d.id.startsWith(`${t}/`) || d.sources.some((s) => rel(s.file) === t || rel(s.file).startsWith(`${t}/`))));
    if (defs.length === 0) fail('NOT_FOUND', `no plots match ${options.targets.join(', ')}`, { targets: options.targets });
  }
  if (defs.length === 0) fail('NOT_FOUND', 'no plots are declared: add `plots:` to a stage or to the top level of dvc.yaml', {});
  const sections: string[] = [];
  const plots: { id: string; points: number; error?: string }[] = [];
  for (const def of defs) {
    try {
      const { html, points } = await renderPlot(def);
      sections.push(`<section class="plot"><h2>${esc(def.id)}</h2>\n${html}\n</section>`);
      plots.push({ id: def.id, points });
    } catch (err) {
      const message = (err as Error).message;
      sections.push(`<section class="plot error"><h2>${esc(def.id)}</h2><p>${esc(message)}</p></section>`);
      plots.push({ id: def.id, points: 0, error: message });
    }
  }
  const output = path.resolve(project.root, options.output ?? DEFAULT_PLOTS_OUTPUT);
  await mkdir(path.dirname(output), { recursive: true });
  await writeFileAtomic(output, page(sections));
  return { output, plots };
}

function plotDefinitions(pipeline: Awaited<ReturnType<typeof loadPipelineFrom>>, rel: (abs: string) => string): PlotDef[] {
  const defs: PlotDef[] = [];
  const topIds = new Set<string>();
  for (const d of pipeline.plots ?? []) {
    const y = d.props.y;
    const x = d.props.x;
    const xFor = (file: string) => (typeof x === 'string' ? x : isRecord(x) && typeof x[file] === 'string' ? (x[file] as string) : undefined);
    const base = path.dirname(d.file);
    const sources = isRecord(y)
      ? Object.entries(y).map(([file, cols]) => ({ file: path.resolve(base, file), y: fields(cols), x: xFor(file) }))
      : [{ file: d.path, y: fields(y), x: xFor(d.id) }];
    defs.push({ id: isRecord(y) ? d.id : rel(d.path), sources, props: d.props });
    topIds.add(rel(d.path));
  }
  for (const s of pipeline.stages) {
    for (const o of s.outs) {
      if (o.kind !== 'plots') continue;
      const abs = path.resolve(s.wdir, o.path);
      if (topIds.has(rel(abs))) continue;
      const props = o.plot ?? {};
      defs.push({ id: rel(abs), sources: [{ file: abs, y: fields(props.y), ...(typeof props.x === 'string' ? { x: props.x } : {}) }], props });
    }
  }
  return defs;
}

function fields(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

async function renderPlot(def: PlotDef): Promise<{ html: string; points: number }> {
  const first = def.sources[0]!;
  const mime = IMAGE_TYPES[path.extname(first.file).toLowerCase()];
  if (mime) {
    const data = await readFile(first.file).catch(() => fail('PATH_NOT_FOUND', `${first.file}: plot file does not exist (run the stage that produces it)`, { file: first.file }));
    return { html: `<img alt="${esc(def.id)}" src="data:${mime};base64,${data.toString('base64')}"/>`, points: 0 };
  }
  const series: Series[] = [];
  let xName = '';
  let yNames: string[] = [];
  for (const source of def.sources) {
    const text = await readFile(source.file, 'utf8').catch(() => fail('PATH_NOT_FOUND', `${source.file}: plot file does not exist (run the stage that produces it)`, { file: source.file }));
    const rows = parsePlotData(source.file, text);
    const x = source.x ?? (typeof def.props.x === 'string' ? def.props.x : undefined);
    const ys = source.y.length ? source.y : inferY(rows, x);
    xName ||= x ?? 'step';
    yNames = [...new Set([...yNames, ...ys])];
    const label = (y: string) => (def.sources.length > 1 ? `${path.basename(source.file)}: ${y}` : y);
    for (const y of ys) series.push({ name: label(y), points: rows.map((row, i) => ({ x: x === undefined ? i : row[x], y: row[y] })).filter((p) => p.y !== undefined && p.y !== '') });
  }
  const spec: ChartSpec = {
    ...(typeof def.props.title === 'string' ? { title: def.props.title } : {}),
    xLabel: typeof def.props.x_label === 'string' ? def.props.x_label : xName,
    yLabel: typeof def.props.y_label === 'string' ? def.props.y_label : yNames.join(', '),
    template: templateOf(def.props.template),
    series,
  };
  return { html: renderChart(spec), points: series.reduce((n, s) => n + s.points.length, 0) };
}

/** DVC infers y as the last field of the first record (other than x). */
function inferY(rows: readonly Row[], x: string | undefined): string[] {
  const keys = Object.keys(rows[0] ?? {}).filter((k) => k !== x);
  return keys.length ? [keys[keys.length - 1]!] : [];
}

function templateOf(t: unknown): ChartSpec['template'] {
  if (t === 'scatter' || t === 'scatter_jitter') return 'scatter';
  if (t === 'bar' || t === 'bar_horizontal' || t === 'bar_horizontal_sorted') return 'bar';
  if (t === 'confusion' || t === 'confusion_normalized') return 'confusion';
  return 'linear';
}

function page(sections: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Paddock plots</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 20px; } h2 { font-size: 15px; font-weight: 600; margin: 0 0 8px; }
.plot { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; margin: 0 16px 16px 0; display: inline-block; vertical-align: top; }
.plot.error p { color: #b00020; }
svg text { font-size: 11px; fill: #333; } svg .title { font-size: 14px; font-weight: 600; } svg .axis-label { font-size: 12px; }
img { max-width: 720px; }
</style>
</head>
<body>
<h1>Plots</h1>
${sections.join('\n')}
</body>
</html>
`;
}
