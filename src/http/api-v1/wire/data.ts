/**
 * Wire shapes of GET /api/v1/data, /api/v1/data/history, /api/v1/data/validations and
 * /api/v1/data/validations/report: declared once here, used by the routes (data-versions.ts,
 * data-validations.ts) and by the web UI (`import type`). Types only: no imports, no runtime code.
 */
/** One tracked data version in the workspace: a `.dvc` pointer's output or a pipeline output in dvc.lock. */
export interface DataItem {
  /** The data path, relative to the project root (posix). */
  readonly path: string;
  readonly source: 'dvc' | 'pipeline';
  /** The file recording it: the `.dvc` pointer or the dvc.lock, relative to the project root. */
  readonly file: string;
  /** The stage producing it (pipeline outputs). */
  readonly stage?: string;
  readonly md5?: string;
  readonly size?: number;
  readonly nfiles?: number;
  readonly isDir: boolean;
}

/** One revision of a data path: what its pointer (or dvc.lock) recorded at a git commit. */
export interface DataRevision {
  /** The commit, or undefined for the workspace's uncommitted state. */
  readonly commit?: string;
  readonly time?: number;
  readonly author?: string;
  readonly subject?: string;
  readonly md5?: string;
  readonly size?: number;
  readonly nfiles?: number;
}

export interface DataHistory {
  readonly item: DataItem;
  /** Whether the project is in a git repository (no history otherwise). */
  readonly git: boolean;
  /** Newest first: the commits that changed the recorded version (and the workspace first when it differs from the last commit). */
  readonly revisions: readonly DataRevision[];
}

/** One recorded `paddock validate` outcome (a run of the `validate` experiment), with its HTML report when a stage writes one. */
export interface ValidationSummary {
  readonly runId: string;
  /** The data file validated, relative to the project. */
  readonly data: string;
  readonly md5: string;
  readonly passed: boolean;
  readonly rows?: number;
  readonly checks?: number;
  readonly errors?: number;
  readonly warnings?: number;
  readonly time: number;
  /** The HTML report a pipeline stage writes for this data file (`--html`), relative to the project. */
  readonly report?: string;
}

/** An HTML report, as text for the UI to show in a sandboxed frame. */
export interface ValidationReportView {
  readonly path: string;
  readonly html: string;
  readonly size: number;
  readonly modified: number;
}
