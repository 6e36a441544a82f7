import { useEffect, useState } from 'react';
import { useApi } from '../../api/use-api';
import { formatTime, Loaded } from '../../layout/status';
import type { ValidationReport } from './data-types';

/**
 * A validation HTML report in a sandboxed frame (no scripts, no same-origin access), fetched
 * through the API so it works with a token, and a link opening it in a new tab.
 */
export function ValidationReportFrame({ path }: { path: string }) {
  const state = useApi<ValidationReport>('/api/v1/data/validations/report', { query: { path } });
  const [href, setHref] = useState<string>();
  const html = state.data?.html;
  useEffect(() => {
    if (html === undefined) return;
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [html]);
  return (
    <Loaded state={state} what={`the report ${path}`}>
      {(report) => (
        <div className="report">
          <p className="toolbar">
            <code>{report.path}</code>
            <span className="muted">written {formatTime(report.modified)}</span>
            {href ? <a href={href} target="_blank" rel="noreferrer">Open the HTML report in a new tab</a> : null}
          </p>
          <iframe title={`Validation report ${report.path}`} sandbox="" srcDoc={report.html} className="report-frame" />
        </div>
      )}
    </Loaded>
  );
}
