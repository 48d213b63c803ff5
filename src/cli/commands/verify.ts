// `regx verify docker://REF`: judges an image by the trust policy (containers-policy.json) as skopeo's
// copy would before pulling it, and shows each requirement and each signature's result. Exit 0 when
// the policy accepts the image; a rejection is an error (policy-rejected) after the results are shown.
import { RegxError, UsageError, sanitizeRemoteText } from '../../core/errors';
import { dockerPolicyImage } from '../../core/policy/docker-image';
import { evaluatePolicy } from '../../core/policy/evaluate';
import type { PolicyVerdict, RequirementVerdict } from '../../core/policy/evaluate';
import { sigstoreVerifier } from '../../core/policy/sigstore-requirement';
import { flagBool, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { policyChoice, policyFlag, registriesChoice, registriesDFlag } from '../policy-flags';
import { authFileFlag, clientFor, debugFlag, dockerReferenceArg, formatFlagHelp, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [
  policyFlag,
  registriesDFlag,
  { name: 'json', kind: 'boolean', help: 'print the verdict as JSON' },
  ...registryFlagSpecs(),
  authFileFlag,
  debugFlag,
];

const clean = (s: string | undefined): string => sanitizeRemoteText(s ?? '', 300);

function requirementLines(r: RequirementVerdict): string[] {
  const lines = [`  ${r.type}: ${r.accepted ? 'accepted' : 'rejected'}${!r.accepted && r.signatures.length === 0 && r.reason ? ` (${clean(r.reason)})` : ''}`];
  for (const s of r.signatures) {
    const who = [s.key ? `key ${s.key}` : undefined, s.identity ? `identity ${clean(s.identity)}` : undefined].filter(Boolean).join(', ');
    const kind = s.kind === 'simple-signing' ? 'GPG signature' : 'sigstore signature';
    lines.push(`    ${kind} ${s.index}: ${s.accepted ? 'accepted' : `rejected: ${clean(s.reason)}`}${who ? ` (${who})` : ''}`);
  }
  return lines;
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: "judge an image by the trust policy (containers-policy.json) and show each signature's result",
  usage: `Usage: regx verify [OPTIONS] docker://REFERENCE\n\nReads the image's GPG signatures (the registry's signature API, else the lookaside registries.d names) and its\nsigstore signatures (where registries.d sets use-sigstore-attachments), and judges them as skopeo and podman do.\nExit status 0 when the policy accepts the image, 1 when it rejects it.\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('verify takes exactly one argument: docker://REFERENCE');
    const ref = dockerReferenceArg(p.positional[0], 'verify');
    const chosen = await policyChoice(p, io, true);
    if (!chosen) throw new UsageError('no trust policy to verify against');
    const registries = await registriesChoice(p, io);
    const client = clientFor(ref.registry, ref.repository, p, io);
    try {
      const image = dockerPolicyImage(client, ref, registries, { env: io.env, signal: io.signal });
      const verdict: PolicyVerdict = await evaluatePolicy(chosen.policy, image, sigstoreVerifier);
      const needsManifest = verdict.requirements.some((r) => r.signatures.length > 0);
      const digest = needsManifest ? (await image.manifest()).digest : undefined;
      if (flagBool(p, 'json', false)) {
        io.stdout.write(`${JSON.stringify({ image: image.name, digest, policy: chosen.path, ...verdict, signatureStore: image.simpleStore() }, null, 2)}\n`);
      } else {
        const lines = [`${image.name}${digest ? `@${digest}` : ''}`, `Policy ${chosen.path}, ${verdict.scope}:`];
        for (const r of verdict.requirements) lines.push(...requirementLines(r));
        const store = image.simpleStore();
        if (store) lines.push(`GPG signatures read from ${store}`);
        lines.push(verdict.accepted ? 'Accepted by the policy' : `Rejected by the policy: ${clean(verdict.reason)}`);
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!verdict.accepted) throw new RegxError('policy-rejected', `${image.name} is rejected by the policy ${chosen.path}`);
      return 0;
    } finally {
      await client.close().catch(() => undefined);
    }
  },
};
