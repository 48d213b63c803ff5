// The README's sync examples are what they claim: the skopeo sync YAML reads as skopeo's format, the
// native config passes both its JSON schema and regx's reader, the Kubernetes Job and CronJob and the
// Argo Workflow validate against the schemas of the API versions they name (kubernetes-models and
// @kubernetes-models/argo-workflows, which ship them; Tekton has no such package, so its Task is
// checked by structure), every command line uses flags `regx sync` has, and the Containerfile builds
// the CLI bundle and runs it as a user other than root.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { EXIT } from '../../src/cli/exit-codes';
import { syncCommand } from '../../src/cli/commands/sync';
import { parseSkopeoSyncYaml } from '../../src/core/sync/skopeo-yaml';
import { parseSyncConfig } from '../../src/core/sync/config';
import Ajv from 'ajv';
import { repoRoot } from '../harness/tools';

function syncSection(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('### Bulk sync: `regx sync`');
  assert.ok(start >= 0, 'the README has the sync section');
  return readme.slice(start, readme.indexOf('\n## ', start));
}

/** Every ```yaml block of the section, indentation (a list item's) removed. */
function yamlBlocks(text: string): string[] {
  const blocks: string[] = [];
  const re = /^( *)```yaml\n([\s\S]*?)^\1```$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const indent = (m[1] as string).length;
    blocks.push(
      (m[2] as string)
        .split('\n')
        .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
        .join('\n'),
    );
  }
  return blocks;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown, what: string): Obj => {
  assert.ok(v && typeof v === 'object' && !Array.isArray(v), `${what} is a mapping`);
  return v as Obj;
};

/** The args must be ones `regx sync` accepts: each --flag known, values where the flag takes one. */
function checkSyncArgs(args: string[]): void {
  assert.equal(args[0], 'sync');
  const flags = new Map((syncCommand.flags ?? []).map((f) => [f.name, f]));
  const positional: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const spec = flags.get(a.slice(2).split('=')[0] as string);
    assert.ok(spec, `regx sync takes ${a}`);
    if (spec.kind !== 'boolean' && !a.includes('=')) i++;
  }
  assert.equal(positional.length, args.includes('--config') ? 0 : 2, `positional arguments: ${positional.join(' ')}`);
}

/** The model class for a manifest's apiVersion and kind, from the package that ships its schema. */
async function modelFor(apiVersion: string, kind: string): Promise<{ new (data: unknown): { validate(): void } } | undefined> {
  const packages: Record<string, string> = {
    'batch/v1': 'kubernetes-models/batch/v1',
    'argoproj.io/v1alpha1': '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1',
  };
  const name = packages[apiVersion];
  if (!name) return undefined;
  // ES modules: loaded with a real import() (the tests are CommonJS).
  const mod = (await import(name)) as Record<string, { new (data: unknown): { validate(): void } }>;
  const model = mod[kind];
  assert.ok(model, `${name} has ${kind}`);
  return model;
}

/** Every container (or Tekton step) in a manifest, wherever its kind keeps them. */
function containersOf(doc: Obj): Obj[] {
  const spec = obj(doc.spec, `${String(doc.kind)} spec`);
  switch (doc.kind) {
    case 'Job':
      return obj(obj(spec.template, 'template').spec, 'pod spec').containers as Obj[];
    case 'CronJob':
      return obj(obj(obj(obj(spec.jobTemplate, 'jobTemplate').spec, 'job spec').template, 'template').spec, 'pod spec').containers as Obj[];
    case 'Workflow':
      return (spec.templates as Obj[]).filter((t) => t.container).map((t) => obj(t.container, 'container'));
    case 'Task':
      return spec.steps as Obj[];
    default:
      assert.fail(`unexpected kind ${String(doc.kind)}`);
  }
}

