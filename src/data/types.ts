/**
 * The content hash of a file or directory as DVC records it. For a directory `md5` ends in
 * `.dir` and names the JSON manifest object; `nfiles` is set.
 */
export interface HashInfo {
  readonly md5: string;
  readonly size: number;
  readonly nfiles?: number;
}

/** One entry of a directory manifest (`.dir` object). */
export interface DirEntry {
  readonly md5: string;
  /** Path inside the directory, posix separators. */
  readonly relpath: string;
}

/** An `outs` entry of a `.dvc` pointer file (DVC 3). */
export interface PointerOut extends HashInfo {
  readonly path: string;
  readonly hash: 'md5';
  readonly cache?: boolean;
  readonly persist?: boolean;
  readonly remote?: string;
  readonly push?: boolean;
  readonly desc?: string;
}
