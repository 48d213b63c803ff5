// CPU seconds of a process from /proc/PID/stat (Linux), for `npm run bench`: its own (utime + stime),
// or, with `children`, that of its children that have exited and been waited for (cutime + cstime),
// which is how a command's CPU is read once it is done. /proc counts in 1/100 s (USER_HZ).
import { readFileSync } from 'node:fs';

export function cpuSeconds(pid, { children = false } = {}) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // After the name, state is [0]; utime, stime, cutime, cstime are fields 14-17 of proc(5).
    return (children ? Number(f[13]) + Number(f[14]) : Number(f[11]) + Number(f[12])) * 0.01;
  } catch {
    return NaN;
  }
}
