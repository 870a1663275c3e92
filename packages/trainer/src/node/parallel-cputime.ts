/// <reference types="node" />
// CPU time of the calling thread (Linux /proc/thread-self/stat: user + system clock ticks of 10 ms), for the
// engine's step profile: on a busy machine wall time says little, a thread's own CPU time says how much work it did.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU milliseconds this thread has used, or NaN where /proc/thread-self is not available. */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // fields after the parenthesised command name: state is field 3, utime 14, stime 15
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}
