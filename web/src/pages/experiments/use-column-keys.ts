import { useEffect, useState } from 'react';
import { useApi } from '../../api/use-api';
import type { Run } from '../runs/run-model';
import { keysOf, type ColumnKeys } from './columns';

/** GET /api/v1/experiments/{id}/columns (src/http/api-v1/experiment-columns.ts). */
interface ExperimentColumns {
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  readonly tags: readonly string[];
}

const NONE: ColumnKeys = { params: [], metrics: [], tags: [] };

/**
 * The keys the column chooser offers: every key the experiment's runs use, as the server lists
 * them, plus any key of the loaded runs (one logged since the list was fetched). Keys only
 * grow: a filter that hides every run with a key keeps its column choosable. The list is asked
 * for once the first page of runs is in (`ready`), so it does not hold up the table.
 */
export function useColumnKeys(experimentId: string, runs: readonly Run[], ready: boolean): ColumnKeys {
  const [asked, setAsked] = useState(ready);
  if (ready && !asked) setAsked(true);
  const listed = useApi<ExperimentColumns>(asked ? '/api/v1/experiments/{id}/columns' : undefined, { params: { id: experimentId } });
  const [known, setKnown] = useState<ColumnKeys>(NONE);
  const server = listed.data;
  useEffect(() => {
    const seen = keysOf(runs);
    setKnown((k) => {
      const merge = (...lists: (readonly string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))].sort();
      const next = {
        params: merge(k.params, seen.params, server?.params),
        metrics: merge(k.metrics, seen.metrics, server?.metrics),
        tags: merge(k.tags, seen.tags, server?.tags),
      };
      return next.params.length === k.params.length && next.metrics.length === k.metrics.length && next.tags.length === k.tags.length ? k : next;
    });
  }, [runs, server]);
  return known;
}
