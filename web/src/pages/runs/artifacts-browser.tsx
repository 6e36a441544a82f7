/**
 * A run's artifacts: a folder listing (GET /api/v1/runs/{id}/artifacts) and a preview of the
 * chosen file by its extension: text and JSON as text (JSON pretty-printed), images as images,
 * HTML reports in a sandboxed iframe (no scripts, no same-origin access), else a download.
 */
import { useEffect, useState } from 'react';
import { ApiError, apiUrl } from '../../api/client';
import { useApi } from '../../api/use-api';
import { session } from '../../auth/session';
import { formatNumber, Loaded } from '../../layout/status';

interface Listing {
  readonly path: string;
  readonly files: readonly { readonly path: string; readonly isDir: boolean; readonly size?: number }[];
}

/** Files above this are not previewed, only offered for download. */
const PREVIEW_LIMIT = 5 * 1024 * 1024;
const TEXT_SHOWN = 200_000;

type Kind = 'image' | 'json' | 'html' | 'text' | 'other';
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', bmp: 'image/bmp' };
const TEXT_EXT = new Set(['txt', 'log', 'csv', 'tsv', 'md', 'yaml', 'yml', 'py', 'ts', 'js', 'toml', 'ini', 'cfg', 'sql', 'sh', 'xml', 'lock', 'dvc', 'r', 'properties', 'jsonl', 'ndjson']);
const TEXT_NAMES = new Set(['MLmodel', 'Dockerfile', 'requirements.txt', 'conda.yaml', 'LICENSE', 'README']);

export function kindOf(file: string): Kind {
  const name = file.split('/').at(-1) ?? file;
  const ext = name.includes('.') ? name.split('.').at(-1)!.toLowerCase() : '';
  if (IMAGE_TYPES[ext]) return 'image';
  if (ext === 'json') return 'json';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (TEXT_EXT.has(ext) || TEXT_NAMES.has(name)) return 'text';
  return 'other';
}

async function fetchArtifact(runId: string, file: string, signal?: AbortSignal): Promise<Blob> {
  const token = session.token();
  const res = await fetch(apiUrl('/api/v1/runs/{id}/artifacts/content', { params: { id: runId }, query: { path: file } }), { headers: token ? { authorization: `Bearer ${token}` } : {}, ...(signal ? { signal } : {}) });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, body.error?.code ?? 'UNKNOWN', body.error?.message ?? `HTTP ${res.status}`);
  }
  return res.blob();
}

export function ArtifactsBrowser({ runId }: { runId: string }) {
  const [dir, setDir] = useState('');
  const [file, setFile] = useState<{ path: string; size?: number } | undefined>();
  const listing = useApi<Listing>('/api/v1/runs/{id}/artifacts', { params: { id: runId }, query: { path: dir || undefined } });
  const parts = dir ? dir.split('/') : [];
  return (
    <div className="artifacts">
      <nav className="artifact-list" aria-label="Artifacts">
        <div className="crumbs">
          <button type="button" className="link" onClick={() => setDir('')}>artifacts</button>
          {parts.map((p, i) => (
            <span key={i}> / <button type="button" className="link" onClick={() => setDir(parts.slice(0, i + 1).join('/'))}>{p}</button></span>
          ))}
        </div>
        <Loaded state={listing} what="artifacts">
          {(l) => l.files.length === 0 ? <p className="muted">No artifacts{dir ? ' here' : ''}.</p> : (
            <ul>
              {l.files.map((f) => {
                const name = f.path.split('/').at(-1)!;
                return (
                  <li key={f.path}>
                    {f.isDir ? (
                      <button type="button" className="link" onClick={() => setDir(f.path)} aria-label={`Open folder ${name}`}>📁 {name}/</button>
                    ) : (
                      <button type="button" className={`link${file?.path === f.path ? ' current' : ''}`} onClick={() => setFile({ path: f.path, ...(f.size !== undefined ? { size: f.size } : {}) })} aria-label={`Preview ${name}`}>
                        {name} <span className="muted">{formatBytes(f.size)}</span>
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </Loaded>
      </nav>
      <section className="artifact-preview" aria-label="Artifact preview">
        {file ? <Preview key={file.path} runId={runId} file={file.path} size={file.size} /> : <p className="muted">Choose a file to preview it.</p>}
      </section>
    </div>
  );
}

function Preview({ runId, file, size }: { runId: string; file: string; size: number | undefined }) {
  const kind = kindOf(file);
  const tooBig = size !== undefined && size > PREVIEW_LIMIT;
  const [content, setContent] = useState<{ text?: string; url?: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (kind === 'other' || tooBig) return;
    const controller = new AbortController();
    let url: string | undefined;
    fetchArtifact(runId, file, controller.signal)
      .then(async (blob) => {
        if (kind === 'image') {
          const ext = file.split('.').at(-1)!.toLowerCase();
          url = URL.createObjectURL(new Blob([blob], { type: IMAGE_TYPES[ext] }));
          setContent({ url });
        } else {
          setContent({ text: await blob.text() });
        }
      })
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [runId, file, kind, tooBig]);

  const download = async () => {
    const blob = await fetchArtifact(runId, file);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = file.split('/').at(-1)!;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  return (
    <>
      <div className="toolbar">
        <code>{file}</code>
        <button type="button" onClick={() => void download()}>Download</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {(kind === 'other' || tooBig) && <p className="muted">{tooBig ? `Too large to preview (${formatBytes(size)}).` : 'No preview for this kind of file.'}</p>}
      {!content && !error && kind !== 'other' && !tooBig && <p className="muted" aria-busy="true">Loading…</p>}
      {content?.url && <img src={content.url} alt={file} className="artifact-image" />}
      {content?.text !== undefined && kind === 'html' && <iframe title={`HTML report ${file}`} sandbox="" srcDoc={content.text} className="artifact-html" />}
      {content?.text !== undefined && kind !== 'html' && <pre className="artifact-text" data-testid="artifact-text">{shownText(content.text, kind)}</pre>}
    </>
  );
}

function shownText(text: string, kind: Kind): string {
  let out = text;
  if (kind === 'json') {
    try {
      out = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      out = text; // not valid JSON: shown as it is
    }
  }
  return out.length > TEXT_SHOWN ? `${out.slice(0, TEXT_SHOWN)}\n… (${formatNumber(out.length - TEXT_SHOWN)} more characters: download the file)` : out;
}

function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}
