/**
 * Where an object lives below a cache or remote root in DVC 3's layout:
 * `files/md5/ab/cdef…` (a `.dir` manifest keeps its suffix: `files/md5/ab/cdef….dir`).
 */
export function objectKey(md5: string): string {
  return `files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
}

/** Whether a hash names a directory manifest. */
export function isDirHash(md5: string): boolean {
  return md5.endsWith('.dir');
}

/** A valid DVC md5 object name: 32 hex digits, optionally `.dir`. */
export const MD5_PATTERN = /^[0-9a-f]{32}(\.dir)?$/;
