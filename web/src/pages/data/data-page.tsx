import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../../api/use-api';
import { formatNumber, formatTime, Loaded } from '../../layout/status';
import { formatBytes, shortHash, type DataHistory, type DataItem, type ValidationSummary } from './data-types';
import { ValidationReportFrame } from './validation-report';
import './data.css';

/**
 * Data: every tracked path (.dvc pointers and pipeline outputs) with its size and file count;
 * `?path=` selects one and shows its versions across git commits; validation outcomes with
 * their HTML reports below.
 */
export function DataPage() {
  const [search, setSearch] = useSearchParams();
  const selected = search.get('path') ?? undefined;
  const list = useApi<{ items: DataItem[] }>('/api/v1/data');
  return (
    <div className="page-body">
      <h1>Data</h1>
      <Loaded state={list} what="tracked data">
        {({ items }) => items.length === 0 ? (
          <p className="muted">No tracked data yet: <code>paddock add data/file.csv</code> tracks a file, and pipeline outputs show once <code>paddock repro</code> has run.</p>
        ) : (
          <DataTable items={items} selected={selected} onSelect={(path) => setSearch({ path })} />
        )}
      </Loaded>
      {selected ? <History path={selected} /> : null}
      <Validations path={selected} />
    </div>
  );
}

function DataTable({ items, selected, onSelect }: { items: readonly DataItem[]; selected?: string; onSelect: (path: string) => void }) {
  return (
    <table className="grid data-table" aria-label="Tracked data">
      <thead>
        <tr>
          <th scope="col">Path</th><th scope="col">Tracked by</th><th scope="col" className="num">Size</th><th scope="col" className="num">Files</th><th scope="col">md5</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={`${i.file}:${i.path}`} className={i.path === selected ? 'selected-row' : undefined} data-path={i.path}>
            <td><button type="button" className="link" aria-pressed={i.path === selected} onClick={() => onSelect(i.path)}>{i.path}{i.isDir ? '/' : ''}</button></td>
            <td>{i.source === 'dvc' ? <code>{i.file}</code> : <>stage <Link to={`/pipelines?stage=${encodeURIComponent(i.stage ?? '')}`}>{i.stage}</Link> (<code>{i.file}</code>)</>}</td>
            <td className="num">{formatBytes(i.size)}</td>
            <td className="num">{i.nfiles !== undefined ? formatNumber(i.nfiles) : i.isDir ? '—' : '1'}</td>
            <td><code title={i.md5}>{shortHash(i.md5)}</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ path }: { path: string }) {
  const history = useApi<DataHistory>('/api/v1/data/history', { query: { path } });
  const validations = useApi<{ items: ValidationSummary[] }>('/api/v1/data/validations', { query: { path } });
  const verdict = (md5: string | undefined) => validations.data?.items.find((v) => v.md5 === md5);
  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title">History of {path}</h2>
      <Loaded state={history} what={`the history of ${path}`}>
        {(h) => (
          <>
            {!h.git ? <p className="muted">The project is not in a git repository, so there is no history: only the workspace version above.</p> : null}
            {h.git && h.revisions.length === 0 ? <p className="muted">No commit records this path yet: commit {h.item.file} to start its history.</p> : null}
            {h.revisions.length > 0 ? (
              <table className="grid" aria-label={`Versions of ${path}`}>
                <thead>
                  <tr>
                    <th scope="col">Commit</th><th scope="col">Date</th><th scope="col">Author</th><th scope="col">Message</th><th scope="col">md5</th><th scope="col" className="num">Size</th><th scope="col" className="num">Files</th><th scope="col">Validation</th>
                  </tr>
                </thead>
                <tbody>
                  {h.revisions.map((r) => {
                    const v = verdict(r.md5);
                    return (
                      <tr key={r.commit ?? 'workspace'} data-commit={r.commit ?? 'workspace'}>
                        <td>{r.commit ? <code title={r.commit}>{r.commit.slice(0, 8)}</code> : <span className="badge warn">workspace</span>}</td>
                        <td>{r.time ? formatTime(r.time) : 'uncommitted'}</td>
                        <td>{r.author ?? ''}</td>
                        <td className="message">{r.subject ?? ''}</td>
                        <td><code title={r.md5}>{shortHash(r.md5)}</code></td>
                        <td className="num">{formatBytes(r.size)}</td>
                        <td className="num">{r.nfiles !== undefined ? formatNumber(r.nfiles) : h.item.isDir ? '—' : '1'}</td>
                        <td>{v ? <span className={`badge ${v.passed ? 'good' : 'bad'}`}>{v.passed ? 'passed' : 'failed'}</span> : <span className="muted">—</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

function Validations({ path }: { path?: string }) {
  const state = useApi<{ items: ValidationSummary[] }>('/api/v1/data/validations', { query: { path } });
  const [open, setOpen] = useState<string>();
  return (
    <section className="panel" aria-labelledby="validations-title">
      <h2 id="validations-title">Validation reports{path ? ` of ${path}` : ''}</h2>
      <Loaded state={state} what="validations">
        {({ items }) => items.length === 0 ? (
          <p className="muted">No validations recorded{path ? ' for this path' : ''}: <code>paddock validate &lt;data&gt; --schema &lt;file&gt; --html reports/validation.html</code> records one (a pipeline stage usually runs it).</p>
        ) : (
          <>
            <table className="grid" aria-label="Validations">
              <thead>
                <tr>
                  <th scope="col">When</th><th scope="col">Data</th><th scope="col">md5</th><th scope="col">Outcome</th><th scope="col" className="num">Rows</th><th scope="col" className="num">Checks</th><th scope="col" className="num">Errors</th><th scope="col" className="num">Warnings</th><th scope="col">Report</th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.runId}>
                    <td><Link to={`/runs/${v.runId}`}>{formatTime(v.time)}</Link></td>
                    <td><Link to={`/data?path=${encodeURIComponent(v.data)}`}>{v.data}</Link></td>
                    <td><code title={v.md5}>{shortHash(v.md5)}</code></td>
                    <td><span className={`badge ${v.passed ? 'good' : 'bad'}`}>{v.passed ? 'passed' : 'failed'}</span></td>
                    <td className="num">{formatNumber(v.rows)}</td>
                    <td className="num">{formatNumber(v.checks)}</td>
                    <td className="num">{formatNumber(v.errors)}</td>
                    <td className="num">{formatNumber(v.warnings)}</td>
                    <td>
                      {v.report ? (
                        <button type="button" aria-expanded={open === v.runId} aria-label={`${open === v.runId ? 'Hide' : 'Show'} the report ${v.report}`} onClick={() => setOpen(open === v.runId ? undefined : v.runId)}>
                          {open === v.runId ? 'Hide report' : 'Show report'}
                        </button>
                      ) : <span className="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {open ? <ValidationReportFrame path={items.find((v) => v.runId === open)!.report!} /> : null}
          </>
        )}
      </Loaded>
    </section>
  );
}
