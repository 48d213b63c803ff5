// The test harness in one import. Typical integration test file:
//
//   import { after, test } from 'node:test';
//   import { requireTools, startRegistry, stopAll, removeAllTempDirs, makeTempDir, writeImageLayout, pushWithSkopeo, runRegx } from '../harness';
//   after(async () => { await stopAll(); removeAllTempDirs(); });
//   test('...', async (t) => {
//     if (!requireTools(t, ['docker-registry', 'skopeo', 'openssl'])) return;   // skips locally, fails in CI
//     const reg = await startRegistry({ tls: true, htpasswd: { username: 'u', password: 'p' } });
//     const layout = makeTempDir('layout');
//     const img = await writeImageLayout(layout, { tag: 'v1', layers: 2, layerSize: 1 << 20 });
//     await pushWithSkopeo(layout, 'v1', reg, 'team/app:v1');
//     const r = await runRegx(['inspect', `docker://${reg.host}/team/app:v1`, `--cert-dir=${reg.certDir}`]);
//   });
export * from './certs';
export * from './images';
export * from './registry';
export * from './registry-http';
export * from './schema1';
export * from './seed';
export * from './shapes';
export * from './temp';
export * from './token-issuer';
export * from './tools';
export * from './referrers-front';
export * from './gpg';
