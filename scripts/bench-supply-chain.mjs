// The supply-chain part of `npm run bench` (alone: `npm run bench:supply-chain`, or `node scripts/bench.mjs
// supply-chain`): what carrying an image's referrers and signatures costs a copy. Two images of the same
// shape in one source repository, one with nothing referring to it, the other with 3 referrers (an SPDX
// SBOM, in-toto provenance, a vulnerability report: OCI 1.1 artifacts listed in the referrers tag
// schema's index) and 2 signatures (a cosign `.sig` tag and a Notation signature artifact). Each is
// copied by regx to a fresh destination repository, alternating, on loopback Distribution 2.8 registries
// (no referrers API: the tag schema and cosign tags, the common case) and again behind a simulated WAN
// (bench/wan-proxy.mjs: 40 ms round trip, 400 Mbit/s), where each extra round trip shows.
// Target: the signed image costs at most 1.3x the plain one (referrers are found, fetched and pushed
// while the image's blobs move).
import { cpus, loadavg, totalmem } from 'node:os';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { startWanProxy } from '../bench/wan-proxy.mjs';

export const SUPPLY_CHAIN_SECTION = '## Copying an image with its referrers and signatures (`npm run bench`)';
const LAYERS = 8;
const LAYER_MIB = 4;
const TARGET = 1.3;
const RTT_MS = 40;
const MBIT = 400;

const READING =
  "- What remains after the image's blobs are moved: the subject by digest, the 5 referrer manifests at once, the referrers index (re-read, then written) and the tag, a handful of round trips; discovery at the source, the destination's checks and the referrers' blobs overlap the image's blobs. Before this overlap (referrers pushed one by one after the destination was asked) the WAN row measured 1.56x, loopback within noise.";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => x.toFixed(x < 0.5 ? 3 : 2);

/** The 3 referrers and 2 signatures of `image` (a harness BuiltImage) pushed to `reg`/`repo`. */
export async function attachSupplyChain(h, reg, repo, image) {
  const subject = { bytes: image.manifest, digest: image.manifestDigest, mediaType: image.manifestMediaType };
  const doc = (o) => Buffer.from(JSON.stringify(o));
  const referrers = [
    h.attachedArtifact(
      subject,
      'application/spdx+json',
      'application/spdx+json',
      doc({
        spdxVersion: 'SPDX-2.3',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: repo,
        packages: Array.from({ length: 200 }, (_, i) => ({ name: `pkg-${i}`, versionInfo: `1.${i}.0` })),
      }),
    ),
    h.attachedArtifact(
      subject,
      'application/vnd.in-toto+json',
      'application/vnd.in-toto+json',
      doc({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: repo, digest: { sha256: image.manifestDigest.slice(7) } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: { buildDefinition: { buildType: 'https://example.test/build' }, runDetails: { builder: { id: 'https://example.test/builder' } } },
      }),
    ),
    h.attachedArtifact(
      subject,
      'application/vnd.example.vulnerability-report+json',
      'application/json',
      doc({ scanner: 'example', findings: [], nonce: randomBytes(16).toString('hex') }),
    ),
  ];
  const notary = h.orasReferrer(subject);
  const listed = [...referrers, notary];
  for (const r of listed) await h.pushShape(reg, repo, r.top.digest, r);
  await h.pushShape(reg, repo, h.referrersTag(subject.digest), { ...h.referrersIndex(listed), children: [] });
  await h.pushShape(reg, repo, h.cosignSignatureTag(subject.digest), h.cosignSignature(reg.host, repo, subject.digest));
}

/**
 * Runs the benchmark; `regx(args)` times one regx command (scripts/bench-common.mjs's runner). Returns
 * the section for bench/RESULTS.md and the rows (for the console).
 */
export async function supplyChainBench(h, regx, runs) {
  const loadAtStart = loadavg()[0];
  const a = await h.startRegistry({ memoryStorage: true });
  const b = await h.startRegistry({ memoryStorage: true });
  const proxies = [];
  try {
    const [plain, signed] = await Promise.all([0, 1].map(() => h.buildImage({ layers: LAYERS, layerSize: LAYER_MIB << 20, mediaType: 'oci' })));
    await h.pushImage(a, 'bench/supply', 'plain', plain);
    await h.pushImage(a, 'bench/supply', 'signed', signed);
    await attachSupplyChain(h, a, 'bench/supply', signed);
    const wa = await startWanProxy(a.host, { rttMs: RTT_MS, mbit: MBIT });
    const wb = await startWanProxy(b.host, { rttMs: RTT_MS, mbit: MBIT });
    proxies.push(wa, wb);

    const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];
    let serial = 0;
    const rows = [];
    for (const link of [
      { name: 'loopback', src: a.host, dst: b.host },
      { name: `WAN (${RTT_MS} ms, ${MBIT} Mbit/s)`, src: wa.host, dst: wb.host },
    ]) {
      console.log(`supply chain: copies over ${link.name}...`);
      const times = { plain: [], signed: [] };
      let carried = '';
      for (let i = 0; i < runs; i++) {
        for (const which of i % 2 === 0 ? ['plain', 'signed'] : ['signed', 'plain']) {
          const res = await regx([
            'copy',
            ...insecure,
            `docker://${link.src}/bench/supply:${which}`,
            `docker://${link.dst}/bench/${which}-${process.pid}-${++serial}:v1`,
          ]);
          times[which].push(res.seconds);
          if (which === 'signed') carried = /(\d+) referrers? carried \(([^)]*)\)/.exec(res.out ?? '')?.[0] ?? carried;
        }
      }
      rows.push({ name: link.name, plain: median(times.plain), signed: median(times.signed), times, carried });
    }
    // The loopback row is the target; over the WAN each request that waits for another shows.
    const table = [
      '| link | image alone (s) | with 3 referrers + 2 signatures (s) | ratio | target | met |',
      '| --- | ---: | ---: | ---: | ---: | :---: |',
      ...rows.map((r, i) => {
        const ratio = r.signed / r.plain;
        return `| ${r.name} | ${fmt(r.plain)} | ${fmt(r.signed)} | ${ratio.toFixed(2)}x | ${i === 0 ? `<= ${TARGET}x` : '(info)'} | ${i === 0 ? (ratio <= TARGET ? 'yes' : 'no') : ''} |`;
      }),
    ];
    const md = [
      SUPPLY_CHAIN_SECTION,
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}; load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end.`,
      `- Two OCI images of ${LAYERS} x ${LAYER_MIB} MiB layers in one repository of a Distribution 2.8 registry (RAM storage, no referrers API); one has 3 referrers (SPDX SBOM, in-toto provenance, a vulnerability report, listed in the referrers tag schema's \`sha256-<hex>\` index) and 2 signatures (a cosign \`.sig\` tag, a Notation signature artifact).`,
      `- \`regx copy\` of each to a fresh repository of a second registry, alternating, median of ${runs}; the signed image's referrers and signatures travel with it (${rows[0]?.carried || 'see the runs'}). Over the WAN both registries sit behind bench/wan-proxy.mjs.`,
      `${READING}`,
      '',
      ...table,
      '',
      'Runs (seconds):',
      '',
      ...rows.map((r) => `- ${r.name}: alone ${r.times.plain.map(fmt).join(', ')}; with referrers and signatures ${r.times.signed.map(fmt).join(', ')}`),
      '',
    ].join('\n');
    return { md, table };
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
  }
}
