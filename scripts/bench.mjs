// `npm run bench`: regx copy/tag against skopeo on loopback Distribution registries, in one run on
// this machine, reported as ratios (regx time / skopeo time; lower is better). Not part of npm test.
// Each scenario: median of RUNS runs, regx and skopeo alternating, fresh destination repositories
// every run, skopeo's blob-info cache removed before every skopeo run (so it starts as cold as we do).
// Also: the same blobs PUT in parallel by curl with no client logic (the machine's limit), and the
// peak RSS of regx during the cold copy and during a copy of one 1 GiB layer. Generated images and
// registry storage live in temp dirs that are removed at the end. Results go to their own section of
// bench/RESULTS.md (other benchmarks keep theirs). Then the cost of carrying referrers and signatures
// (scripts/bench-supply-chain.mjs), in its own section; `node scripts/bench.mjs supply-chain` (or
// BENCH_ONLY=supply-chain) runs that part alone.
import { execFileSync } from 'node:child_process';
import { mergeSection, startRunner } from './bench-common.mjs';
import { SUPPLY_CHAIN_SECTION, supplyChainBench } from './bench-supply-chain.mjs';
import { createHash, randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpuSeconds } from './proc-cpu.mjs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';

const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
// Commands of tens of milliseconds vary by more than their differences: they get more runs.
const SHORT_RUNS = RUNS * 3;
const LAYERS = 16;
const LAYER_MIB = 16;
const JOBS = 6;
const BIG_LAYER_MIB = Number(process.env.BENCH_BIG_LAYER_MIB ?? 1024);
// Where containers/image keeps its blob-info cache: as root, and for other users.
const SKOPEO_CACHE = '/var/lib/containers/cache';
const SKOPEO_CACHES = [SKOPEO_CACHE, join(homedir(), '.local', 'share', 'containers', 'cache')];
const RESULTS = join('bench', 'RESULTS.md');
const SECTION = '## Copy engine: regx CLI vs skopeo (`npm run bench`)';
const ONLY = process.argv[2] ?? process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'supply-chain') {
  console.error(`unknown part "${ONLY}": the only part that runs alone is supply-chain`);
  process.exit(2);
}

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const require = createRequire(import.meta.url);
const h = require('../out/test/harness/index.js');
for (const tool of ['docker-registry', 'skopeo', 'curl']) {
  if (!h.hasTool(tool)) {
    console.error(`bench needs ${tool}: apt-get install -y docker-registry skopeo curl`);
    process.exit(1);
  }
}

// Commands are started by a small runner process (scripts/bench-runner.mjs), not from this one.
const { timed, stop: stopRunner } = startRunner();

const regx = (args, opts) => timed(process.execPath, [h.regxBundle, ...args], opts);
function skopeo(args) {
  // Cold as regx: no memory of where blobs were seen before.
  for (const dir of SKOPEO_CACHES) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours to remove (another user's): skopeo then uses the one in our home
    }
  }
  return timed('skopeo', args);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];
let serial = 0;
const fresh = (name) => `${name}-${process.pid}-${++serial}`;

/**
 * `runs` runs of regx and skopeo, alternating which goes first. `registries` (name -> TestRegistry) are
 * watched: the CPU each used during each run is kept, beside the tool's own.
 */
async function compare(setup, registries = {}, runs = RUNS) {
  const r = [];
  const s = [];
  const cpu = { regx: [], skopeo: [] };
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['regx', 'skopeo'] : ['skopeo', 'regx'];
    for (const who of order) {
      const before = Object.fromEntries(Object.entries(registries).map(([name, reg]) => [name, cpuSeconds(reg.pid())]));
      const res = await setup[who]();
      const used = { tool: res.cpu };
      for (const [name, reg] of Object.entries(registries)) used[name] = cpuSeconds(reg.pid()) - before[name];
      cpu[who].push(used);
      (who === 'regx' ? r : s).push(res.seconds);
      if (who === 'regx') peak = Math.max(peak, res.peak);
    }
  }
  return { regx: median(r), skopeo: median(s), regxRuns: r, skopeoRuns: s, peak, cpu: { regx: medianCpu(cpu.regx), skopeo: medianCpu(cpu.skopeo) } };
}

/** Per process, the median of its CPU seconds over the runs. */
function medianCpu(runs) {
  return Object.fromEntries(Object.keys(runs[0] ?? {}).map((k) => [k, median(runs.map((u) => u[k]))]));
}

