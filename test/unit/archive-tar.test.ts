// The tar reader and writer behind oci-archive: and docker-archive: (src/core/image/tar.ts): what it
// writes GNU tar reads, what GNU tar and Python write it reads (pax and GNU long names, base-256
// sizes), entries are resolved only inside the archive, and hostile entries are refused by name.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { ArchiveError } from '../../src/core/errors';
import { normaliseEntryPath, TarArchive, TarWriter } from '../../src/core/image/tar';

const base = mkdtempSync(join(tmpdir(), 'regx-tar-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `t${n++}`);

async function collect(s: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

function python(file: string, body: string): void {
  execFileSync('python3', [
    '-c',
    `import tarfile, io\nt = tarfile.open(${JSON.stringify(file)}, 'w', format=tarfile.PAX_FORMAT)\ndef add(name, data=b'', **kw):\n    i = tarfile.TarInfo(name); i.size = len(data)\n    for k, v in kw.items(): setattr(i, k, v)\n    t.addfile(i, io.BytesIO(data))\n${body}\nt.close()`,
  ]);
}

async function refusal(file: string, allowSymlinks: boolean): Promise<string> {
  try {
    const tar = await TarArchive.open(file, { what: 'test archive', allowSymlinks });
    await tar.close();
  } catch (err) {
    assert.ok(err instanceof ArchiveError, `an ArchiveError, not ${String(err)}`);
    assert.equal(err.reason, 'layout-invalid');
    return err.message;
  }
  assert.fail('the archive was accepted');
}

describe('TarWriter', () => {
  test('writes what GNU tar lists and extracts byte for byte, long names included, and renames into place only at finish', async () => {
    const file = fresh();
    const w = await TarWriter.create(file);
    const long = `${'d'.repeat(80)}/${'f'.repeat(90)}`;
    await w.addDir('blobs');
    await w.addFile('blobs/small', Buffer.from('hello'));
    await w.addFile(long, Buffer.from('a long name'));
    const big = Buffer.alloc(700_000, 7);
    // Size and name known only after the data has passed, as for a layer decompressed on the way in.
    await w.addStream(
      async () => Readable.from([big.subarray(0, 1000), big.subarray(1000)]),
      (size) => `late-${size}.tar`,
    );
    assert.deepEqual(readdirSync(base).filter((f) => f.startsWith(`.${file.slice(base.length + 1)}.regx-tmp-`)).length, 1, 'written to a temp file first');
    assert.throws(() => readFileSync(file), /ENOENT/);
    await w.finish();
    const listed = execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
    assert.deepEqual(listed, ['blobs/', 'blobs/small', long, 'late-700000.tar']);
    const out = fresh();
    mkdirSync(out);
    execFileSync('tar', ['-xf', file, '-C', out]);
    assert.deepEqual(readFileSync(join(out, 'late-700000.tar')), big);
    assert.equal(readFileSync(join(out, long), 'utf8'), 'a long name');
    const tar = await TarArchive.open(file, { what: 'x', allowSymlinks: false });
    try {
      assert.deepEqual(await collect(tar.stream(tar.file('late-700000.tar') as never)), big);
      assert.equal((await tar.read(tar.file(long) as never, 100, 'x')).toString(), 'a long name');
    } finally {
      await tar.close();
    }
  });

  test('a stream that fails is cut back out, and the next entry follows as if it had never been', async () => {
    const file = fresh();
    const w = await TarWriter.create(file);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(5000, 1);
      throw new Error('connection lost');
    }
    await assert.rejects(
      w.addStream(
        async () => failing(),
        () => 'broken',
      ),
      /connection lost/,
    );
    await w.addFile('after', Buffer.from('ok'));
    await w.finish();
    assert.deepEqual(execFileSync('tar', ['-tf', file]).toString().trim().split('\n'), ['after']);
  });

  test("a target in a folder that does not exist is refused by name, not with the temp file's", async () => {
    const missing = join(fresh(), 'x.tar');
    await assert.rejects(
      TarWriter.create(missing),
      (err: Error) => err.message === `cannot write ${missing}: the folder ${join(missing, '..')} does not exist`,
    );
  });

  test('abort leaves neither the archive nor the temp file', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const w = await TarWriter.create(join(dir, 'x.tar'));
    await w.addFile('a', Buffer.from('a'));
    await w.abort();
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('TarArchive', () => {
  test('reads GNU long names and pax paths, and a base-256 size field', async () => {
    const src = fresh();
    const long = `${'x'.repeat(120)}/${'y'.repeat(120)}`;
    mkdirSync(join(src, long.split('/')[0] as string), { recursive: true });
    writeFileSync(join(src, long), 'gnu long name');
    const gnu = fresh();
    execFileSync('tar', ['--format=gnu', '-cf', gnu, '-C', src, long]);
    let tar = await TarArchive.open(gnu, { what: 'x', allowSymlinks: false });
    assert.equal((await tar.read(tar.file(long) as never, 100, 'x')).toString(), 'gnu long name');
    await tar.close();

    // Python writes a base-256 size only past 8 GiB; rewrite a small one that way by hand.
    const b256 = fresh();
    python(b256, "add('five', b'12345')");
    const bytes = readFileSync(b256);
    const at = (() => {
      for (let i = 0; i < bytes.length; i += 512) if (bytes.subarray(i, i + 4).toString() === 'five') return i;
      return -1;
    })();
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size[11] = 5;
    size.copy(bytes, at + 124);
    bytes.write('        ', at + 148, 'latin1');
    let sum = 0;
    for (let i = at; i < at + 512; i++) sum += bytes[i] as number;
    bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
    writeFileSync(b256, bytes);
    tar = await TarArchive.open(b256, { what: 'x', allowSymlinks: false });
    assert.equal((await tar.read(tar.file('five') as never, 100, 'x')).toString(), '12345');
    await tar.close();
  });

  test('symlinks resolve inside the archive only, a bounded number of hops', async () => {
    const file = fresh();
    python(
      file,
      "add('data/real.tar', b'layer')\nadd('id/layer.tar', type=tarfile.SYMTYPE, linkname='../data/real.tar')\nadd('again', type=tarfile.SYMTYPE, linkname='id/layer.tar')\nadd('loop1', type=tarfile.SYMTYPE, linkname='loop2')\nadd('loop2', type=tarfile.SYMTYPE, linkname='loop1')\nadd('dangling', type=tarfile.SYMTYPE, linkname='nothing')",
    );
    const tar = await TarArchive.open(file, { what: 'x', allowSymlinks: true });
    try {
      assert.equal((await tar.read(tar.file('./again') as never, 100, 'x')).toString(), 'layer');
      assert.equal(tar.file('dangling'), undefined);
      assert.equal(tar.file('data'), undefined, 'a folder is not a file');
      assert.throws(() => tar.file('loop1'), /chain of more than 16 symlinks/);
    } finally {
      await tar.close();
    }
  });

  const hostile: Array<[string, string, boolean, RegExp]> = [
    ['a ../ name', "add('a/../../x', b'1')", true, /the entry "a\/\.\.\/\.\.\/x" has a "\.\." component/],
    ['an absolute name', "add('/etc/shadow', b'1')", true, /the entry "\/etc\/shadow" is absolute/],
    [
      'a symlink to an absolute path',
      "add('l', type=tarfile.SYMTYPE, linkname='/etc/shadow')",
      true,
      /the symlink "l" points outside the archive \(to "\/etc\/shadow"\)/,
    ],
    ['a symlink up and out', "add('a/l', type=tarfile.SYMTYPE, linkname='../../x')", true, /points outside the archive/],
    ['any symlink where none is allowed', "add('l', type=tarfile.SYMTYPE, linkname='x')", false, /is a symlink, which this format never needs/],
    ['a hard link', "add('h', type=tarfile.LNKTYPE, linkname='x')", true, /the entry "h" is a hard link/],
    ['a FIFO', "add('f', type=tarfile.FIFOTYPE)", true, /the entry "f" is a FIFO/],
    ['a block device', "add('b', type=tarfile.BLKTYPE)", true, /the entry "b" is a device/],
    ['a name given twice', "add('m', b'1')\nadd('./m', b'2')", true, /"\.\/m" appears more than once/],
  ];
  for (const [what, body, allowSymlinks, message] of hostile) {
    test(`refuses ${what}`, async () => {
      const file = fresh();
      python(file, body);
      assert.match(await refusal(file, allowSymlinks), message);
    });
  }

  test('a folder named twice is fine (GNU tar writes that when appending)', async () => {
    const file = fresh();
    python(file, "add('d', type=tarfile.DIRTYPE)\nadd('d/', type=tarfile.DIRTYPE)\nadd('d/f', b'x')");
    const tar = await TarArchive.open(file, { what: 'x', allowSymlinks: false });
    assert.ok(tar.file('d/f'));
    await tar.close();
  });

  test('refuses a truncated entry, a missing end marker, a bad checksum and a pax header with no entry', async () => {
    const file = fresh();
    python(file, "add('a', b'x' * 3000)");
    const whole = readFileSync(file);
    const cut = fresh();
    writeFileSync(cut, whole.subarray(0, 2048));
    assert.match(await refusal(cut, false), /is truncated: an entry at byte \d+ needs 3000 bytes, and the file ends at byte 2048/);
    const noEnd = fresh();
    let end = whole.length;
    while (whole.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
    writeFileSync(noEnd, whole.subarray(0, end));
    assert.match(await refusal(noEnd, false), /without the end-of-archive marker/);
    const bad = Buffer.from(whole);
    bad[0] = (bad[0] as number) ^ 1;
    const corrupt = fresh();
    writeFileSync(corrupt, bad);
    assert.match(await refusal(corrupt, false), /bad tar header checksum at byte 0/);
    const empty = fresh();
    writeFileSync(empty, '');
    assert.match(await refusal(empty, false), /ends at byte 0 without the end-of-archive marker/);
  });

  test('refuses a path that is not a regular file', async () => {
    const dir = fresh();
    mkdirSync(dir);
    assert.match(await refusal(dir, false), /is not a regular file/);
  });

  test('reads a gzip-compressed tar through a private copy it removes on close; refuses a broken one, and xz', async () => {
    const plain = fresh();
    python(plain, "add('a/b', b'inside')");
    const gz = fresh();
    writeFileSync(gz, execFileSync('gzip', ['-c', plain]));
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('regx-archive-')).length;
    const tar = await TarArchive.open(gz, { what: 'x', allowSymlinks: false });
    assert.equal((await tar.read(tar.file('a/b') as never, 100, 'x')).toString(), 'inside');
    await tar.close();
    assert.equal(readdirSync(tmpdir()).filter((f) => f.startsWith('regx-archive-')).length, before, 'the decompressed copy is gone');
    const cut = fresh();
    writeFileSync(cut, readFileSync(gz).subarray(0, 40));
    assert.match(await refusal(cut, false), /is compressed, and its compressed stream is corrupt or truncated/);
    const xz = fresh();
    writeFileSync(xz, execFileSync('xz', ['-c', plain]));
    await assert.rejects(TarArchive.open(xz, { what: 'x', allowSymlinks: false }), /is xz-compressed; decompress it first \(xz -d\)/);
  });
});

describe('normaliseEntryPath', () => {
  test('strips ./ and empty components; refuses .., absolute names and NUL', () => {
    assert.deepEqual(normaliseEntryPath('./blobs//sha256/./x'), { path: 'blobs/sha256/x' });
    assert.deepEqual(normaliseEntryPath('dir/'), { path: 'dir' });
    assert.deepEqual(normaliseEntryPath('./'), { path: '' });
    assert.equal(normaliseEntryPath('a/../b').problem, 'has a ".." component');
    assert.equal(normaliseEntryPath('/a').problem, 'is absolute');
    assert.equal(normaliseEntryPath('a\0b').problem, 'contains a NUL byte');
  });
});
