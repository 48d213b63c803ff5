// `npm run bench` (sync part; alone: `npm run bench:sync`): regx sync against skopeo 1.9.3 sync in the
// same run, across a simulated WAN (bench/wan-proxy.mjs: 40 ms round trip, 400 Mbit/s each way, one
// link in front of each loopback registry, so the tool talks to both over the WAN). Scenarios: 24 small
// images into an empty destination; the same sync run again when nothing changed; a no-op re-sync of
// one repository's 200 tags; and the peak RSS of regx syncing 200 images. Each tool runs with its
// defaults. Results go to their own section of bench/RESULTS.md (other benchmarks keep theirs).
import { execFileSync } from 'node:child_process';
import { mergeSection, startRunner } from '../scripts/bench-common.mjs';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startWanProxy } from './wan-proxy.mjs';

const RUNS = Math.max(1, Number(process.env.BENCH_SYNC_RUNS ?? 3));
const RTT_MS = 40;
const MBIT = 400;
const REPOS = 6;
const TAGS_PER_REPO = 4;
const MANY = 200;
const RESULTS = join('bench', 'RESULTS.md');
const SECTION = '## Sync across a simulated WAN: regx sync vs skopeo sync (`npm run bench`)';
const SKOPEO_CACHES = ['/var/lib/containers/cache', join(homedir(), '.local', 'share', 'containers', 'cache')];

if (!process.env.BENCH_NO_BUILD) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
const require = createRequire(import.meta.url);
const h = require('../out/test/harness/index.js');
for (const tool of ['docker-registry', 'skopeo']) {
  if (!h.hasTool(tool)) {
    console.error(`bench needs ${tool}: apt-get install -y docker-registry skopeo`);
    process.exit(1);
  }
}

