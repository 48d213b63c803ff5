import { URL } from 'node:url';
import * as vscode from 'vscode';
import { presentedCa } from '../../core/http/tls';
import { mergeCaBundles, resolveContext, trustClusterCa, updateKubeconfigFile } from '../../core/openshift';
import { chooseClusterTrust } from '../openshift/cluster-trust';
import { pickCluster } from '../openshift/pick';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** The action of a "certificate is not trusted" row: trust the CA the server presents, or skip, for this cluster. */
export const trustClusterCertificateCommand: Command = {
  id: commandIds.trustClusterCertificate,
  title: 'Trust Cluster Certificate',
  async run(ctx, arg) {
    const cluster = await pickCluster(ctx, arg, 'Trust Cluster Certificate');
    const resolved = resolveContext(ctx.openshift.kubeconfig(), cluster.contextName);
    const url = new URL(resolved.server);
    const presented = await presentedCa(url, resolved.tlsServerName).catch(() => undefined);
    const trust = await chooseClusterTrust(url.host, presented?.pem, presented?.fingerprint256, `How should the certificate of ${url.host} be trusted?`);
    if ('caPem' in trust) {
      const file = trustClusterCa(resolved.clusterName, mergeCaBundles(resolved.caPem, trust.caPem) ?? trust.caPem);
      ctx.log.info(`trusting the CA ${presented?.fingerprint256 ?? ''} for cluster ${resolved.clusterName} (saved in ${file})`);
    } else {
      const file = ctx.openshift.kubeconfig().files[0];
      if (!file) throw new vscode.CancellationError();
      updateKubeconfigFile(file, (raw) => {
        const clusters = Array.isArray(raw.clusters) ? (raw.clusters as { name?: string; cluster?: Record<string, unknown> }[]) : [];
        const entry = clusters.find((c) => c.name === resolved.clusterName);
        if (!entry) return;
        // client-go refuses a CA together with the insecure flag, as oc does.
        const { 'certificate-authority': _file, 'certificate-authority-data': _data, ...rest } = entry.cluster ?? {};
        entry.cluster = { ...rest, 'insecure-skip-tls-verify': true };
      });
      ctx.log.warn(`TLS verification skipped for cluster ${resolved.clusterName}, as chosen`);
    }
    ctx.openshift.reload();
  },
};