/** A one-layer OCI image whose layer is `mib` MiB of random data, streamed to disk (never whole in memory). */
async function writeBigLayout(dir, mib) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const tmp = join(dir, 'layer.tmp');
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let gzSize = 0;
  const file = createWriteStream(tmp);
  // Level 1: random data does not compress; this is about moving bytes, not about zlib.
  const gz = createGzip({ level: 1 });
  gz.on('data', (c) => {
    gzHash.update(c);
    gzSize += c.length;
  });
  gz.pipe(file);
  const size = mib << 20;
  const header = Buffer.from(h.tarOneFile('big.bin', Buffer.alloc(0)).subarray(0, 512));
  // Rewrite the size field (octal, 12 bytes at 124) and checksum of the one-file ustar header.
  header.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const write = (buf) => {
    tarHash.update(buf);
    return gz.write(buf) ? undefined : new Promise((r) => gz.once('drain', r));
  };
  await write(header);
  const block = randomBytes(4 << 20);
  for (let done = 0; done < size; done += block.length) {
    // Vary each block a little so no two are identical.
    block.writeUInt32LE(done >>> 0, 0);
    await write(block);
  }
  await write(Buffer.alloc(1024));
  await new Promise((r) => {
    file.on('close', r);
    gz.end();
  });
  const layerDigest = `sha256:${gzHash.digest('hex')}`;
  renameSync(tmp, join(dir, 'blobs', 'sha256', layerDigest.slice(7)));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${tarHash.digest('hex')}`] }, config: {} }),
  );
  const configDigest = h.sha256(config);
  writeFileSync(join(dir, 'blobs', 'sha256', configDigest.slice(7)), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: gzSize }],
    }),
  );
  const manifestDigest = h.sha256(manifest);
  writeFileSync(join(dir, 'blobs', 'sha256', manifestDigest.slice(7)), manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'big' },
        },
      ],
    }),
  );
}

/** The machine's limit: every blob POSTed and PUT by curl, JOBS at a time, nothing else. */
async function curlPut(reg, repo, files) {
  const script = join(scratch, 'put-blob.sh');
  writeFileSync(
    script,
    [
      'set -e',
      'f="$1"; d="sha256:$(basename "$f")"',
      `loc=$(curl -sf -o /dev/null -w '%header{location}' -X POST "${reg.url}/v2/${repo}/blobs/uploads/")`,
      `curl -sf -o /dev/null -H 'Content-Type: application/octet-stream' -T "$f" "$loc&digest=$d"`,
      '',
    ].join('\n'),
  );
  const list = join(scratch, 'blobs.txt');
  writeFileSync(list, files.join('\n') + '\n');
  return timed('bash', ['-c', `xargs -P ${JOBS} -n 1 bash ${script} < ${list}`]);
}

/** Carrying referrers and signatures: its table on the console, its section in bench/RESULTS.md. */
async function runSupplyChain() {
  const { md, table } = await supplyChainBench(h, (args) => regx(args), RUNS);
  console.log(`\n${table.join('\n')}`);
  mkdirSync('bench', { recursive: true });
  writeFileSync(RESULTS, mergeSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', SUPPLY_CHAIN_SECTION, md));
}

if (ONLY === 'supply-chain') {
  try {
    await runSupplyChain();
  } finally {
    stopRunner();
    await h.stopAll();
    h.removeAllTempDirs();
  }
  process.exit(0);
}

const loadAtStart = loadavg()[0];
const scratch = h.makeTempDir('bench');
const rows = [];
const notes = [];
try {
  console.log(`Building a ${LAYERS}-layer image of ${LAYER_MIB} MiB gzip layers...`);
  const a = await h.startRegistry({ memoryStorage: true });
  const b = await h.startRegistry({ memoryStorage: true });
  const layout = join(scratch, 'layout');
  const img = await h.writeImageLayout(layout, { tag: 'v1', layers: LAYERS, layerSize: LAYER_MIB << 20, mediaType: 'oci' });
  await h.pushImage(a, 'bench/src', 'v1', img);
  const src = `docker://${a.host}/bench/src:v1`;

  console.log('cold copy between registries...');
  const cold = await compare(
    {
      regx: () => regx(['copy', '-q', ...insecure, src, `docker://${b.host}/${fresh('cold-regx')}:v1`]),
      skopeo: () => skopeo(['copy', '-q', ...insecure, src, `docker://${b.host}/${fresh('cold-skopeo')}:v1`]),
    },
    { source: a, destination: b },
  );
  rows.push({ name: `cold copy, ${LAYERS} x ${LAYER_MIB} MiB layers, registry -> registry`, ...cold, target: 0.7 });

  console.log('promotion between repositories of one registry...');
  const promo = await compare(
    {
      regx: () => regx(['copy', '-q', ...insecure, src, `docker://${a.host}/${fresh('promo-regx')}:v1`]),
      skopeo: () => skopeo(['copy', '-q', ...insecure, src, `docker://${a.host}/${fresh('promo-skopeo')}:v1`]),
    },
    { registry: a },
  );
  rows.push({ name: 'promotion, two repositories of one registry', ...promo, target: 0.5 });

  // The commands where start-up counts, as functions of how regx is started (see NODE_EXTRA_CA_CERTS below).
  const noopDst = `docker://${b.host}/${fresh('noop')}:v1`;
  const noopRun = (opts) =>
    compare(
      { regx: () => regx(['copy', '-q', ...insecure, src, noopDst], opts), skopeo: () => skopeo(['copy', '-q', ...insecure, src, noopDst]) },
      {},
      SHORT_RUNS,
    );
  const pushRun = (opts) =>
    compare(
      {
        regx: () => regx(['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${b.host}/${fresh('push-regx')}:v1`], opts),
        skopeo: () => skopeo(['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${b.host}/${fresh('push-skopeo')}:v1`]),
      },
      { destination: b },
    );
  const tagRun = (opts) =>
    compare(
      {
        regx: () => regx(['tag', '--tls-verify=false', src, fresh('t-regx')], opts),
        skopeo: () => skopeo(['copy', '-q', ...insecure, src, `docker://${a.host}/bench/src:${fresh('t-skopeo')}`]),
      },
      {},
      SHORT_RUNS,
    );
  const startupScenarios = [
    { name: 'no-op re-copy', target: 1.2, run: noopRun },
    { name: 'OCI folder -> registry push', target: 0.7, run: pushRun },
    { name: 'regx tag vs skopeo copy to a new tag', target: 0.3, run: tagRun },
  ];

  console.log('no-op re-copy...');
  await regx(['copy', '-q', ...insecure, src, noopDst]);
  const noop = await noopRun();
  rows.push({ name: 'no-op re-copy (destination already has it)', ...noop, target: 1.2 });

  console.log('OCI folder -> registry push...');
  const push = await pushRun();
  rows.push({ name: 'OCI folder -> registry push', ...push, target: 0.7 });

  console.log('tag...');
  const tag = await tagRun();
  rows.push({ name: 'regx tag vs skopeo copy to a new tag, same repository', ...tag, target: 0.3 });

  // Node reads and parses every certificate in NODE_EXTRA_CA_CERTS before it runs a line of JavaScript
  // (Go reads its roots on first use). Where this machine sets it, the short commands are also timed
  // with regx started without it, so the cost of the variable and that of regx can be told apart.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const withoutCa = [];
  if (extraCa) {
    console.log('no-op, push and tag again, Node without NODE_EXTRA_CA_CERTS...');
    for (const { name, target, run } of startupScenarios) {
      withoutCa.push({ name: `${name}, regx started without NODE_EXTRA_CA_CERTS`, target, ...(await run({ unset: ['NODE_EXTRA_CA_CERTS'] })) });
    }
  }

  console.log('curl parallel PUT baseline...');
  const files = [img.configDigest, ...img.layers.map((l) => l.digest)].map((d) => join(layout, 'blobs', 'sha256', d.slice(7)));
  const curlTimes = [];
  const curlCpu = [];
  for (let i = 0; i < RUNS; i++) {
    const before = cpuSeconds(b.pid());
    const run = await curlPut(b, fresh('curl'), files);
    curlTimes.push(run.seconds);
    curlCpu.push({ tool: run.cpu, destination: cpuSeconds(b.pid()) - before });
  }
  const curl = median(curlTimes);
  const curlUsed = medianCpu(curlCpu);

  console.log('process start-up...');
  const startNode = [];
  const startRegx = [];
  const startNodeClean = [];
  const startRegxClean = [];
  for (let i = 0; i < RUNS * 2; i++) {
    startNode.push((await timed(process.execPath, ['-e', '0'])).seconds);
    startRegx.push((await regx(['--version'])).seconds);
    if (extraCa) {
      startNodeClean.push((await timed(process.execPath, ['-e', '0'], { unset: ['NODE_EXTRA_CA_CERTS'] })).seconds);
      startRegxClean.push((await regx(['--version'], { unset: ['NODE_EXTRA_CA_CERTS'] })).seconds);
    }
  }

  console.log(`peak RSS with one ${BIG_LAYER_MIB} MiB layer...`);
  const bigLayout = join(scratch, 'big');
  await writeBigLayout(bigLayout, BIG_LAYER_MIB);
  await regx(['copy', '-q', '--dest-tls-verify=false', `oci:${bigLayout}:big`, `docker://${a.host}/bench/big:v1`]);
  rmSync(bigLayout, { recursive: true, force: true });
  const big = await regx(['copy', '-q', ...insecure, `docker://${a.host}/bench/big:v1`, `docker://${b.host}/${fresh('big')}:v1`]);

  const mib = (n) => `${(n / (1 << 20)).toFixed(0)} MB`;
  // Three decimals below 0.5 s: the short commands differ in milliseconds.
  const fmt = (x) => x.toFixed(x < 0.5 ? 3 : 2);
  const table = [
    '| scenario | regx (s) | skopeo (s) | ratio | target | met |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map((r) => {
      const ratio = r.regx / r.skopeo;
      r.ratio = ratio;
      return `| ${r.name} | ${fmt(r.regx)} | ${fmt(r.skopeo)} | ${fmt(ratio)}x | <= ${r.target}x | ${ratio <= r.target ? 'yes' : 'no'} |`;
    }),
  ];
  const ratioRow = (r) =>
    `| ${r.name} | ${fmt(r.regx)} | ${fmt(r.skopeo)} | ${fmt(r.regx / r.skopeo)}x | <= ${r.target}x | ${r.regx / r.skopeo <= r.target ? 'yes' : 'no'} |`;
  const cleanTable = withoutCa.length
    ? [
        `Where NODE_EXTRA_CA_CERTS is set (here: ${extraCa}), Node parses those certificates at start-up: \`node -e 0\` takes ${fmt(median(startNode))} s with it and ${fmt(median(startNodeClean))} s without. The commands where start-up counts, once more with regx started without it (skopeo as it is):`,
        '',
        '| scenario | regx (s) | skopeo (s) | ratio | target | met |',
        '| --- | ---: | ---: | ---: | ---: | :---: |',
        ...withoutCa.map(ratioRow),
        '',
      ]
    : [];
  // CPU seconds per run: on this many cores, no schedule of that work ends sooner than total / cores.
  const cores = cpus().length;
  const cpuRow = (name, used, wall) => {
    const total = Object.values(used).reduce((x, y) => x + y, 0);
    const parts = Object.entries(used)
      .map(([k, v]) => `${k === 'tool' ? 'tool' : k === 'registry' ? 'registry' : `${k} registry`} ${fmt(v)}`)
      .join(', ');
    return `| ${name} | ${parts} | ${fmt(total)} | ${fmt(total / cores)} | ${fmt(wall)} |`;
  };
  const cpuTable = [
    `CPU seconds per run (median), from /proc; the floor is the run's CPU / ${cores} cores, the least time that work can take on this machine:`,
    '',
    '| run | CPU by process (s) | total (s) | floor (s) | took (s) |',
    '| --- | --- | ---: | ---: | ---: |',
    ...[cold, promo, push].flatMap((r, i) => {
      const name = ['cold copy', 'promotion', 'OCI push'][i];
      return [cpuRow(`${name}: regx`, r.cpu.regx, r.regx), cpuRow(`${name}: skopeo`, r.cpu.skopeo, r.skopeo)];
    }),
    cpuRow('curl upload baseline', curlUsed, curl),
    '',
  ];
  const coldTotal = Object.values(cold.cpu.regx).reduce((x, y) => x + y, 0);
  const pushTotal = Object.values(push.cpu.regx).reduce((x, y) => x + y, 0);
  const pushRatio = push.regx / curl;
  const coldRatio = cold.regx / curl;
  const extra = [
    '| measure | value | target | met |',
    '| --- | ---: | ---: | :---: |',
    `| curl: the same ${files.length} blobs POST+PUT, ${JOBS} at a time (s) | ${fmt(curl)} | | |`,
    `| regx OCI folder -> registry push / curl | ${fmt(pushRatio)}x | <= 1.2x | ${pushRatio <= 1.2 ? 'yes' : 'no'} |`,
    `| regx cold registry -> registry copy / curl upload alone | ${fmt(coldRatio)}x | (info) | |`,
    `| start-up: \`node -e 0\` / \`regx --version\` (s) | ${fmt(median(startNode))} / ${fmt(median(startRegx))} | | |`,
    `| peak RSS of regx, cold copy (${LAYERS} x ${LAYER_MIB} MiB) | ${mib(cold.peak)} | <= 150 MB | ${cold.peak <= 150 * (1 << 20) ? 'yes' : 'no'} |`,
    `| peak RSS of regx, one ${BIG_LAYER_MIB} MiB layer registry -> registry (${fmt(big.seconds)} s) | ${mib(big.peak)} | <= 150 MB | ${big.peak <= 150 * (1 << 20) ? 'yes' : 'no'} |`,
  ];
  const skopeoVersion = execFileSync('skopeo', ['--version'], { encoding: 'utf8' }).trim();
  const md = [
    SECTION,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}; ${skopeoVersion}; Distribution ${execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim()}`,
    `- Load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end (other work shares these cores: single runs vary by 2x, read medians and ratios).`,
    `- Loopback registries on RAM-backed storage; median of ${RUNS} runs per tool (${SHORT_RUNS} for no-op and tag), alternating order; fresh destination repositories each run;`,
    `  skopeo's blob-info cache (${SKOPEO_CACHE}) removed before each skopeo run; regx --jobs ${JOBS}, skopeo's default parallelism.`,
    '- Ratio = regx time / skopeo time (lower is better). Timings include process start-up of each tool.',
    '',
    ...table,
    '',
    ...extra,
    '',
    ...cleanTable,
    ...cpuTable,
    'Runs (seconds):',
    '',
    ...[...rows, ...withoutCa].map((r) => `- ${r.name}: regx ${r.regxRuns.map(fmt).join(', ')}; skopeo ${r.skopeoRuns.map(fmt).join(', ')}`),
    `- curl baseline: ${curlTimes.map(fmt).join(', ')}`,
    '',
    'Reading the ratios:',
    `- Copies that move bytes are bounded by CPU here: a cold copy keeps three processes busy (regx and both registries; the destination registry hashes every byte it takes in, without SHA-NI in Distribution 2.8's Go), and regx's cold copy used ${fmt(coldTotal)} CPU seconds in all, so on ${cores} cores it cannot end in less than ${fmt(coldTotal / cores)} s, against the ${fmt(cold.skopeo * 0.7)} s that 0.7x of skopeo would be. The destination registry's share alone (${fmt(cold.cpu.regx.destination)} s) is that of the curl baseline, which PUTs the same blobs with no client logic in ${fmt(curl)} s.`,
    `- Short commands are bounded by process start-up: \`node -e 0\` alone takes ${fmt(median(startNode))} s here${extraCa ? ` (${fmt(median(startNodeClean))} s without NODE_EXTRA_CA_CERTS)` : ''}, against ${fmt(noop.skopeo)} s for skopeo's whole no-op copy and ${fmt(tag.skopeo)} s for its copy to a new tag, so a tag at 0.3x of skopeo would have to take less time than Node needs to start. regx's requests themselves are one round trip per registry (no-op) or one GET + one PUT per tag; its own start-up (\`regx --version\` less \`node -e 0\`) is ${fmt(median(startRegx) - median(startNode))} s.`,
    `- The OCI push has two busy processes: regx (reading, hashing and sending every byte) and the destination registry; their ${fmt(pushTotal)} CPU seconds allow no less than ${fmt(pushTotal / cores)} s on ${cores} cores, against ${fmt(push.skopeo * 0.7)} s for 0.7x of skopeo, so the push sits at the target where the machine lets it, and Node's start-up (above) decides on which side.`,
    '- Promotion inside one registry mounts every blob (no byte moves); skopeo 1.9 with an empty blob-info cache uploads them again.',
    ...notes,
    '',
  ].join('\n');
  console.log(`\n${table.join('\n')}\n\n${extra.join('\n')}\n\n${[...cleanTable, ...cpuTable].join('\n')}`);
  mkdirSync('bench', { recursive: true });
  writeFileSync(RESULTS, mergeSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', SECTION, md));
  await runSupplyChain();
  console.log('written to bench/RESULTS.md');
} finally {
  stopRunner();
  await h.stopAll();
  h.removeAllTempDirs();
}
process.exit(0);
