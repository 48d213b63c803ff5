// `regx generate-sigstore-key --output-prefix PREFIX`: a new ECDSA P-256 key pair in cosign's format,
// PREFIX.private (encrypted, 0600) and PREFIX.pub, as skopeo generate-sigstore-key writes them.
import { UsageError } from '../../core/errors';
import { goQuote } from '../../core/image/go-json';
import { generateKeyPair } from '../../core/sigstore/key-file';
import { ensureAbsent, keyPairPaths, writeKeyPairFiles } from '../../core/sigstore/key-pair-files';
import { flagString, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { askNewPassphrase, readPassphraseFile } from '../passphrase';
import { formatFlagHelp } from '../registry-flags';

const flags: FlagSpec[] = [
  { name: 'output-prefix', kind: 'string', help: 'write the keys to PREFIX.pub and PREFIX.private' },
  {
    name: 'passphrase-file',
    kind: 'string',
    help: "read the private key's passphrase from the first line of this file (default: asked twice on the terminal; empty is allowed)",
  },
];

export const generateSigstoreKeyCommand: CliCommand = {
  name: 'generate-sigstore-key',
  summary: 'generate a sigstore (cosign-format) key pair for signing images',
  usage: `Usage: regx generate-sigstore-key [OPTIONS] --output-prefix PREFIX\n\nPREFIX.private is an ECDSA P-256 private key encrypted as cosign encrypts one (PEM "ENCRYPTED COSIGN PRIVATE KEY":\nscrypt N=32768 r=8 p=1, NaCl secretbox), mode 0600; PREFIX.pub its PEM "PUBLIC KEY". Existing files are never replaced.\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    const prefix = flagString(p, 'output-prefix');
    if (p.positional.length !== 0 || !prefix) throw new UsageError('Usage: generate-sigstore-key --output-prefix PREFIX');
    const paths = keyPairPaths(prefix);
    // Checked before the passphrase is asked for, as skopeo does; the write itself never replaces either.
    await ensureAbsent(paths.publicKey);
    await ensureAbsent(paths.privateKey);
    const file = flagString(p, 'passphrase-file');
    const passphrase = file !== undefined ? await readPassphraseFile(file) : await askNewPassphrase(io, paths.privateKey, 'passphrase-file');
    const pair = await generateKeyPair(passphrase);
    await writeKeyPairFiles(paths, pair.privatePem, pair.publicPem);
    io.stdout.write(`Key written to ${goQuote(paths.privateKey)} and ${goQuote(paths.publicKey)}\n`);
    return 0;
  },
};
