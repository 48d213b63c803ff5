// Extension benchmark: how long the real VS Code (code-server 4.100.3 in Chromium) takes to activate
// the packaged extension, how long a registry with a 5,000-repository catalog takes to show its
// first page in the Registries view, and how long a repository whose registry sends 3,000 tags in
// one answer takes to show its first page of tags. Every run is a fresh code-server (new user-data-dir), so nothing
// is warm but the OS file cache. Numbers come from the editor itself:
// - activation: the extension host's own activation time (code loading + activate() call), as
//   "Developer: Show Running Extensions" shows it, plus what activate() logs about itself;
// - first page: page-side clocks (performance.now()) from the click that expands the registry to the
//   moment its first repository rows are in the tree's DOM, so no automation latency is counted.
// Writes the "Extension" section of bench/RESULTS.md and leaves the other sections alone.
//
//   node bench/extension.mjs [--runs 5] [--repositories 5000] [--tags 3000] [--settle 3000] [--no-build]
/* global document, performance, MutationObserver -- the functions given to page.evaluate run in the workbench page */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeSection } from '../scripts/bench-common.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const runs = option('runs', 5);
const repositoryCount = option('repositories', 5000);
const tagCount = option('tags', 3000);
// The extension host starts the built-in extensions (git, github, ...) several seconds after the
// workbench shows on this machine; opening the view meanwhile times our activation against theirs on
// 2 cores. So each run waits for the host's "Eager extensions activated", then this long.
const settleMs = option('settle', 1000);
const targets = { activation: 50, firstPage: 1000, firstTagPage: 1000 };
const registryName = 'Bench registry';
// A second registry whose one watched repository holds the tags (no catalog to list first).
const tagsRegistryName = 'Tags registry';
const tagsRepository = 'big/tags';
const tagPrefix = 'v';
const view = 'Registries';
// Flat names (no namespace), so the first page is repository rows rather than one namespace folder.
const prefix = 'repo-';

if (!args.includes('--no-build')) {
  // The driver and the harness are TypeScript: compile them to out/ as `npm test` does.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
}
const require = createRequire(import.meta.url);
const { e2eSkipReason, startCodeServer, packageExtension } = require(join(root, 'out/test/e2e/code-server.js'));
const { Workbench } = require(join(root, 'out/test/e2e/workbench.js'));
const { hasTool, makeTempDir, removeAllTempDirs, seedRepositories, seedTags, startRegistry, stopAll } = require(join(root, 'out/test/harness/index.js'));

