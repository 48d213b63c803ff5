// `regx logout REGISTRY` / `regx logout --all`: removes what `regx login` (or podman login) stored,
// from the auth file and from the OS keychain, with podman's messages.
import { authFileChain, defaultAuthFilePath, readAuthFile, removeAllAuthEntries, removeAuthEntry, findAuthEntry } from '../../core/auth/authfile';
import { osKeychain } from '../../core/auth/keychain';
import { KeychainError, RegxError, UsageError } from '../../core/errors';
import { flagBool, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import { formatFlagHelp } from '../registry-flags';
import type { CliCommand } from '../io';
import { loginKey, loginStore, registryArg } from './login';

const logoutFlags: FlagSpec[] = [
  { name: 'all', short: 'a', kind: 'boolean', help: 'remove the logins for every registry' },
  { name: 'authfile', kind: 'string', help: 'auth.json to edit (default: $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json, as podman)' },
  { name: 'keychain', kind: 'boolean', help: 'only the OS keychain (default: the auth file and, when there is one, the OS keychain)' },
];

export const logoutCommand: CliCommand = {
  name: 'logout',
  summary: 'Log out of a registry (removes the saved login)',
  usage: ['Usage: regx logout [OPTIONS] REGISTRY[/NAMESPACE]', '       regx logout --all', '', 'Options:', formatFlagHelp(logoutFlags)].join('\n'),
  flags: logoutFlags,
  async run(argv, io) {
    const p = parseArgs(argv, logoutFlags);
    const all = flagBool(p, 'all', false);
    const { authFile: explicitFile, keychain: onlyKeychain } = loginStore(p);
    const file = explicitFile ?? defaultAuthFilePath(io.env);
    const keychain = osKeychain('regx', io.env);
    // The keychain is optional unless asked for: a machine without one still logs out of the file.
    const fromKeychain = async <T>(op: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await op();
      } catch (err) {
        if (err instanceof KeychainError && !onlyKeychain) return fallback;
        throw err;
      }
    };

    if (all) {
      if (p.positional.length) throw new UsageError('--all takes no arguments');
      if (!onlyKeychain) await removeAllAuthEntries(file, io.env);
      if (!explicitFile) {
        const registries = await fromKeychain(async () => (await keychain.list?.()) ?? [], [] as string[]);
        for (const r of registries) await fromKeychain(() => keychain.delete(r), false);
      }
      io.stdout.write('Removed login credentials for all registries\n');
      return 0;
    }

    const { key, registry } = loginKey(registryArg(p, 'logout'));
    let removed = false;
    if (!onlyKeychain && (await removeAuthEntry(file, key, io.env))) removed = true;
    if (!explicitFile && (await fromKeychain(() => keychain.delete(key), false))) removed = true;
    if (removed) {
      io.stdout.write(`Removed login credentials for ${key}\n`);
      return 0;
    }
    // As podman: say when the login lives in a file this command does not edit (e.g. docker's config.json).
    if (!explicitFile && !onlyKeychain) {
      for (const { path, legacy } of authFileChain(io.env)) {
        if (path === file) continue;
        const other = await readAuthFile(path, legacy).catch(() => undefined);
        if (other && (findAuthEntry(other, key, registry, legacy) || other.credHelpers[registry])) {
          throw new RegxError(
            'not-logged-in',
            `not logged into ${key} in ${file}; the login in ${path} was made by another tool (e.g. docker login): remove it with that tool`,
          );
        }
      }
    }
    throw new RegxError('not-logged-in', `not logged into ${key}`);
  },
};
