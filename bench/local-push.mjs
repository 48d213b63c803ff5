// `npm run bench` (last part): pushing a 256 MiB image from podman's store (containers-storage:, a
// private vfs root) to a loopback Distribution registry, regx against `skopeo copy` of the same
// image, median of RUNS runs each, alternating, fresh destination repositories, skopeo's blob-info
// cache removed before its runs. regx's time includes starting and stopping its private podman
// service and the engine's export; skopeo opens the store itself. Results: their own section of
// bench/RESULTS.md.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mergeSection } from '../scripts/bench-common.mjs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const LAYERS = 4;
const LAYER_MIB = 64;
const RESULTS = join('bench', 'RESULTS.md');
const SECTION = '## Local images: pushing from containers-storage (`npm run bench`)';
const SKOPEO_CACHES = ['/var/lib/containers/cache', join(homedir(), '.local', 'share', 'containers', 'cache')];

if (!existsSync('dist/regx.js')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const require = createRequire(import.meta.url);
const h = require('../out/test/harness/index.js');
for (const tool of ['docker-registry', 'skopeo', 'podman']) {
  if (!h.hasTool(tool)) {
    console.error(`the local-image bench needs ${tool}: apt-get install -y docker-registry skopeo podman`);
    process.exit(1);
  }
}

/** Runs a command to its end; resolves with the seconds it took, rejects on a non-zero exit. */
function timed(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve((performance.now() - start) / 1000) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err.trim()}`)),
    );
  });
}

/** A layer tar of one file, half random and half zeros per 64 KiB (compresses about 2:1, as real layers do). */
async function writeLayer(dir, i) {
  const tmp = join(dir, `layer-${i}.gz`);
  const size = LAYER_MIB * 1024 * 1024;
  const header = Buffer.alloc(512);
  header.write(`file-${i}.bin`, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('14715530600\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const diff = createHash('sha256');
  async function* tar() {
    const parts = [header];
    for (let off = 0; off < size; off += 65536) parts.push(Buffer.concat([randomBytes(32768), Buffer.alloc(32768)]));
    parts.push(Buffer.alloc(1024));
    for (const p of parts) {
      diff.update(p);
      yield p;
    }
  }
  const gz = createHash('sha256');
  let gzSize = 0;
  const out = createWriteStream(tmp);
  await pipeline(
    tar,
    createGzip({ level: 1 }),
    async function* (src) {
      for await (const c of src) {
        gz.update(c);
        gzSize += c.length;
        yield c;
      }
    },
    out,
  );
  const digest = `sha256:${gz.digest('hex')}`;
  renameSync(tmp, join(dir, 'blobs', 'sha256', digest.slice(7)));
  return { digest, size: gzSize, diffId: `sha256:${diff.digest('hex')}` };
}

function writeBlob(dir, bytes) {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

const scratch = process.env.BENCH_SETUP_ONLY || h.makeTempDir('bench-local');
const loadAtStart = loadavg()[0];
try {
  const layout = join(scratch, 'layout');
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layers = [];
  for (let i = 0; i < LAYERS; i++) layers.push(await writeLayer(layout, i));
  const config = writeBlob(
    layout,
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } })),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
    }),
  );
  const m = writeBlob(layout, manifest);
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'big' } }],
    }),
  );
  const root = join(scratch, 'store', 'root');
  const runroot = join(scratch, 'store', 'run');
  const spec = `[vfs@${root}+${runroot}]`;
  const image = 'localhost/bench/big:v1';
  // skopeo puts the image into podman's store (the same store podman and regx then use).
  execFileSync('skopeo', ['copy', '--quiet', `oci:${layout}:big`, `containers-storage:${spec}${image}`], { stdio: 'inherit' });
  if (process.env.BENCH_SETUP_ONLY) process.exit(0);
  const reg = await h.startRegistry();
  // No engine socket of the machine's: regx starts its own podman service every run.
  const env = { XDG_RUNTIME_DIR: h.makeTempDir('bench-xdg'), CONTAINER_HOST: '', DOCKER_HOST: '' };
  const regxRuns = [];
  const skopeoRuns = [];
  let serial = 0;
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ['regx', 'skopeo'] : ['skopeo', 'regx'];
    for (const who of order) {
      const dest = `docker://${reg.host}/${who}-${process.pid}-${++serial}:v1`;
      if (who === 'regx')
        regxRuns.push(
          await timed(process.execPath, [h.regxBundle, 'copy', '--quiet', '--dest-tls-verify=false', `containers-storage:${spec}${image}`, dest], env),
        );
      else {
        for (const dir of SKOPEO_CACHES) rmSync(dir, { recursive: true, force: true });
        skopeoRuns.push(await timed('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `containers-storage:${spec}${image}`, dest]));
      }
    }
  }
  await h.stopAll();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r = median(regxRuns);
  const s = median(skopeoRuns);
  const ratio = r / s;
  const skopeoVersion = execFileSync('skopeo', ['--version']).toString().trim();
  const podmanVersion = execFileSync('podman', ['--version']).toString().trim();
  const f = (x) => x.toFixed(2);
  const md = [
    SECTION,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}; ${skopeoVersion}; ${podmanVersion} (rootful, vfs, a private store root)`,
    `- Load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end (other work shares these cores).`,
    `- Image: ${LAYERS} layers of ${LAYER_MIB} MiB (${LAYERS * LAYER_MIB} MiB uncompressed, about half of it compressible), OCI, in podman's store; pushed to a loopback Distribution registry (disk storage), a fresh repository each run; median of ${RUNS} runs each, alternating; skopeo's blob-info cache removed before each skopeo run.`,
    "- regx reaches the store through podman's API: each run starts `podman system service` on a private socket with the same store, exports the image, pushes it, and stops the service. skopeo opens the store itself.",
    '',
    '| scenario | regx (s) | skopeo (s) | ratio | target | met |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    `| push a 256 MiB image from containers-storage to a registry | ${f(r)} | ${f(s)} | ${ratio.toFixed(2)}x | <= 1.0x | ${ratio <= 1 ? 'yes' : 'no'} |`,
    '',
    `Runs (s): regx ${regxRuns.map(f).join(', ')}; skopeo ${skopeoRuns.map(f).join(', ')}.`,
    '',
    'Where the time goes (measured by hand on this image, same machine, 2026-12-03, load 9 to 13; CPU times are less',
    'load-bound than wall times, and on these shared cores the wall time follows them):',
    '- podman answers an export (`GET /libpod/images/{name}/get`, every format) only after writing the whole archive to',
    '  its own temp file: 2.0 to 4.5 s wall, 2.1 s of podman CPU for the uncompressed docker-archive. Its compressed',
    '  formats cost about 3 s of CPU but 8 to 13 s wall (oci-dir, docker-dir with compress), so regx asks for',
    '  docker-archive and compresses itself. Starting the private podman service costs 0.2 to 1 s.',
    '- regx then spools the stream (1.2 s for 256 MiB through the socket), verifies every layer against its diff_id',
    "  (sha256 of 256 MiB), gzips the four layers at once on the thread pool (Node's zlib: 2.6 to 3.1 s CPU for 256 MiB",
    '  at any level from 1 to 6 on this data), names each compressed layer (sha256 of 128 MiB) in a temp file and',
    "  uploads it (verified again on the way). In all about 9.5 to 10 s of CPU, podman's export included.",
    "- skopeo reads the store itself and compresses with Go's parallel gzip while it uploads: 2.9 s of CPU in all.",
    "So the target is out of reach through podman 4.3's API with Node's zlib: Node's gzip alone costs about",
    "as much CPU as skopeo's whole push. Streaming the export into the upload would save the spool's disk round trip",
    '(about 1 s), not that CPU, and the archive names its layers only in manifest.json, written last. The way through',
    "the API to skopeo's time is to have podman push (`POST /libpod/images/{name}/push`, the same code as skopeo),",
    'which hands the engine the registry credentials and TLS settings: not done.',
    '',
  ].join('\n');
  writeFileSync(RESULTS, mergeSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', SECTION, md));
  console.log(md);
} finally {
  await h.stopAll();
  h.removeAllTempDirs();
}
