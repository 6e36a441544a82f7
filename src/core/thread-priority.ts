/**
 * Lowers the calling thread's scheduling priority to `nice` (Linux: a thread's id is the last
 * part of /proc/thread-self, and setpriority takes it, for that thread alone). For threads whose
 * work nobody waits on: on a machine whose cores are all busy, theirs is the time given up.
 * Elsewhere, or where it is not allowed, the thread keeps the process's priority.
 * (The SQLite threads' eval'd workers carry a CommonJS copy: see sqlite-thread.ts.)
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function lowerThreadPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not permitted: the thread keeps its priority.
  }
}
