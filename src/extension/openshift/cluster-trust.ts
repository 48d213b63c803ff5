// The one question asked when a cluster's certificate does not chain to a CA the kubeconfig trusts:
// trust the CA it presented (shown by fingerprint first), or skip verification for this cluster only.
// Never answered silently: closing the dialog cancels.
import * as vscode from 'vscode';
import { cancelled } from '../commands/command';

export type ClusterTrust = { caPem: string } | { insecure: true };

export async function chooseClusterTrust(host: string, caPem: string | undefined, fingerprint: string | undefined, why: string): Promise<ClusterTrust> {
  const trust = 'Trust this CA';
  const skip = 'Skip TLS Verification for This Cluster';
  const detail = caPem
    ? `${host} presented a certificate signed by a CA this kubeconfig does not trust.\n\nSHA-256 fingerprint of the CA:\n${fingerprint ?? 'unknown'}\n\nTrust it only if this is the fingerprint your cluster administrator gave you. It is saved as the cluster's certificate-authority-data in the kubeconfig, as oc saves it.`
    : `${host} presented a certificate that cannot be verified, and no CA could be read from it.`;
  const choice = await vscode.window.showWarningMessage(why, { modal: true, detail }, ...(caPem ? [trust] : []), skip);
  if (choice === trust && caPem) return { caPem };
  if (choice === skip) return { insecure: true };
  return cancelled();
}