// Commands start from a small runner process (scripts/bench-runner.mjs): time, CPU, peak RSS.
const { timed, stop: stopRunner } = startRunner({ timeoutMs: 1_800_000 });
const regx = (args) => timed(process.execPath, [h.regxBundle, 'sync', ...args]);
function skopeo(args) {
  // As cold as regx: no memory of where blobs were seen before.
  for (const dir of SKOPEO_CACHES) rmSync(dir, { recursive: true, force: true });
  return timed('skopeo', ['sync', ...args]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let serial = 0;
const fresh = (name) => `${name}-${process.pid}-${++serial}`;
const fmt = (x) => x.toFixed(x < 0.5 ? 3 : 2);

/** `runs` runs of each tool, alternating which goes first; the medians and regx's peak RSS. */
async function compare(setup, runs = RUNS) {
  const r = [];
  const s = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    for (const who of i % 2 === 0 ? ['regx', 'skopeo'] : ['skopeo', 'regx']) {
      const res = await setup[who]();
      (who === 'regx' ? r : s).push(res.seconds);
      if (who === 'regx') peak = Math.max(peak, res.peak);
    }
  }
  return { regx: median(r), skopeo: median(s), regxRuns: r, skopeoRuns: s, peak };
}

const loadAtStart = loadavg()[0];
const scratch = h.makeTempDir('bench-sync');
const proxies = [];
try {
  const a = await h.startRegistry({ memoryStorage: true });
  const b = await h.startRegistry({ memoryStorage: true });
  const wa = await startWanProxy(a.host, { rttMs: RTT_MS, mbit: MBIT });
  const wb = await startWanProxy(b.host, { rttMs: RTT_MS, mbit: MBIT });
  proxies.push(wa, wb);

  console.log(`pushing ${REPOS * TAGS_PER_REPO} small images and ${MANY} tags of one repository (loopback, no WAN)...`);
  const images = [];
  for (let r = 0; r < REPOS; r++) {
    for (let t = 1; t <= TAGS_PER_REPO; t++) {
      const img = await h.buildImage({ layers: 3, layerSize: 128 * 1024 });
      await h.pushImage(a, `bench/app-${r}`, `v${t}`, img);
      images.push(img);
    }
  }
  for (let i = 0; i < MANY; i++) await h.pushImage(a, 'bench/many', `t-${String(i).padStart(3, '0')}`, await h.buildImage({ layers: 1, layerSize: 1024 }));
  const yaml = join(scratch, 'sync.yml');
  writeFileSync(
    yaml,
    [
      `${wa.host}:`,
      '  tls-verify: false',
      '  images:',
      ...Array.from({ length: REPOS }, (_, r) => `    bench/app-${r}: [${Array.from({ length: TAGS_PER_REPO }, (_, t) => `v${t + 1}`).join(', ')}]`),
      '',
    ].join('\n'),
  );
  const yamlArgs = (prefix) => ['--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', yaml, `${wb.host}/${prefix}`];
  const manyArgs = (prefix) => [
    '--src',
    'docker',
    '--dest',
    'docker',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `${wa.host}/bench/many`,
    `${wb.host}/${prefix}`,
  ];

  console.log(`24 images into an empty destination, ${RUNS} runs each...`);
  const cold = await compare({ regx: () => regx(yamlArgs(fresh('cold-regx'))), skopeo: () => skopeo(yamlArgs(fresh('cold-skopeo'))) });

  console.log('the same sync again, nothing changed...');
  const noopPrefix = fresh('noop');
  await regx(yamlArgs(noopPrefix));
  const noop = await compare({ regx: () => regx(yamlArgs(noopPrefix)), skopeo: () => skopeo(yamlArgs(noopPrefix)) });

  console.log(`${MANY} images of one repository into an empty destination (regx, peak RSS)...`);
  const manyPrefix = fresh('many');
  const manyCold = await regx(manyArgs(manyPrefix));

  console.log(`${MANY} tags re-synced, nothing changed...`);
  const many = await compare({ regx: () => regx(manyArgs(manyPrefix)), skopeo: () => skopeo(manyArgs(manyPrefix)) });

  const mb = (n) => `${(n / 1e6).toFixed(0)} MB`;
  const rows = [
    { name: `${REPOS * TAGS_PER_REPO} small images (3 x 128 KiB layers) into an empty destination`, ...cold, target: 0.3 },
    { name: `the same ${REPOS * TAGS_PER_REPO} images again, nothing changed`, ...noop, target: 0.15 },
    { name: `${MANY} tags of one repository, nothing changed`, ...many, target: 0.1 },
  ];
  const table = [
    '| scenario | regx (s) | skopeo (s) | ratio | target | met |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.regx)} | ${fmt(r.skopeo)} | ${fmt(r.regx / r.skopeo)}x | <= ${r.target}x | ${r.regx / r.skopeo <= r.target ? 'yes' : 'no'} |`,
    ),
    '',
    '| measure | value | target | met |',
    '| --- | ---: | ---: | :---: |',
    `| peak RSS of regx syncing ${MANY} images into an empty destination (${fmt(manyCold.seconds)} s) | ${mb(manyCold.peak)} | <= 200 MB | ${manyCold.peak <= 200e6 ? 'yes' : 'no'} |`,
    `| peak RSS of regx, ${REPOS * TAGS_PER_REPO} images cold | ${mb(cold.peak)} | <= 200 MB | ${cold.peak <= 200e6 ? 'yes' : 'no'} |`,
  ];
  const skopeoVersion = execFileSync('skopeo', ['--version'], { encoding: 'utf8' }).trim();
  const md = [
    SECTION,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}; ${skopeoVersion}; Distribution ${execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim()}`,
    `- Load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end.`,
    `- WAN: a TCP proxy of ours (bench/wan-proxy.mjs) in front of each loopback registry: ${RTT_MS} ms round trip, ${MBIT} Mbit/s each way shared by all connections, one round trip before a new connection's first byte; the tool reaches both registries through it.`,
    `- Both tools with their defaults (regx: 8 images at once, 4 per registry; referrers looked for at the source for every image). skopeo's blob-info cache removed before each skopeo run. Median of ${RUNS} runs per tool, alternating order; cold runs into fresh destination paths; the no-op runs re-sync a destination regx filled once (the same tags and digests skopeo writes).`,
    '- Ratio = regx time / skopeo time (lower is better), process start-up included.',
    '',
    ...table,
    '',
    'Runs (seconds):',
    '',
    ...rows.map((r) => `- ${r.name}: regx ${r.regxRuns.map(fmt).join(', ')}; skopeo ${r.skopeoRuns.map(fmt).join(', ')}`),
    '',
    'Reading the ratios: skopeo sync copies one image after another and, for an image the destination already has, still reads the source manifest, checks every blob and writes the manifest again, each a round trip. regx checks all images at once (a source GET and a destination HEAD per image, together), copies only those that differ, several at a time, and for an unchanged image looks at the source for anything that refers to it (the referrers API, then the tag list).',
    '',
  ].join('\n');
  console.log(`\n${table.join('\n')}`);
  writeFileSync(RESULTS, mergeSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', SECTION, md));
  console.log('written to bench/RESULTS.md');
} finally {
  stopRunner();
  for (const p of proxies) await p.close();
  await h.stopAll();
  h.removeAllTempDirs();
}
process.exit(0);
