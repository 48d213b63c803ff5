// The README's sync examples are what they claim: the skopeo sync YAML reads as skopeo's format,
// the Kubernetes Indexed Job and the Tekton Task parse as YAML with the fields their API versions
// require, and they use regx's own flags, shard syntax and exit statuses.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { EXIT } from '../../src/cli/exit-codes';
import { syncCommand } from '../../src/cli/commands/sync';
import { parseSkopeoSyncYaml } from '../../src/core/sync/skopeo-yaml';
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
    blocks.push((m[2] as string).split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n'));
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
  assert.equal(positional.length, 2, `two positional arguments: ${positional.join(' ')}`);
}

test('the README shows a skopeo sync YAML file regx reads, a Kubernetes Indexed Job and a Tekton Task', () => {
  const docs = yamlBlocks(syncSection()).map((b) => parse(b) as Obj);
  assert.equal(docs.length, 3);
  const [skopeo, job, task] = docs as [Obj, Obj, Obj];

  const specs = parseSkopeoSyncYaml(yamlBlocks(syncSection())[0] as string);
  assert.deepEqual(specs.map((s) => s.select.kind), ['all', 'list', 'regex', 'semver']);
  assert.ok(skopeo['registry.example.com']);

  assert.equal(job.apiVersion, 'batch/v1');
  assert.equal(job.kind, 'Job');
  const spec = obj(job.spec, 'Job spec');
  assert.equal(spec.completionMode, 'Indexed');
  assert.equal(spec.parallelism, spec.completions);
  const pod = obj(obj(spec.template, 'template').spec, 'pod spec');
  assert.equal(pod.restartPolicy, 'Never', 'podFailurePolicy needs restartPolicy Never');
  const containers = pod.containers as Obj[];
  assert.equal(containers.length, 1);
  const container = containers[0] as Obj;
  const args = container.args as string[];
  checkSyncArgs(args);
  assert.equal(args[args.indexOf('--shard') + 1], `$(JOB_COMPLETION_INDEX)/${spec.completions}`, 'one shard per completion index');
  const rules = obj(spec.podFailurePolicy, 'podFailurePolicy').rules as Obj[];
  const failJob = rules.find((r) => r.action === 'FailJob') as Obj;
  const onExit = obj(failJob.onExitCodes, 'onExitCodes');
  assert.equal(onExit.containerName, container.name);
  assert.equal(onExit.operator, 'In');
  assert.deepEqual(onExit.values, [EXIT.failed, EXIT.usage, EXIT.partial, EXIT.auth], 'permanent failures fail the Job; 75 (retryable) is retried');
  for (const r of rules) assert.ok(['FailJob', 'Ignore', 'Count', 'FailIndex'].includes(r.action as string));
  const mounts = (container.volumeMounts as Obj[]).map((m) => m.name);
  assert.deepEqual((pod.volumes as Obj[]).map((v) => v.name).sort(), [...mounts].sort(), 'every mount has its volume');

  assert.equal(task.apiVersion, 'tekton.dev/v1');
  assert.equal(task.kind, 'Task');
  const tspec = obj(task.spec, 'Task spec');
  const results = (tspec.results as Obj[]).map((r) => r.name);
  const params = (tspec.params as Obj[]).map((p) => p.name);
  const workspaces = (tspec.workspaces as Obj[]).map((w) => w.name);
  const step = (tspec.steps as Obj[])[0] as Obj;
  const targs = step.args as string[];
  checkSyncArgs(targs);
  // Every $(results.X.path), $(params.X), $(workspaces.X.path) the step uses is declared.
  for (const a of targs) {
    for (const m of a.matchAll(/\$\((results|params|workspaces)\.([\w-]+)/g)) {
      const declared = m[1] === 'results' ? results : m[1] === 'params' ? params : workspaces;
      assert.ok(declared.includes(m[2] as string), `${m[0]} is declared`);
    }
  }
  assert.ok(targs.includes('--summary-file') && targs[targs.indexOf('--summary-file') + 1] === '$(results.summary.path)');
});
