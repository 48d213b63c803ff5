// The trust policy and registries.d the editor judges signatures by, read from the two settings as
// skopeo reads its defaults: policyFile unset means ~/.config/containers/policy.json, else
// /etc/containers/policy.json, when there is one (none there: nothing is judged); "" turns judging off;
// a path the user set must be readable. A failure names the setting to fix. Pure (no vscode).
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultPolicyPath, readPolicyFile } from '../../core/policy/policy-file';
import type { Policy } from '../../core/policy/policy-file';
import { loadRegistriesConfig, registriesDirPath } from '../../core/signing/registries-d';
import type { RegistriesConfig } from '../../core/signing/registries-d';
import type { PolicyFileSetting } from '../config';
import { RegxError } from '../../core/errors';

export const policyFileSetting = 'registryExplorer.policyFile';
export const registriesDirectorySetting = 'registryExplorer.registriesDirectory';

export type Trust =
  | { readonly kind: 'none'; readonly why: string; readonly registries: RegistriesConfig }
  | { readonly kind: 'policy'; readonly policy: Policy; readonly path: string; readonly registries: RegistriesConfig }
  | { readonly kind: 'broken'; readonly setting: string; readonly message: string };

/** `~/x` as the user means it; anything else as written. */
export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return path === '~' || path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(1)) : path;
}

const exists = (path: string): Promise<boolean> =>
  fsp.stat(path).then(
    () => true,
    () => false,
  );

/** registries.d from its setting ('' = containers/image's lookup); a folder the user named must exist. */
export async function loadRegistriesSetting(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistriesConfig> {
  const named = dir ? expandHome(dir, env) : undefined;
  if (named && !(await exists(named))) throw new Error(`the folder ${named} does not exist`);
  return loadRegistriesConfig(await registriesDirPath(named, env));
}

/**
 * registries.d for a copy or a promotion: GPG simple signatures travel with an image only when the copy
 * knows where they are stored. A folder that cannot be read stops the copy (with the setting to fix)
 * rather than leave the signatures behind without a word.
 */
export async function registriesForCopy(registriesDirectory: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistriesConfig> {
  try {
    return await loadRegistriesSetting(registriesDirectory, env);
  } catch (error) {
    throw new RegxError(
      'usage',
      `signatures cannot be carried: ${error instanceof Error ? error.message : String(error)}. Fix the setting ${registriesDirectorySetting}.`,
    );
  }
}

export async function loadTrust(
  settings: { policyFile: PolicyFileSetting; registriesDirectory: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Trust> {
  let registries: RegistriesConfig;
  try {
    registries = await loadRegistriesSetting(settings.registriesDirectory, env);
  } catch (error) {
    return { kind: 'broken', setting: registriesDirectorySetting, message: error instanceof Error ? error.message : String(error) };
  }
  const { path, explicit } = settings.policyFile;
  if (explicit && !path) return { kind: 'none', why: `${policyFileSetting} is empty`, registries };
  const file = explicit ? expandHome(path, env) : await defaultPolicyPath(env);
  if (!explicit && !(await exists(file))) return { kind: 'none', why: `no trust policy at ${file}`, registries };
  try {
    return { kind: 'policy', policy: await readPolicyFile(file), path: file, registries };
  } catch (error) {
    return { kind: 'broken', setting: policyFileSetting, message: error instanceof Error ? error.message : String(error) };
  }
}

/** "Signatures are not checked: <why>. Fix the setting <setting>." */
export function brokenTrustText(trust: Extract<Trust, { kind: 'broken' }>): string {
  return `Signatures not checked: ${trust.message}. Fix the setting ${trust.setting}.`;
}
