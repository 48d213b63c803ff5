// An image stream as read-only text documents: `oc describe` text, JSON and YAML, one document each
// per stream (opening it again shows the same editor), nothing to save. Their URIs are
// `registry-explorer://openshift/NAMESPACE/NAME.yaml?context=...`: the tab shows the stream's name,
// the breadcrumbs its project, and the kubeconfig context (which may hold slashes) rides in the query.
import * as vscode from 'vscode';
import { describeImageStream, getImageStream } from '../../core/openshift';
import type { ImageStream } from '../../core/openshift';
import { yaml } from '../../core/openshift/yaml';
import { rawScheme } from '../inspect/raw-documents';
import type { DocumentLanguage, RawDocuments } from '../inspect/raw-documents';
import type { OpenShift } from './openshift';

export const imageStreamAuthority = 'openshift';

export type ImageStreamFormat = 'describe' | 'json' | 'yaml';

const formats: Record<ImageStreamFormat, { suffix: string; language: DocumentLanguage }> = {
  describe: { suffix: ' (describe)', language: 'plaintext' },
  json: { suffix: '.json', language: 'json' },
  yaml: { suffix: '.yaml', language: 'yaml' },
};

export interface ImageStreamDocumentTarget {
  readonly contextName: string;
  readonly namespace: string;
  readonly name: string;
  readonly format: ImageStreamFormat;
}

export function imageStreamDocumentUri(t: ImageStreamDocumentTarget): vscode.Uri {
  return vscode.Uri.from({
    scheme: rawScheme,
    authority: imageStreamAuthority,
    path: `/${t.namespace}/${t.name}${formats[t.format].suffix}`,
    query: new URLSearchParams({ context: t.contextName }).toString(),
  });
}

export function parseImageStreamDocumentUri(uri: vscode.Uri): ImageStreamDocumentTarget | undefined {
  const contextName = new URLSearchParams(uri.query).get('context');
  const [namespace, file, ...rest] = uri.path.slice(1).split('/');
  if (!contextName || !namespace || !file || rest.length) return undefined;
  for (const [format, { suffix }] of Object.entries(formats) as [ImageStreamFormat, (typeof formats)[ImageStreamFormat]][]) {
    if (file.endsWith(suffix) && file.length > suffix.length) return { contextName, namespace, name: file.slice(0, -suffix.length), format };
  }
  return undefined;
}

export function imageStreamText(stream: ImageStream, format: ImageStreamFormat): string {
  switch (format) {
    case 'describe':
      return describeImageStream(stream);
    case 'json':
      return JSON.stringify(stream, null, 2) + '\n';
    case 'yaml':
      return yaml().stringify(stream);
  }
}

export async function showImageStreamDocument(documents: RawDocuments, target: ImageStreamDocumentTarget, stream: ImageStream): Promise<void> {
  await documents.showText(imageStreamDocumentUri(target), imageStreamText(stream, target.format), formats[target.format].language);
}

/** Lets a document restored after a reload read its image stream from the cluster again. */
export function registerImageStreamDocuments(documents: RawDocuments, openshift: OpenShift): void {
  documents.registerReader(imageStreamAuthority, async (uri) => {
    const target = parseImageStreamDocumentUri(uri);
    if (!target) return '';
    return imageStreamText(await getImageStream(openshift.client(target.contextName), target.namespace, target.name), target.format);
  });
}
