// The process `npm run bench` starts every timed command from (scripts/bench.mjs). It exists because
// the bench process itself grows to hundreds of MB (images built in memory) and spawning from a big
// process costs tens of ms of page-table copying, added to every run of both tools alike: short
// commands then look closer to each other than they are. This one stays small. Per command it
// reports the wall time, the CPU the command used (our cutime + cstime: it is our only child, waited
// for) and the peak RSS seen in /proc while it ran.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { cpuSeconds } from './proc-cpu.mjs';

const childrenCpu = () => cpuSeconds('self', { children: true });

process.on('message', ({ id, cmd, args, env, timeoutMs }) => {
  const cpuBefore = childrenCpu();
  const start = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, timeout: timeoutMs });
  let peak = 0;
  // VmHWM only grows, so the last value read before exit is the peak up to then.
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the process just exited
    }
  }, 20);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.on('error', (e) => {
    clearInterval(poll);
    process.send({ id, error: String(e) });
  });
  child.on('close', (code, signal) => {
    clearInterval(poll);
    const seconds = (performance.now() - start) / 1000;
    process.send({ id, code, signal, seconds, cpu: childrenCpu() - cpuBefore, peak, out, err });
  });
});
