// bench/RESULTS.md holds several benchmarks' sections: each run replaces its own (from its heading up
// to the next `## `) and keeps the others'.
export function mergeSection(text, heading, section) {
  if (!text.trim()) return `# Benchmark results\n\n${section}`;
  const start = text.indexOf(heading);
  if (start < 0) return `${text.trimEnd()}\n\n${section}`;
  const next = text.indexOf('\n## ', start + heading.length);
  return `${text.slice(0, start)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
}
