/**
 * The one error catalogue. Every failure a user can see has a code here with its HTTP status,
 * CLI exit code and a hint that says what to do next. Adapters translate driver errors into
 * these codes; the CLI and HTTP layers render them. docs/errors.md is kept in sync by a test.
 */

/** One catalogue entry. */
export interface ErrorSpec {
  readonly status: number;
  readonly exit: number;
  readonly hint: string;
}

// Exit codes follow sysexits(3) where one fits, so scripts can tell classes of failure apart.
const USAGE = 2;
const DATAERR = 65;
const NOINPUT = 66;
const UNAVAILABLE = 69;
const SOFTWARE = 70;
const IOERR = 74;
const TEMPFAIL = 75;
const CONFIG = 78;
const NOPERM = 77;

export const ERROR_CATALOGUE = {
  INVALID_ARGUMENT: { status: 400, exit: USAGE, hint: 'Check the command line or request; `--help` lists what each command takes.' },
  CONFIG_INVALID: { status: 400, exit: CONFIG, hint: 'Fix the named key in the file the message names (paddock.yaml, a schema, a model manifest or a params file) or the PADDOCK_* variable; the message lists the valid keys there.' },
  NOT_A_PROJECT: { status: 400, exit: USAGE, hint: 'Run `paddock init` in the repository root first, or pass --cwd.' },
  YAML_INVALID: { status: 400, exit: DATAERR, hint: 'Fix the YAML syntax at the line shown.' },
  POINTER_INVALID: { status: 400, exit: DATAERR, hint: 'The pointer file was edited by hand into something unreadable: restore it from git (`git checkout -- <file>`) or re-create it with `paddock add`.' },
  STAGE_INVALID: { status: 400, exit: DATAERR, hint: 'Fix the stage definition in dvc.yaml; the message names the field.' },
  TEMPLATE_INVALID: { status: 400, exit: DATAERR, hint: 'Define the referenced key in params.yaml or `vars`, or escape a literal with \\${.' },
  PARAM_MISSING: { status: 400, exit: DATAERR, hint: 'Add the key to the params file or remove it from the stage\'s `params`.' },
  DAG_CYCLE: { status: 400, exit: DATAERR, hint: 'Break the cycle: a stage cannot depend, directly or through others, on its own outputs.' },
  OUTPUT_CONFLICT: { status: 409, exit: DATAERR, hint: 'Each path may be produced by one stage or tracked by one .dvc file: remove the duplicate.' },
  OUTPUT_OVERLAP: { status: 409, exit: DATAERR, hint: 'An output may not contain or sit inside another tracked output: track the parent directory or the files, not both.' },
  DEPENDENCY_MISSING: { status: 400, exit: NOINPUT, hint: 'Create the dependency, add a stage that produces it, or `paddock pull` it.' },
  PATH_NOT_FOUND: { status: 404, exit: NOINPUT, hint: 'Check the path; it is resolved from the current directory.' },
  PATH_OUTSIDE_REPO: { status: 400, exit: USAGE, hint: 'Only paths inside the repository can be tracked; move the data inside or track it from its own repository.' },
  CACHE_MISSING: { status: 404, exit: NOINPUT, hint: 'The object is not in the cache: `paddock pull` (or `fetch`) it from a remote, or re-run the stage that produces it.' },
  CACHE_CORRUPT: { status: 500, exit: DATAERR, hint: 'A cache object does not match its hash: run `paddock fsck --repair` to drop it, then `paddock pull` to fetch a good copy.' },
  REMOTE_NOT_CONFIGURED: { status: 400, exit: CONFIG, hint: 'Name a remote with --remote, or set `core.remote` and `remotes.<name>.url` in paddock.yaml.' },
  REMOTE_UNREACHABLE: { status: 503, exit: UNAVAILABLE, hint: 'Check the remote URL, endpoint and network, then retry: transfers resume where they stopped.' },
  REMOTE_ERROR: { status: 502, exit: UNAVAILABLE, hint: 'The remote refused the operation: check credentials and permissions, then retry.' },
  REMOTE_OBJECT_MISSING: { status: 404, exit: NOINPUT, hint: 'The remote does not have this object: push it from a machine whose cache has it.' },
  WORKSPACE_CONFLICT: { status: 409, exit: DATAERR, hint: 'A file in the workspace differs from the tracked version: commit it with `paddock add`, or pass --force to overwrite.' },
  GIT_ERROR: { status: 400, exit: USAGE, hint: 'Check that this is a git repository and that the revision exists (`git rev-parse <rev>`).' },
  STAGE_FAILED: { status: 500, exit: 1, hint: 'Read the stage log named above, fix the command or its inputs, then run `paddock repro` again.' },
  DISK_FULL: { status: 507, exit: IOERR, hint: 'Free disk space (for example `paddock gc`), then retry: nothing was half-written.' },
  IO_ERROR: { status: 500, exit: IOERR, hint: 'Check the file permissions and the disk, then retry.' },
  LOCKED: { status: 423, exit: TEMPFAIL, hint: 'Another paddock command holds the repository lock: wait for it to finish, or remove .paddock/lock if no paddock process is running.' },
  NOT_FOUND: { status: 404, exit: NOINPUT, hint: 'Check the name or id.' },
  ALREADY_EXISTS: { status: 409, exit: DATAERR, hint: 'Pick another name, or use the existing one (a deleted experiment keeps its name until it is purged).' },
  INVALID_STATE: { status: 400, exit: DATAERR, hint: 'The object is deleted or finished: restore it first, or create a new one.' },
  RESOURCE_LIMIT: { status: 413, exit: DATAERR, hint: 'Split the request into smaller batches; the message gives the limit.' },
  UNAUTHENTICATED: { status: 401, exit: NOPERM, hint: 'Send `Authorization: Bearer <token>`; create a token with `paddock tokens create`.' },
  PERMISSION_DENIED: { status: 403, exit: NOPERM, hint: 'Ask an admin for a token with the needed role (reader, writer, admin).' },
  VALIDATION_FAILED: { status: 422, exit: 1, hint: 'The data failed checks marked as errors: read the report, then fix the data or relax the schema file.' },
  GATE_FAILED: { status: 422, exit: 1, hint: 'The candidate model failed an evaluation gate: read each gate with both values, then improve the model or change the gate on purpose.' },
  POLICY_VIOLATION: { status: 422, exit: 1, hint: 'The version lacks evidence its promotion policy (paddock.yaml `promotion.policies`) requires: produce it (`paddock validate`, `paddock evaluate --gate/--slice`, `paddock approve`), then retry; an admin may override with --override --reason, which is audited.' },
  DRIFT_DETECTED: { status: 422, exit: 1, hint: 'The current data drifted from the reference (the share of drifted columns reached the dataset threshold): read the per-column scores, then retrain on newer data or raise the thresholds on purpose.' },
  NOT_REPRODUCIBLE: { status: 409, exit: 1, hint: 'The rebuilt model differs from the registered one: compare the toolchain versions printed above, check that the trainer is deterministic (seed) and that the data hash and params in the lineage are complete.' },
  MODEL_NOT_READY: { status: 503, exit: TEMPFAIL, hint: 'The model is still loading (or failed to load): retry shortly, and check the server log if it stays unavailable.' },
  CONFLICT: { status: 409, exit: TEMPFAIL, hint: 'Someone else changed it first: re-read it and retry your change on top of theirs.' },
  INTERNAL: { status: 500, exit: SOFTWARE, hint: 'This is a bug in Paddock: please report it with the log file.' },
} as const satisfies Record<string, ErrorSpec>;

