import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of each thread of this process (Linux: from /proc/self/task). */
export function niceOfThreads(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    // Field 19 of stat is the nice value; the command name (field 2) may hold spaces, so count from its ')'.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}
