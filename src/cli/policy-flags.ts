// skopeo's signature-policy flags: --policy FILE, --insecure-policy and --registries.d DIR, taken
// after the verb or, as skopeo takes them, before it (`regx --policy P.json copy ...`).
import { promises as fsp } from 'node:fs';
import { UsageError } from '../core/errors';
import { defaultPolicyPath, insecureAcceptAnythingPolicy, readPolicyFile } from '../core/policy/policy-file';
import type { Policy } from '../core/policy/policy-file';
import { loadRegistriesConfig, registriesDirPath } from '../core/signing/registries-d';
import type { RegistriesConfig } from '../core/signing/registries-d';
import { flagBool, flagString } from './args';
import type { FlagSpec, ParsedArgs } from './args';
import type { CliIO } from './io';

export const policyFlag: FlagSpec = {
  name: 'policy',
  kind: 'string',
  help: 'the trust policy (containers-policy.json) to judge the image by (default: ~/.config/containers/policy.json, else /etc/containers/policy.json)',
};
export const insecurePolicyFlag: FlagSpec = {
  name: 'insecure-policy',
  kind: 'boolean',
  help: 'judge no policy: accept any image (as skopeo --insecure-policy)',
};
export const registriesDFlag: FlagSpec = {
  name: 'registries.d',
  kind: 'string',
  help: 'folder of registries.d files saying where signatures are stored (default: ~/.config/containers/registries.d, else /etc/containers/registries.d)',
};

/** registries.d from --registries.d (after or before the verb), else the default folder. */
export async function registriesChoice(p: ParsedArgs, io: CliIO): Promise<RegistriesConfig> {
  return loadRegistriesConfig(await registriesDirPath(flagString(p, 'registries.d') ?? io.globals?.registriesD, io.env));
}

/**
 * The policy to judge a source by. `mustExist`: a verifier needs one; a copy without --policy judges
 * by the default file only when it is there (skopeo would refuse to run without it).
 */
export async function policyChoice(p: ParsedArgs, io: CliIO, mustExist: boolean): Promise<{ policy: Policy; path: string } | undefined> {
  const insecure = flagBool(p, 'insecure-policy', false) || io.globals?.insecurePolicy === true;
  const explicit = flagString(p, 'policy') ?? io.globals?.policy;
  if (insecure) {
    if (explicit !== undefined) throw new UsageError('--policy and --insecure-policy cannot be used together');
    return { policy: insecureAcceptAnythingPolicy, path: '--insecure-policy' };
  }
  if (explicit !== undefined) return { policy: await readPolicyFile(explicit), path: explicit };
  const path = await defaultPolicyPath(io.env);
  const present = await fsp.stat(path).then(
    () => true,
    () => false,
  );
  if (!present) {
    if (mustExist) throw new UsageError(`no trust policy: ${path} does not exist; give one with --policy FILE`);
    return undefined;
  }
  return { policy: await readPolicyFile(path), path };
}