test('every YAML example of the sync section parses; the Kubernetes and Argo ones validate against their API version schemas; command lines use flags regx sync has', async () => {
  const blocks = yamlBlocks(syncSection());
  const docs = blocks.map((b) => parse(b) as Obj);
  const kinds = docs.map((d) => (d.apiVersion ? `${String(d.apiVersion)} ${String(d.kind)}` : d.version === 1 ? 'native' : 'skopeo'));
  assert.deepEqual(kinds, ['skopeo', 'native', 'batch/v1 Job', 'tekton.dev/v1 Task', 'batch/v1 CronJob', 'argoproj.io/v1alpha1 Workflow']);

  const specs = parseSkopeoSyncYaml(blocks[0] as string);
  assert.deepEqual(
    specs.map((s) => s.select.kind),
    ['all', 'list', 'regex', 'semver'],
  );

  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'regx-sync.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strictRequired: false }).compile(schema);
  assert.equal(validate(docs[1]), true, JSON.stringify(validate.errors));
  const native = parseSyncConfig(blocks[1] as string, 'promote.regx-sync.yaml');
  assert.equal(native.targets.length, 2);
  assert.equal(native.targets[0]?.spec.prune, true);

  let validated = 0;
  for (const doc of docs.slice(2)) {
    const model = await modelFor(doc.apiVersion as string, doc.kind as string);
    if (model) {
      assert.doesNotThrow(() => new model(doc).validate(), `${String(doc.kind)} matches the ${String(doc.apiVersion)} schema`);
      validated++;
    }
    for (const c of containersOf(doc)) checkSyncArgs(c.args as string[]);
  }
  assert.equal(validated, 3, 'Job, CronJob and Workflow checked against their schemas');

  // The schema check has teeth: a field of the wrong type is refused.
  const JobModel = await modelFor('batch/v1', 'Job');
  const broken = structuredClone(docs[2] as Obj);
  (obj(broken.spec, 'spec') as Obj).completions = 'four';
  assert.throws(() => new (JobModel as NonNullable<typeof JobModel>)(broken).validate(), /completions/);

  // Console examples too.
  for (const m of syncSection().matchAll(/^\$ regx (sync .*?)(?:\s+#.*)?$/gm)) checkSyncArgs((m[1] as string).trim().split(/\s+/));
});

test('the Indexed Job shards by completion index and fails only on permanent exit statuses; the CronJob and Argo step use the config and retry only 75', () => {
  const docs = yamlBlocks(syncSection()).map((b) => parse(b) as Obj);
  const [, , job, task, cron, workflow] = docs as [Obj, Obj, Obj, Obj, Obj, Obj];

  const spec = obj(job.spec, 'Job spec');
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.parallelism, spec.completions);
  const pod = obj(obj(spec.template, 'template').spec, 'pod spec');
  assert.equal(pod.restartPolicy, 'Never', 'podFailurePolicy needs restartPolicy Never');
  const container = (pod.containers as Obj[])[0] as Obj;
  const args = container.args as string[];
  assert.equal(args[args.indexOf('--shard') + 1], `$(JOB_COMPLETION_INDEX)/${spec.completions}`, 'one shard per completion index');
  const permanent = [EXIT.failed, EXIT.usage, EXIT.partial, EXIT.auth];
  const failOn = (s: Obj, name: unknown): void => {
    const rules = obj(s.podFailurePolicy, 'podFailurePolicy').rules as Obj[];
    const onExit = obj((rules.find((r) => r.action === 'FailJob') as Obj).onExitCodes, 'onExitCodes');
    assert.equal(onExit.containerName, name);
    assert.equal(onExit.operator, 'In');
    assert.deepEqual(onExit.values, permanent, 'permanent failures fail the Job; 75 (retryable) is retried');
  };
  failOn(spec, container.name);
  const mounts = (c: Obj, p: Obj): void =>
    assert.deepEqual((p.volumes as Obj[]).map((v) => v.name).sort(), (c.volumeMounts as Obj[]).map((m) => m.name).sort(), 'every mount has its volume');
  mounts(container, pod);

  const tspec = obj(task.spec, 'Task spec');
  const declared = {
    results: (tspec.results as Obj[]).map((r) => r.name),
    params: (tspec.params as Obj[]).map((p) => p.name),
    workspaces: (tspec.workspaces as Obj[]).map((w) => w.name),
  };
  const targs = ((tspec.steps as Obj[])[0] as Obj).args as string[];
  for (const a of targs)
    for (const m of a.matchAll(/\$\((results|params|workspaces)\.([\w-]+)/g))
      assert.ok(declared[m[1] as keyof typeof declared].includes(m[2] as string), `${m[0]} is declared`);
  assert.equal(targs[targs.indexOf('--summary-file') + 1], '$(results.summary.path)');

  // The CronJob: the native config from a ConfigMap, the token the README's config names from a Secret.
  const jobSpec = obj(obj(obj(cron.spec, 'CronJob spec').jobTemplate, 'jobTemplate').spec, 'job spec');
  const cpod = obj(obj(jobSpec.template, 'template').spec, 'pod spec');
  const cc = (cpod.containers as Obj[])[0] as Obj;
  failOn(jobSpec, cc.name);
  mounts(cc, cpod);
  assert.equal(obj(cron.spec, 'CronJob spec').concurrencyPolicy, 'Forbid');
  const cargs = cc.args as string[];
  const configPath = cargs[cargs.indexOf('--config') + 1] as string;
  assert.ok(
    (cc.volumeMounts as Obj[]).some((m) => configPath.startsWith(`${String(m.mountPath)}/`)),
    'the config is on a mounted volume',
  );
  const native = parseSyncConfig(yamlBlocks(syncSection())[1] as string, 'promote.regx-sync.yaml');
  const envNames = (cc.env as Obj[]).map((e) => e.name);
  for (const [host, r] of native.registries) {
    if (r.credentials?.passwordFromEnv) assert.ok(envNames.includes(r.credentials.passwordFromEnv), `${host}'s password variable is set from a Secret`);
    if (r.authFile)
      assert.ok(
        (cc.volumeMounts as Obj[]).some((m) => (r.authFile as string).startsWith(`${String(m.mountPath)}/`)),
        `${host}'s authFile is mounted`,
      );
  }

  // The Argo step: retried only on 75, its summary an output parameter.
  const tmpl = (obj(workflow.spec, 'Workflow spec').templates as Obj[])[0] as Obj;
  assert.equal(obj(tmpl.retryStrategy, 'retryStrategy').expression, `asInt(lastRetry.exitCode) == ${EXIT.retryable}`);
  const wargs = obj(tmpl.container, 'container').args as string[];
  const summaryPath = wargs[wargs.indexOf('--summary-file') + 1];
  assert.equal(obj((obj(tmpl.outputs, 'outputs').parameters as Obj[])[0]?.valueFrom, 'valueFrom').path, summaryPath);
});

test('the Containerfile builds the CLI bundle with npm ci on a slim Node base and runs it as a user other than root', () => {
  const m = /```dockerfile\n([\s\S]*?)```/.exec(syncSection());
  assert.ok(m, 'the section has a Containerfile');
  const lines = (m[1] as string)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const froms = lines.filter((l) => l.startsWith('FROM '));
  assert.ok(froms.length >= 1 && froms.every((l) => /node:20-slim/.test(l)), 'a node:20-slim base');
  assert.ok(lines.some((l) => /^RUN npm ci\b/.test(l)));
  assert.ok(
    lines.some((l) => l === 'RUN node scripts/build.mjs'),
    'the bundle is built as in this repository',
  );
  const users = lines.filter((l) => l.startsWith('USER '));
  assert.ok(users.length > 0 && !/^USER (root|0)(:|$)/.test(users.at(-1) as string), 'the last USER is not root');
  const entry = JSON.parse((lines.find((l) => l.startsWith('ENTRYPOINT ')) as string).slice('ENTRYPOINT '.length)) as string[];
  assert.equal(entry[0], 'node');
  const copied = /COPY --from=build \/src\/dist\/ (\S+)/.exec(lines.join('\n'));
  assert.ok(copied, 'the whole dist/ folder is copied (regx.js loads undici.js and yaml.js beside it)');
  assert.equal(entry[1], `${(copied[1] as string).replace(/\/$/, '')}/regx.js`);
  for (const f of ['regx.js', 'regx-main.js', 'undici.js', 'yaml.js'])
    assert.ok(existsSync(join(repoRoot, 'dist', f)) || !existsSync(join(repoRoot, 'dist')), `the build makes dist/${f}`);
  assert.ok(existsSync(join(repoRoot, 'scripts', 'build.mjs')));
});
