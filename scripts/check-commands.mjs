// Fails when package.json and the code disagree about commands. The ids live in one typed list,
// src/extension/commands/command-ids.ts (handlers.ts maps each to its handler, checked by the compiler);
// this loads that list as compiled code - no build needed, the TypeScript compiler transpiles the one
// file - and compares it with package.json: every declared command has an id and every id is declared,
// menus and welcome links name declared commands, no code spells an id as a string, and activation stays
// lazy (VS Code derives it from the contributions; the one event allowed is a folder holding sync files).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const idsFile = 'src/extension/commands/command-ids.ts';

function loadCommandIds() {
  const { outputText } = ts.transpileModule(readFileSync(idsFile, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} };
  new Function('module', 'exports', outputText)(module, module.exports);
  return Object.values(module.exports.commandIds);
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const declared = new Set((manifest.contributes?.commands ?? []).map((c) => c.command));
const ids = new Set(loadCommandIds());
const problems = [];

for (const id of declared) if (!ids.has(id)) problems.push(`${id} is declared in package.json but not in ${idsFile}`);
for (const id of ids) if (!declared.has(id)) problems.push(`${id} (${idsFile}) is not declared in package.json contributes.commands`);
for (const file of sourceFiles('src')) {
  if (file === idsFile) continue;
  for (const m of readFileSync(file, 'utf8').matchAll(/['"`]([\w]+\.[\w.]+)['"`]/g)) {
    if (ids.has(m[1])) problems.push(`${file} spells the command id '${m[1]}': use commandIds from ${idsFile}`);
  }
}

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
for (const e of manifest.activationEvents ?? [])
  if (!allowedActivation.has(e)) problems.push(`activation event ${e} is not allowed (lazy activation; only folders with sync files activate it)`);

if (problems.length) {
  console.error('Commands in package.json and the code disagree:\n  ' + problems.join('\n  '));
  process.exit(1);
}
