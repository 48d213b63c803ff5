// Fails when src/core or src/cli imports vscode: the core must run in plain Node (DESIGN.md, "one direction").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const offenders = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.[cm]?[tj]s$/.test(name)) {
      const text = readFileSync(p, 'utf8');
      if (/(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(text)) offenders.push(p);
      if (dir.startsWith('src/core') && /from\s+['"]\.\.\/(\.\.\/)?(extension|cli)\//.test(text)) offenders.push(`${p} (imports a layer above core)`);
    }
  }
}
walk('src/core');
walk('src/cli');

// The core names problems; remedies phrased as CLI flags or verbs belong to src/cli (the extension shows
// the same errors with its own actions). Flag-like text in a core string literal fails the lint.
const flagText = /(['"`])(?:(?!\1).)*?(?<![-\w])(--[a-z][a-z0-9-]+|regx (?:login|logout|copy|inspect|delete|tag))/;
// Allowed: PEM armour, and an oc command for a cluster administrator.
// `gpgArgv` is the command line regx gives gpg (gpg's own flags, src/core/signing/gpg-sign.ts), not advice.
const allowed = [/-----(BEGIN|END) CERTIFICATE-----/, /oc patch /, /\bgpgArgv\b/];
function walkCore(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walkCore(p);
    else if (name.endsWith('.ts')) {
      readFileSync(p, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\/?\*)/.test(line) || allowed.some((re) => re.test(line))) return;
          if (flagText.test(line)) offenders.push(`${p}:${i + 1} (core text names a CLI flag or verb: ${line.trim().slice(0, 100)})`);
        });
    }
  }
}
walkCore('src/core');
if (offenders.length) {
  console.error('src/core must run in plain Node and name problems, not CLI flags; src/cli must not import vscode:\n  ' + offenders.join('\n  '));
  process.exit(1);
}
