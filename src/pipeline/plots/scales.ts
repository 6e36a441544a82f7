/** Axis scales for the SVG charts: linear numbers, dates, or categories in first-seen order. */
export interface Scale {
  readonly kind: 'number' | 'time' | 'category';
  /** Pixel position of a value. */
  map(value: unknown): number;
  /** Tick positions and labels. */
  readonly ticks: readonly { readonly at: number; readonly label: string }[];
  /** Band width for bars (categories), else 0. */
  readonly band: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A value as a number, or undefined when it is not numeric. */
export function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Picks the scale kind for values: numbers, ISO dates, else categories. */
export function kindOf(values: readonly unknown[], preferCategory = false): Scale['kind'] {
  if (preferCategory) return 'category';
  if (values.every((v) => numeric(v) !== undefined)) return 'number';
  if (values.every((v) => typeof v === 'string' && DATE.test(v))) return 'time';
  return 'category';
}

/** A scale over `values` onto the pixel range [from, to]. */
export function makeScale(values: readonly unknown[], from: number, to: number, kind: Scale['kind'], includeZero = false): Scale {
  if (kind === 'category') {
    const cats = [...new Set(values.map(String))];
    const band = (to - from) / Math.max(cats.length, 1);
    const at = (v: unknown) => from + band * cats.indexOf(String(v)) + band / 2;
    const every = Math.ceil(cats.length / 12);
    return { kind, band, map: at, ticks: cats.filter((_, i) => i % every === 0).map((c) => ({ at: at(c), label: c })) };
  }
  const toNum = kind === 'time' ? (v: unknown) => Date.parse(String(v)) : (v: unknown) => numeric(v) ?? NaN;
  const nums = values.map(toNum).filter(Number.isFinite);
  let lo = nums.length ? Math.min(...nums) : 0;
  let hi = nums.length ? Math.max(...nums) : 1;
  if (includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const step = niceStep((hi - lo) / 5);
  const first = Math.floor(lo / step) * step;
  const last = Math.ceil(hi / step) * step;
  const map = (v: unknown) => from + ((toNum(v) - first) / (last - first)) * (to - from);
  const ticks: { at: number; label: string }[] = [];
  for (let t = first; t <= last + step / 2; t += step) {
    const value = Number(t.toPrecision(12));
    ticks.push({ at: from + ((value - first) / (last - first)) * (to - from), label: kind === 'time' ? new Date(value).toISOString().slice(0, 10) : formatNumber(value) });
  }
  return { kind, band: 0, map: (v) => map(v), ticks };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** A tick or tooltip number: up to 6 significant digits, no float noise. */
export function formatNumber(n: number): string {
  if (n !== 0 && (Math.abs(n) >= 1e6 || Math.abs(n) < 1e-4)) return n.toExponential(2);
  return String(Number(n.toPrecision(6)));
}
