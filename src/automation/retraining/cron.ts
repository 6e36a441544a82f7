import { fail } from '../../core/errors.js';

/** A parsed 5-field cron expression: the allowed values of each field. */
export interface CronSchedule {
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday (7 is read as 0). */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Both day fields restricted: cron matches a day that satisfies either (Vixie cron's rule). */
  readonly eitherDay: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, base: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, base: 0 },
] as const;

/**
 * Parses `minute hour day-of-month month day-of-week` (times in UTC): `*`, numbers, ranges
 * `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`, month and weekday names (`jan`, `mon`). `where`
 * names the config key in errors.
 */
export function parseCron(expression: string, where = 'schedule'): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) bad(expression, where, `has ${parts.length} field(s); a cron expression has 5: minute hour day-of-month month day-of-week, e.g. "0 3 * * *" (03:00 UTC every day)`);
  const sets = parts.map((text, i) => parseField(text, FIELDS[i]!, expression, where));
  const dow = new Set([...sets[4]!].map((d) => d % 7));
  return {
    expression, minutes: sets[0]!, hours: sets[1]!, daysOfMonth: sets[2]!, months: sets[3]!, daysOfWeek: dow,
    eitherDay: parts[2] !== '*' && parts[4] !== '*',
  };
}

/** Whether the schedule fires at the minute holding `date` (UTC). */
export function cronMatches(s: CronSchedule, date: Date): boolean {
  return s.minutes.has(date.getUTCMinutes()) && s.hours.has(date.getUTCHours()) && s.months.has(date.getUTCMonth() + 1) && dayMatches(s, date);
}

/**
 * The first minute strictly after `after` at which the schedule fires (UTC), skipping whole
 * months, days and hours that cannot match; undefined if none within `horizonDays` (e.g. 30 Feb).
 */
export function nextCronTick(s: CronSchedule, after: Date, horizonDays = 366 * 5): Date | undefined {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const end = after.getTime() + horizonDays * 86_400_000;
  while (t.getTime() <= end) {
    if (!s.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!s.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!s.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t;
    }
  }
  return undefined;
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  return s.eitherDay ? dom || dow : dom && dow;
}

type Field = (typeof FIELDS)[number];

function parseField(text: string, field: Field, expression: string, where: string): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item);
    if (!m) bad(expression, where, `${field.name} field '${text}': expected *, a number, a range a-b, a step */n or a list`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) bad(expression, where, `${field.name} field '${text}': a step must be at least 1`);
    let lo: number = field.min;
    let hi: number = field.max;
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-');
      lo = value(a!, field, expression, where);
      hi = b === undefined ? (m[2] === undefined ? lo : field.max) : value(b, field, expression, where);
      if (hi < lo) bad(expression, where, `${field.name} field '${text}': range ${a}-${b} runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(token: string, field: Field, expression: string, where: string): number {
  const names = 'names' in field ? field.names : undefined;
  const named = names ? names.indexOf(token.toLowerCase() as never) : -1;
  const v = named >= 0 && names ? named + ('base' in field ? field.base : 0) : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isInteger(v) || v < field.min || v > field.max) bad(expression, where, `${field.name} '${token}' is outside ${field.min}–${field.max}`);
  return v;
}

function bad(expression: string, where: string, message: string): never {
  return fail('CONFIG_INVALID', `${where}: cron expression "${expression}" ${message}`, { key: where, expression });
}
