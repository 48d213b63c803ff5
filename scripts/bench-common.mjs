// What the benchmarks share: replacing their own section of bench/RESULTS.md (keeping the others'),
// and timing commands through the small runner process (scripts/bench-runner.mjs).
import { fork } from 'node:child_process';
import { join } from 'node:path';

/** bench/RESULTS.md holds several benchmarks' sections: replace the one titled `title` (up to the next `## `), keep the rest. */
export function mergeSection(text, title, section) {
  if (!text.trim()) return `# Benchmark results\n\n${section}`;
  const start = text.indexOf(title);
  if (start < 0) return `${text.trimEnd()}\n\n${section}`;
  const next = text.indexOf('\n## ', start + title.length);
  return `${text.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
}

/**
 * Starts the runner; `timed(cmd, args, { env, unset })` resolves with the seconds a command took, its
 * CPU seconds and its peak RSS, and rejects when it fails. `stop()` ends the runner.
 */
export function startRunner({ timeoutMs = 600_000 } = {}) {
  const runner = fork(join('scripts', 'bench-runner.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  runner.on('message', (m) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const timed = (cmd, args, { env, unset = [] } = {}) => {
    const childEnv = { ...process.env, ...env };
    for (const name of unset) delete childEnv[name];
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, (m) => {
        if (m.error) reject(new Error(`${cmd} could not be started: ${m.error}`));
        // A tool that hangs (it has happened to skopeo) ends the run with an error rather than never.
        else if (m.code !== 0)
          reject(new Error(`${cmd} ${args.join(' ')} failed (${m.signal ? `killed by ${m.signal}` : `exit ${m.code}`}): ${m.err.trim().slice(-2000)}`));
        else resolve(m);
      });
      runner.send({ id, cmd, args, env: childEnv, timeoutMs });
    });
  };
  return { timed, stop: () => runner.kill() };
}
