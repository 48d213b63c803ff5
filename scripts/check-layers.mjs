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
if (offenders.length) {
  console.error('These files import vscode or a layer above them; src/core and src/cli must run in plain Node:\n  ' + offenders.join('\n  '));
  process.exit(1);
}
