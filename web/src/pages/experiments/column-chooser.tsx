import { metricColumn, paramColumn, tagColumn, type ColumnKeys } from './columns';

export interface ColumnChooserProps {
  readonly keys: ColumnKeys;
  readonly chosen: readonly string[];
  readonly onChange: (ids: string[]) => void;
}

/**
 * A drop-down of checkboxes, one per param, metric and tag key of the experiment (all of them,
 * as GET /api/v1/experiments/{id}/columns lists them), that picks the table's columns.
 */
export function ColumnChooser({ keys, chosen, onChange }: ColumnChooserProps) {
  const set = new Set(chosen);
  const toggle = (id: string) => onChange(set.has(id) ? chosen.filter((c) => c !== id) : [...chosen, id]);
  const group = (title: string, ids: readonly { id: string; key: string }[]) => (
    <fieldset>
      <legend>{title}</legend>
      {ids.length === 0 && <p className="muted">none logged</p>}
      {ids.map(({ id, key }) => (
        <label key={id} className="check">
          <input type="checkbox" checked={set.has(id)} onChange={() => toggle(id)} aria-label={`Show column ${id}`} /> {key}
        </label>
      ))}
    </fieldset>
  );
  return (
    <details className="column-chooser">
      <summary>Columns ({chosen.length})</summary>
      <div className="column-chooser-body">
        {group('Params', keys.params.map((k) => ({ id: paramColumn(k).id, key: k })))}
        {group('Metrics', keys.metrics.map((k) => ({ id: metricColumn(k).id, key: k })))}
        {group('Tags', keys.tags.map((k) => ({ id: tagColumn(k).id, key: k })))}
      </div>
    </details>
  );
}
