// containers-policy.json(5), read as containers/image reads it: `default` required, `transports`
// optional (transport -> scope -> requirements), every requirement list non-empty, each requirement's
// fields exactly those of its type, no key twice anywhere. Key files named by a requirement are read
// when it is evaluated, as containers/image does, so a policy naming a missing key still loads.
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegxError } from '../errors';
import { exactFields, isPlainObject, parseStrictJson } from '../signing/strict-json';
import { parseSignedIdentity } from './identity';
import type { SignedIdentity } from './identity';

export type KeyType = 'GPGKeys' | 'signedByGPGKeys' | 'X509Certificates' | 'signedByX509CAs';

export type Requirement =
  | { type: 'insecureAcceptAnything' }
  | { type: 'reject' }
  | { type: 'signedBy'; keyType: KeyType; keyPath?: string; keyPaths?: string[]; keyData?: Buffer; signedIdentity: SignedIdentity }
  | { type: 'signedBaseLayer' }
  | {
      type: 'sigstoreSigned';
      keyPath?: string;
      keyData?: Buffer;
      /** Fulcio certificates and Rekor are parsed but not checked here: such a requirement rejects, saying why. */
      fulcio?: unknown;
      rekorPublicKeyPath?: string;
      rekorPublicKeyData?: Buffer;
      signedIdentity: SignedIdentity;
    };

export interface Policy {
  default: Requirement[];
  /** transport name -> scope ('' for the transport's default) -> requirements. */
  transports: Map<string, Map<string, Requirement[]>>;
}

export const SYSTEM_POLICY = '/etc/containers/policy.json';
const USER_POLICY = '.config/containers/policy.json';
const MAX_POLICY_BYTES = 4 * 1024 * 1024;

function policyError(message: string): RegxError {
  return new RegxError('usage', `invalid policy: ${message}`);
}

function base64Field(v: unknown, field: string): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) throw policyError(`${field} is not base64`);
  return Buffer.from(v, 'base64');
}

function stringField(v: unknown, field: string): string {
  if (typeof v !== 'string') throw policyError(`${field} is not a string`);
  return v;
}

function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw policyError(`unknown key "${k.slice(0, 64)}" in a ${what} requirement`);
}

const KEY_TYPES: readonly string[] = ['GPGKeys', 'signedByGPGKeys', 'X509Certificates', 'signedByX509CAs'];

