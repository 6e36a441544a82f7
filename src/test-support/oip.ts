/** Open Inference request tensors for tests: one tensor per column of `rows`. */

/** A row's values: whole numbers go as INT64, other numbers as FP64, strings as BYTES. */
export type TestRow = Readonly<Record<string, unknown>>;

/** One [N] tensor per column (the columns of the first row, in order); `int64AsStrings` sends INT64 as decimal strings. */
export function oipTensors(rows: readonly TestRow[], opts: { readonly int64AsStrings?: boolean } = {}): { name: string; shape: number[]; datatype: string; data: (number | string)[] }[] {
  const columns = Object.keys(rows[0] ?? {});
  return columns.map((name) => {
    const values = rows.map((r) => r[name] as number | string);
    const datatype = values.every((v) => typeof v === 'string') ? 'BYTES' : values.every((v) => Number.isInteger(v)) ? 'INT64' : 'FP64';
    const data = datatype === 'INT64' && opts.int64AsStrings ? values.map(String) : values;
    return { name, shape: [rows.length], datatype, data };
  });
}