const skip = e2eSkipReason() ?? (hasTool('docker-registry') ? undefined : 'docker-registry is not installed (apt-get install -y docker-registry)');
if (skip) {
  console.error(`extension benchmark skipped: ${skip}`);
  process.exit(process.env.CI ? 1 : 0);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Arms page-side clocks: `start` at the next mousedown anywhere (capture phase, before the workbench
 * sees it), `end` at the first DOM change after which a sidebar tree row at `level` has a label
 * starting with `labelPrefix`. Read back with readClock().
 */
async function armClock(page, level, labelPrefix) {
  await page.evaluate(
    ([lvl, lp]) => {
      const clock = { start: undefined, end: undefined, rows: 0 };
      globalThis.__regxBenchClock = clock;
      document.addEventListener('mousedown', () => (clock.start ??= performance.now()), { capture: true, once: true });
      const check = () => {
        const rows = Array.from(document.querySelectorAll(`#workbench\\.parts\\.sidebar .monaco-list-row[aria-level="${lvl}"]`)).filter((r) =>
          (r.querySelector('.label-name')?.textContent ?? '').trim().startsWith(lp),
        );
        if (!rows.length || clock.start === undefined) return;
        clock.end = performance.now();
        clock.rows = rows.length;
        observer.disconnect();
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-level'] });
    },
    [level, labelPrefix],
  );
}

async function readClock(page) {
  await page.waitForFunction(() => globalThis.__regxBenchClock?.end !== undefined, undefined, { timeout: 120_000 });
  return page.evaluate(() => ({ ms: globalThis.__regxBenchClock.end - globalThis.__regxBenchClock.start, rows: globalThis.__regxBenchClock.rows }));
}

/** "Developer: Show Running Extensions": the row of our extension says "Activation: N ms" (code loading + activate call). */
async function runningExtensionsActivation(bench) {
  await bench.runCommand('Developer: Show Running Extensions');
  const page = bench.page;
  const list = page.locator('.runtime-extensions-editor .monaco-list');
  await list.locator('.monaco-list-row').first().waitFor();
  for (let i = 0; i < 40; i++) {
    const found = await list.locator('.monaco-list-row').evaluateAll((rows) => {
      const row = rows.find((r) => /^(Registry Explorer|registry-explorer\.registry-explorer)$/.test((r.querySelector('.name')?.textContent ?? '').trim()));
      return row ? (row.querySelector('.activation-time')?.textContent ?? '').trim() : undefined;
    });
    if (found && !/Activating/.test(found)) {
      const m = /(Startup )?Activation: (\d+)\s*ms/.exec(found);
      if (!m) throw new Error(`unexpected activation text "${found}"`);
      return { ms: Number(m[2]), startup: Boolean(m[1]) };
    }
    // The list is virtualized (70 px rows): scroll on until our row is rendered.
    const box = await list.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, found ? 0 : 300);
    await sleep(100);
  }
  throw new Error('Registry Explorer is not among the running extensions');
}

/** Waits until the extension host log says the startup extensions are active (false if it never does). */
async function extensionHostSettled(server) {
  for (let i = 0; i < 600; i++) {
    if (/Eager extensions activated/.test(server.readLogs())) return true;
    await sleep(100);
  }
  return false;
}

const stamp = (line) => (line ? Date.parse(line.slice(0, 23).replace(' ', 'T')) : NaN);

/**
 * What activate() logs about itself ("activated in N ms"), from the LogOutputChannel's file, and
 * from the host's log the time from its decision to activate us (the onView event) to that line:
 * that span also holds what VS Code's number leaves out, such as building the ExtensionContext.
 */
async function loggedActivation(server) {
  for (let i = 0; i < 50; i++) {
    const lines = server.readLogs().split('\n');
    const done = lines.find((l) => /activated in [\d.]+ ms/.test(l));
    if (done) {
      const requested = lines.find((l) => /_doActivateExtension registry-explorer\.registry-explorer\b/.test(l));
      const span = stamp(done) - stamp(requested);
      const load = /bundle loaded in ([\d.]+) ms: read ([\d.]+), compile ([\d.]+), run ([\d.]+); code cache: (\w+)/.exec(done);
      return {
        ms: Number(/activated in ([\d.]+) ms/.exec(done)[1]),
        loadMs: load ? Number(load[1]) : undefined,
        readMs: load ? Number(load[2]) : undefined,
        compileMs: load ? Number(load[3]) : undefined,
        runMs: load ? Number(load[4]) : undefined,
        cache: load?.[5],
        requestedToDone: Number.isFinite(span) ? span : undefined,
      };
    }
    await sleep(200);
  }
  return { ms: undefined, requestedToDone: undefined };
}

async function oneRun(registry, tagsRegistry, authDir) {
  const server = await startCodeServer({
    settings: {
      'registryExplorer.registries': [
        { url: `http://${registry.host}`, name: registryName },
        { url: `http://${tagsRegistry.host}`, name: tagsRegistryName, repositories: [tagsRepository] },
      ],
    },
    // Nothing of this machine is read: empty auth.json and docker config, no kubeconfig (no clusters).
    env: { REGISTRY_AUTH_FILE: join(authDir, 'auth.json'), DOCKER_CONFIG: authDir, KUBECONFIG: join(authDir, 'kubeconfig') },
  });
  let bench;
  try {
    bench = await Workbench.open(server.url);
    const settled = await extensionHostSettled(server);
    await sleep(settleMs);
    // 1. Open the view: this activates the extension (onView), which lists the registry.
    await armClock(bench.page, 1, registryName);
    await bench.openView(view);
    const viewOpen = await readClock(bench.page);
    // 2. Expand the registry: the first catalog page is fetched, grouped and rendered.
    await armClock(bench.page, 2, prefix);
    await bench.treeRow(view, registryName).locator('.monaco-tl-twistie').click();
    const firstPage = await readClock(bench.page);
    const loadMore = await bench.treeRow(view, 'Load more...').count();
    // 3. The tags: fold the catalog away, open the tags registry, then time the repository's expansion
    //    (one tags/list answer with every tag, sorted, the first page drawn).
    await bench.collapse(view, registryName);
    await bench.expand(view, tagsRegistryName);
    await bench.treeRow(view, tagsRepository).waitFor();
    await armClock(bench.page, 3, tagPrefix);
    await bench.treeRow(view, tagsRepository).locator('.monaco-tl-twistie').click();
    const firstTagPage = await readClock(bench.page);
    const activation = await runningExtensionsActivation(bench);
    const logged = await loggedActivation(server);
    return {
      activation: activation.ms,
      startup: activation.startup,
      logged: logged.ms,
      loadMs: logged.loadMs,
      readMs: logged.readMs,
      compileMs: logged.compileMs,
      runMs: logged.runMs,
      cache: logged.cache,
      requestedToDone: logged.requestedToDone,
      settled,
      viewOpen: viewOpen.ms,
      firstPage: firstPage.ms,
      rows: firstPage.rows,
      loadMore: loadMore > 0,
      firstTagPage: firstTagPage.ms,
      tagRows: firstTagPage.rows,
    };
  } catch (error) {
    await bench?.screenshot('bench-extension-failed').catch(() => undefined);
    throw error;
  } finally {
    await bench?.close();
    await server.stop();
  }
}

function fmt(ms) {
  return ms === undefined ? 'n/a' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function writeResults(section) {
  const file = join(root, 'bench/RESULTS.md');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, mergeSection(existsSync(file) ? readFileSync(file, 'utf8') : '', '## Extension\n', section));
  return file;
}

async function main() {
  const vsix = await packageExtension();
  const bundle = statSync(join(root, 'dist/extension-main.js')).size;
  const launcher = statSync(join(root, 'dist/extension.js')).size;
  const registry = await startRegistry({ memoryStorage: true });
  await seedRepositories(registry, repositoryCount, { prefix });
  // Distribution 2.8 answers tags/list with every tag, whatever page size is asked for.
  const tagsRegistry = await startRegistry({ memoryStorage: true });
  await seedTags(tagsRegistry, tagsRepository, tagCount, { prefix: tagPrefix });
  const authDir = makeTempDir('bench-auth');
  writeFileSync(join(authDir, 'auth.json'), '{"auths":{}}');
  writeFileSync(join(authDir, 'config.json'), '{"auths":{}}');
  const load = loadavg()[0];
  const results = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = await oneRun(registry, tagsRegistry, authDir);
      results.push(r);
      console.log(
        `run ${i + 1}/${runs}: activation ${r.activation} ms (activate() itself ${fmt(r.logged)} ms, host request -> done ${fmt(r.requestedToDone)} ms${r.settled ? '' : ', host never settled'}), view open -> registry row ${fmt(r.viewOpen)} ms, expand -> first page ${fmt(r.firstPage)} ms (${r.rows} rows shown${r.loadMore ? ', Load more' : ''}), expand ${tagCount} tags -> first page ${fmt(r.firstTagPage)} ms (${r.tagRows} rows)`,
      );
    }
  } finally {
    await stopAll();
    removeAllTempDirs();
  }
  const col = (k) => results.map((r) => r[k]).filter((v) => v !== undefined);
  const rows = [
    ['activation (VS Code: code loading + activate call)', col('activation'), targets.activation],
    ['the launcher: read, compile (from the code cache) and run the bundle', col('loadMs'), undefined],
    ['- read the bundle (and hash it, to name its cache)', col('readMs'), undefined],
    ['- compile it from the code cache', col('compileMs'), undefined],
    ['- run its top level', col('runMs'), undefined],
    ['activate() itself, as the extension logs it', col('logged'), undefined],
    ['host log: activation requested (onView) -> activate() returned', col('requestedToDone'), undefined],
    ['open the view -> registry row shown (activation included)', col('viewOpen'), undefined],
    [`expand the registry -> first page of ${repositoryCount.toLocaleString('en')} repositories shown`, col('firstPage'), targets.firstPage],
    ['open the view + expand -> first page (sum)', results.map((r) => r.viewOpen + r.firstPage), undefined],
    [
      `expand a repository whose registry sends ${tagCount.toLocaleString('en')} tags in one answer -> first page of tags shown`,
      col('firstTagPage'),
      targets.firstTagPage,
    ],
  ];
  const cpu = cpus();
  const machine = `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, load average ${load.toFixed(2)} at start; Node ${process.version}`;
  const date = new Date().toISOString();
  const table = [
    '| measure | median (ms) | target (ms) | median / target | runs (ms) |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      ([name, xs, target]) =>
        `| ${name} | ${fmt(median(xs))} | ${target ?? ''} | ${target ? `${(median(xs) / target).toFixed(2)}x ${median(xs) <= target ? '(met)' : '(missed)'}` : ''} | ${xs.map(fmt).join(', ')} |`,
    ),
  ];
  const section = [
    '## Extension',
    '',
    `- Date: ${date}`,
    `- Machine: ${machine}`,
    `- code-server 4.100.3 (VS Code 1.100.3) in headless Chromium, ${runs} fresh starts (new user-data-dir each), median; the view is opened ${settleMs / 1000} s after the extension host has activated the startup built-ins${results.every((r) => r.settled) ? '' : ' (in some runs it never said so)'}.`,
    `- Extension bundle dist/extension-main.js: ${(bundle / 1024).toFixed(0)} KiB, started by dist/extension.js (${(launcher / 1024).toFixed(0)} KiB) from V8's code cache (${vsix.replace(`${root}/`, '')}); code cache used: ${[...new Set(col('cache'))].join(', ') || 'not logged'} (each run is a new user-data-dir, so the one the host writes for the next activation is never there).`,
    `- Catalog: a local Distribution registry (RAM storage) with ${repositoryCount.toLocaleString('en')} repositories \`${prefix}NNNN\`, page size 100 (the default); ${results[0]?.rows ?? 0} rows visible in the pane when the first page showed${results[0]?.loadMore ? ', then "Load more..."' : ''}.`,
    `- Tags: a second local Distribution 2.8 registry (RAM storage) whose watched repository \`${tagsRepository}\` has ${tagCount.toLocaleString('en')} tags; its tags/list answers with all of them whatever \`n\` asks, and the tree shows \`registryExplorer.tagPageSize\` (100) at a time, reading manifests only for those.`,
    `- undici (dist/undici.js, ${(statSync(join(root, 'dist/undici.js')).size / 1024).toFixed(0)} KiB) is loaded on the first request, so the first page pays for it and activation does not.`,
    '- Clocks: activation is what the extension host measured ("Developer: Show Running Extensions"); the view and page times are page-side, from the mousedown to the DOM change that shows the rows.',
    '',
    ...table,
    '',
  ].join('\n');
  console.log(`\n${table.join('\n')}\n`);
  console.log(`written to ${writeResults(section).replace(`${root}/`, '')}`);
}

await main();