function parseRequirement(v: unknown): Requirement {
  if (!isPlainObject(v)) throw policyError('a requirement is not a JSON object');
  const type = v.type;
  switch (type) {
    case 'insecureAcceptAnything':
    case 'reject':
      exactFields(v, ['type'], `the ${type} requirement`);
      return { type };
    case 'signedBaseLayer':
      exactFields(v, ['type', 'baseLayerIdentity'], 'the signedBaseLayer requirement');
      parseSignedIdentity(v.baseLayerIdentity);
      return { type };
    case 'signedBy': {
      onlyKeys(v, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity'], 'signedBy');
      const keyType = stringField(v.keyType, 'keyType');
      if (!KEY_TYPES.includes(keyType)) throw policyError(`invalid keyType "${keyType.slice(0, 64)}"`);
      const sources = ['keyPath', 'keyPaths', 'keyData'].filter((k) => k in v);
      if (sources.length === 0) throw policyError('exactly one of keyPath, keyPaths and keyData must be specified, none of them present');
      if (sources.length > 1) throw policyError('exactly one of keyPath, keyPaths and keyData must be specified, more than one present');
      const req: Requirement = {
        type,
        keyType: keyType as KeyType,
        signedIdentity: 'signedIdentity' in v ? parseSignedIdentity(v.signedIdentity) : { type: 'matchRepoDigestOrExact' },
      };
      if ('keyPath' in v) req.keyPath = stringField(v.keyPath, 'keyPath');
      if ('keyPaths' in v) {
        if (!Array.isArray(v.keyPaths) || v.keyPaths.length === 0) throw policyError('keyPaths must be a non-empty list of paths');
        req.keyPaths = v.keyPaths.map((p, i) => stringField(p, `keyPaths[${i}]`));
      }
      if ('keyData' in v) req.keyData = base64Field(v.keyData, 'keyData');
      return req;
    }
    case 'sigstoreSigned': {
      onlyKeys(v, ['type', 'keyPath', 'keyData', 'fulcio', 'rekorPublicKeyPath', 'rekorPublicKeyData', 'signedIdentity'], 'sigstoreSigned');
      const sources = ['keyPath', 'keyData', 'fulcio'].filter((k) => k in v);
      if (sources.length === 0) throw policyError('exactly one of keyPath, keyData and fulcio must be specified, none of them present');
      if (sources.length > 1) throw policyError('exactly one of keyPath, keyData and fulcio must be specified, more than one present');
      if ('rekorPublicKeyPath' in v && 'rekorPublicKeyData' in v) throw policyError('rekorPublicKeyPath and rekorPublicKeyData cannot be used simultaneously');
      if ('fulcio' in v && !('rekorPublicKeyPath' in v) && !('rekorPublicKeyData' in v))
        throw policyError('fulcio requires rekorPublicKeyPath or rekorPublicKeyData');
      const req: Requirement = { type, signedIdentity: 'signedIdentity' in v ? parseSignedIdentity(v.signedIdentity) : { type: 'matchRepoDigestOrExact' } };
      if ('keyPath' in v) req.keyPath = stringField(v.keyPath, 'keyPath');
      if ('keyData' in v) req.keyData = base64Field(v.keyData, 'keyData');
      if ('fulcio' in v) req.fulcio = v.fulcio;
      if ('rekorPublicKeyPath' in v) req.rekorPublicKeyPath = stringField(v.rekorPublicKeyPath, 'rekorPublicKeyPath');
      if ('rekorPublicKeyData' in v) req.rekorPublicKeyData = base64Field(v.rekorPublicKeyData, 'rekorPublicKeyData');
      return req;
    }
    default:
      throw policyError(typeof type === 'string' ? `unknown policy requirement type "${type.slice(0, 64)}"` : 'a requirement has no type');
  }
}

function parseRequirements(v: unknown, where: string): Requirement[] {
  if (!Array.isArray(v)) throw policyError(`${where} is not a list of requirements`);
  if (v.length === 0) throw policyError(`${where}: the list of verification policy requirements must not be empty`);
  return v.map(parseRequirement);
}

/** Parses policy.json text; `file` names it in errors. */
export function parsePolicy(text: string, file = 'policy'): Policy {
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (err) {
    throw new RegxError('usage', `invalid policy in ${file}: ${(err as Error).message}`);
  }
  try {
    if (!isPlainObject(doc)) throw policyError('the policy is not a JSON object');
    onlyKeys(doc, ['default', 'transports'], 'top-level');
    if (!('default' in doc)) throw policyError('default policy is missing');
    const policy: Policy = { default: parseRequirements(doc.default, 'default'), transports: new Map() };
    if ('transports' in doc && doc.transports !== null) {
      if (!isPlainObject(doc.transports)) throw policyError('transports is not a JSON object');
      for (const [transport, scopes] of Object.entries(doc.transports)) {
        if (!isPlainObject(scopes)) throw policyError(`transports.${transport} is not a JSON object`);
        const map = new Map<string, Requirement[]>();
        for (const [scope, reqs] of Object.entries(scopes)) {
          if (transport === 'docker' && scope !== '' && !validDockerScope(scope)) throw policyError(`invalid docker scope "${scope.slice(0, 100)}"`);
          map.set(scope, parseRequirements(reqs, `transports.${transport}["${scope}"]`));
        }
        policy.transports.set(transport, map);
      }
    }
    return policy;
  } catch (err) {
    if (err instanceof RegxError) throw new RegxError(err.reason, `${err.message} (in ${file})`);
    throw err;
  }
}

/** A docker scope: a reference or namespace, or a `*.`-wildcarded host (no port, no path). */
function validDockerScope(scope: string): boolean {
  if (scope.startsWith('*.')) return /^\*\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(scope);
  return !/[\s]/.test(scope);
}

/** The policy file skopeo reads by default: ~/.config/containers/policy.json if it exists, else /etc/containers/policy.json. */
export async function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const user = join(env.HOME || homedir(), USER_POLICY);
  try {
    await fsp.stat(user);
    return user;
  } catch {
    return SYSTEM_POLICY;
  }
}

export async function readPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    const st = await fsp.stat(path);
    if (st.size > MAX_POLICY_BYTES) throw new RegxError('too-large', `the policy ${path} is larger than ${MAX_POLICY_BYTES} bytes`);
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof RegxError) throw err;
    throw new RegxError('usage', `cannot read the policy ${path}: ${(err as Error).message}`);
  }
  return parsePolicy(text, path);
}

/** The policy skopeo's --insecure-policy stands for: accept anything. */
export const insecureAcceptAnythingPolicy: Policy = { default: [{ type: 'insecureAcceptAnything' }], transports: new Map() };
