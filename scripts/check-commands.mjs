// Fails when package.json and the source disagree about commands: every declared command must be
// registered (src/extension/commands/register.ts lists Command objects whose `id` is in a file
// under src/extension/commands/), every registered one declared, every menu entry must name a
// declared command, and activation must stay lazy (VS Code derives it from the contributions).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const declared = new Set((manifest.contributes?.commands ?? []).map((c) => c.command));
const problems = [];

const dir = 'src/extension/commands';
const registerSource = readFileSync(join(dir, 'register.ts'), 'utf8');
const list = /export const commands\s*:\s*readonly Command\[\]\s*=\s*\[([^\]]*)\]/.exec(registerSource);
if (!list) problems.push('register.ts has no `export const commands: readonly Command[] = [...]`');
const listed = new Set([...(list?.[1] ?? '').matchAll(/\b(\w+Command)\b/g)].map((m) => m[1]));
const registered = new Map();
for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
  const text = readFileSync(join(dir, name), 'utf8');
  for (const m of text.matchAll(/export const (\w+Command)\s*:\s*Command\s*=\s*\{\s*id:\s*'([^']+)'/g)) {
    const [, constName, id] = m;
    if (registered.has(id)) problems.push(`${id} is defined twice (${registered.get(id)} and ${name})`);
    registered.set(id, name);
    if (!listed.has(constName)) problems.push(`${constName} (${id}, in ${name}) is not in the list in register.ts`);
  }
}
for (const id of declared) if (!registered.has(id)) problems.push(`${id} is declared in package.json but no command file defines it`);
for (const [id, file] of registered) if (!declared.has(id)) problems.push(`${id} (${file}) is registered but not declared in package.json contributes.commands`);

for (const [menu, entries] of Object.entries(manifest.contributes?.menus ?? {})) {
  for (const entry of entries) if (entry.command && !declared.has(entry.command)) problems.push(`menu ${menu} names undeclared command ${entry.command}`);
}
for (const view of manifest.contributes?.viewsWelcome ?? []) {
  for (const m of view.contents.matchAll(/\(command:([\w.]+)/g)) if (!declared.has(m[1])) problems.push(`viewsWelcome links undeclared command ${m[1]}`);
}
// Lazy activation: views and commands activate the extension by themselves. The one exception is a folder
// holding sync files, whose CodeLens and problems must show without the view being opened first; an
// event for every YAML file (onLanguage:yaml) would load the extension for any Kubernetes manifest.
const allowedActivation = new Set(['workspaceContains:**/*.regx-sync.yaml', 'workspaceContains:**/*.regx-sync.yml']);
for (const e of manifest.activationEvents ?? []) if (!allowedActivation.has(e)) problems.push(`activation event ${e} is not allowed (lazy activation; only folders with sync files activate it)`);

if (problems.length) {
  console.error('Commands in package.json and src/extension/commands disagree:\n  ' + problems.join('\n  '));
  process.exit(1);
}
