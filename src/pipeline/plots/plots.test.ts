import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { parseDelimited } from './plot-data.js';
import { showPlots } from './plots-show.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function write(rel: string, text: string | Buffer): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

describe('plots show', () => {
  it('renders CSV, TSV, JSON and YAML plots into one self-contained page', async () => {
    write('dvc.yaml', `stages:
  train:
    cmd: echo
    plots:
      - loss.csv:
          x: step
          y: loss
          title: Training loss
          x_label: Step
          y_label: Loss
      - acc.tsv:
          template: scatter
plots:
  - roc.json:
      x: fpr
      y: tpr
      template: linear
  - sizes.yaml:
      x: name
      y: n
      template: bar
`);
    write('loss.csv', 'step,loss\n0,1.0\n1,0.5\n2,0.25\n3,0.2\n');
    write('acc.tsv', 'epoch\tacc\n1\t0.5\n2\t0.7\n');
    write('roc.json', JSON.stringify({ roc: [{ fpr: 0, tpr: 0 }, { fpr: 0.5, tpr: 0.8 }, { fpr: 1, tpr: 1 }] }));
    write('sizes.yaml', '- {name: a, n: 3}\n- {name: b, n: 5}\n');
    const result = await showPlots({ root: dir }, { output: 'out/plots.html' });
    expect(result.output).toBe(path.join(dir, 'out/plots.html'));
    expect(result.plots.map((p) => [p.id, p.points])).toEqual([
      ['roc.json', 3],
      ['sizes.yaml', 2],
      ['loss.csv', 4],
      ['acc.tsv', 2],
    ]);
    const html = readFileSync(result.output, 'utf8');
    expect(count(html, /<svg /g)).toBe(4);
    expect(count(html, /<circle class="point"/g)).toBe(3 + 4 + 2);
    expect(count(html, /<rect class="bar"/g)).toBe(2);
    expect(count(html, /<polyline class="line"/g)).toBe(2);
    expect(html).toContain('Training loss');
    expect(html).toContain('>Step<');
    expect(html).toContain('>Loss<');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script/);
  });

  it('infers y as the last field and x as the row index, and filters by target', async () => {
    write('dvc.yaml', 'plots:\n  - a.csv\n  - b.csv\n');
    write('a.csv', 'x,val\n5,1\n6,2\n7,3\n');
    write('b.csv', 'v\n1\n');
    const result = await showPlots({ root: dir }, { targets: ['a.csv'] });
    expect(result.output).toBe(path.join(dir, 'dvc_plots/index.html'));
    expect(result.plots).toEqual([{ id: 'a.csv', points: 3 }]);
    const html = readFileSync(result.output, 'utf8');
    expect(html).toContain('>step<');
    expect(html).toContain('>val<');
    await expect(showPlots({ root: dir }, { targets: ['nope.csv'] })).rejects.toThrow(/no plots match/);
  });

  it('draws multi-file y plots with a legend and reports a missing file in the page', async () => {
    write('dvc.yaml', 'plots:\n  - Loss:\n      x: step\n      y:\n        train.csv: loss\n        test.csv: loss\n  - gone.csv\n');
    write('train.csv', 'step,loss\n0,1\n1,0.5\n');
    write('test.csv', 'step,loss\n0,1.2\n1,0.7\n2,0.6\n');
    const result = await showPlots({ root: dir });
    expect(result.plots[0]).toEqual({ id: 'Loss', points: 5 });
    expect(result.plots[1]!.error).toMatch(/gone\.csv/);
    const html = readFileSync(result.output, 'utf8');
    expect(count(html, /class="legend"/g)).toBe(2);
  });

  it('parses quoted CSV cells', () => {
    expect(parseDelimited('a,b\n"x, y","say ""hi"""\r\n1,2', ',')).toEqual([{ a: 'x, y', b: 'say "hi"' }, { a: 1, b: 2 }]);
  });
});