/** A code from the catalogue. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The error every Paddock layer throws; `details` carries machine-readable context. */
export class PaddockError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaddockError';
    this.code = code;
    this.details = details;
  }

  get spec(): ErrorSpec {
    return ERROR_CATALOGUE[this.code];
  }

  get hint(): string {
    return this.spec.hint;
  }
}

/** Throw-expression helper: `return fail('NOT_FOUND', 'no such run')`. */
export function fail(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  throw new PaddockError(code, message, details, cause === undefined ? undefined : { cause });
}

/** Whether a value is a PaddockError, optionally of one code. */
export function isPaddockError(err: unknown, code?: ErrorCode): err is PaddockError {
  return err instanceof PaddockError && (code === undefined || err.code === code);
}

/**
 * Maps Node's file-system errors to catalogue codes, naming the path. Anything already a
 * PaddockError passes through unchanged.
 */
export function fromSystemError(err: unknown, path?: string): PaddockError {
  if (err instanceof PaddockError) return err;
  const e = err as NodeJS.ErrnoException;
  const where = path ?? e?.path ?? '';
  switch (e?.code) {
    case 'ENOENT':
      return new PaddockError('PATH_NOT_FOUND', `${where}: no such file or directory`, { path: where }, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new PaddockError('DISK_FULL', `${where}: no space left on device`, { path: where }, { cause: err });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new PaddockError('IO_ERROR', `${where}: permission denied`, { path: where }, { cause: err });
    case 'EIO':
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new PaddockError('IO_ERROR', `${where}: ${e.message}`, { path: where }, { cause: err });
    default:
      return new PaddockError('INTERNAL', 'unexpected error', {}, { cause: err });
  }
}
