// skopeo's global flags before the verb (`regx --debug copy ...`): which are taken, what they set,
// and that the others are refused by name instead of being read as a command.
import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { CliCommand, CliIO } from '../../src/cli/io';
import { commands } from '../../src/cli/commands/index';
import { parseGlobalFlags, runCli } from '../../src/cli/main';

function fakeIO(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (b: Buffer) => (chunks.out += b.toString()));
  stderr.on('data', (b: Buffer) => (chunks.err += b.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env: {}, signal: new AbortController().signal };
  return { io, out: () => chunks.out, err: () => chunks.err };
}

describe('global flags before the verb', () => {
  test('--debug, --insecure-policy, --policy, --registries.d and --override-* are read, with = or a separate value, up to the verb', () => {
    assert.deepEqual(
      parseGlobalFlags([
        '--debug',
        '--insecure-policy',
        '--override-arch',
        'arm64',
        '--override-os=linux',
        '--override-variant=v8',
        '--policy',
        'p.json',
        '--registries.d=rd',
        'inspect',
        '--raw',
        'x',
      ]),
      {
        globals: { debug: true, insecurePolicy: true, overrideArch: 'arm64', overrideOs: 'linux', overrideVariant: 'v8', policy: 'p.json', registriesD: 'rd' },
        rest: ['inspect', '--raw', 'x'],
      },
    );
    assert.deepEqual(parseGlobalFlags(['--debug=false', 'copy']).globals, { debug: false });
    // Flags after the verb are the verb's.
    assert.deepEqual(parseGlobalFlags(['inspect', '--debug']), { globals: {}, rest: ['inspect', '--debug'] });
  });

  test("skopeo's global flags regx does not implement are refused by name, as usage errors", async () => {
    for (const flag of ['--tmpdir=/tmp', '--command-timeout=10s', '--user-agent=x', '--tls-verify=false']) {
      const name = flag.split('=')[0] as string;
      assert.throws(() => parseGlobalFlags([flag, 'inspect']), new RegExp(`the global flag ${name} is not supported yet`), flag);
      const { io, err } = fakeIO();
      assert.equal(await runCli([flag, 'inspect', 'docker://x/y'], io), 2);
      assert.match(err(), /^regx: the global flag .* is not supported yet/);
      assert.doesNotMatch(err(), /unknown command/);
    }
    assert.throws(() => parseGlobalFlags(['--frobnicate', 'inspect']), /unknown global flag: --frobnicate/);
    assert.throws(() => parseGlobalFlags(['--override-arch']), /--override-arch needs a value/);
    assert.throws(() => parseGlobalFlags(['--debug=maybe', 'copy']), /takes true or false/);
  });

  test('the verb receives them in io.globals; a verb-level flag still parses after the verb', async () => {
    const seen: CliIO[] = [];
    const probe: CliCommand = { name: 'probe-globals', summary: '', usage: '', run: async (_argv, io) => (seen.push(io), 0) };
    commands.push(probe);
    try {
      const { io } = fakeIO();
      assert.equal(await runCli(['--debug', '--override-arch', 's390x', 'probe-globals', 'a'], io), 0);
      assert.deepEqual(seen[0]?.globals, { debug: true, overrideArch: 's390x' });
      assert.equal(seen[0]?.stdout, io.stdout);
    } finally {
      commands.pop();
    }
  });

  test('copy refuses --platform together with --override-* before any request', async () => {
    const { io, err } = fakeIO();
    assert.equal(
      await runCli(['--override-arch', 'arm64', 'copy', '--platform', 'linux/amd64', 'docker://127.0.0.1:1/a/b:c', 'oci:/nonexistent/never'], io),
      2,
    );
    assert.match(err(), /--platform and --override-os\/--override-arch\/--override-variant cannot be used together/);
  });

  test('inspect refuses --format with --raw or --config, a bad template, and conflicting platform flags, before any request', async () => {
    for (const [args, message] of [
      [['--raw', '--format', '{{.Digest}}'], /--raw cannot be combined with --format/],
      [['--config', '--format', '{{.Digest}}'], /--format applies to the image summary/],
      [['--format', '{{.Nope}}'], /template: can't evaluate field Nope/],
      [['--platform', 'linux/arm64', '--override-os', 'linux'], /--platform and --override-os\/--override-arch\/--override-variant cannot be used together/],
      [['--platform', 'linux'], /invalid platform "linux"/],
    ] as Array<[string[], RegExp]>) {
      const { io, err } = fakeIO();
      // Port 1 on loopback: a request would fail with a connection error, not this message.
      assert.equal(await runCli(['inspect', ...args, 'docker://127.0.0.1:1/a/b:c'], io), 2, args.join(' '));
      assert.match(err(), message);
    }
  });
});
