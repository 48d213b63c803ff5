import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatAge, formatSize, shortDigest } from '../format';
import type { ConfiguredRegistry } from '../registry-settings';
import { supplyTreeItem } from '../supply-chain/tree-items';
import { contextValue } from './context-value';
import { asErrorRow, asMessageRow } from './status-rows';
import { loadMoreLabel } from './tag-page';
import type { ErrorAction, LoginInfo, Node, TagDetails } from './nodes';
import { commandIds } from '../commands/command-ids';

/** The commands rows run when clicked; declared in package.json like every other. */
export const loadMoreCommandId = commandIds.loadMore;
export const retryCommandId = commandIds.retry;
/** Enter, a click or a double-click on a tag row inspects it. */
export const inspectImageCommandId = commandIds.inspectImage;

/** What a failure row runs on click, for its first action (the same commands as its inline icons). */
const fixCommands: Record<ErrorAction, { command: string; title: string }> = {
  signIn: { command: commandIds.logIn, title: 'Log In' },
  trust: { command: commandIds.trustCertificate, title: 'Trust Certificate' },
  retry: { command: retryCommandId, title: 'Retry' },
  watch: { command: commandIds.addRepositoryToWatch, title: 'Add Repository to Watch' },
};

/** A tag's standing with the trust policy: the shield when it accepts the image on a signature. */
export interface TagTrust {
  readonly shield: boolean;
  readonly text: string;
}

export function toTreeItem(node: Node, details: TagDetails | undefined, now: number, trust?: TagTrust): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  const item = new vscode.TreeItem('', C.None);
  item.id = node.id;
  item.contextValue = contextValue(node, details);
  switch (node.kind) {
    case 'registry': {
      const r = node.registry;
      item.label = r.label;
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon('server');
      item.description = [
        r.label === r.host ? undefined : r.host,
        unverifiedTls(r),
        node.login ? `${node.login.username} (${shortSource(node.login)})` : undefined,
        node.filter ? `filter: ${node.filter}` : undefined,
      ]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = registryTooltip(r, node.login, node.filter);
      item.accessibilityInformation = {
        label: [
          `registry ${r.label}`,
          r.label === r.host ? undefined : r.host,
          unverifiedTls(r),
          node.login ? `logged in as ${node.login.username}` : 'not logged in',
        ]
          .filter(Boolean)
          .join(', '),
      };
      return item;
    }
    case 'namespace':
      item.label = `${node.namespace}/`;
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon('folder');
      item.tooltip = `${node.registry.host}/${node.namespace}/`;
      return item;
    case 'repository': {
      item.label = node.namespace ? node.repository.slice(node.namespace.length + 1) : node.repository;
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon('package');
      item.description =
        [node.watched ? 'watched' : undefined, node.tagFilter ? `filter: ${node.tagFilter}` : undefined].filter(Boolean).join(' · ') || undefined;
      item.tooltip = `${node.registry.host}/${node.repository}${node.tagFilter ? `\nTags filtered: ${node.tagFilter}` : ''}`;
      item.accessibilityInformation = {
        label: [`repository ${node.repository}`, node.watched ? 'watched' : undefined, node.tagFilter ? `tags filtered by ${node.tagFilter}` : undefined]
          .filter(Boolean)
          .join(', '),
      };
      return item;
    }
    case 'tag': {
      item.label = node.tag;
      item.iconPath = trust?.shield ? new vscode.ThemeIcon('verified-filled', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('tag');
      item.collapsibleState = details?.isIndex || details?.refers ? C.Collapsed : C.None;
      item.description = `${trust?.shield ? '✓ signed · ' : ''}${tagDescription(details, now)}`;
      item.tooltip = [tagTooltip(`${node.registry.host}/${node.repository}:${node.tag}`, details), trust?.text].filter(Boolean).join('\n');
      item.command = { command: inspectImageCommandId, title: 'Inspect Image', arguments: [node] };
      // A screen reader reads the row, not a 64-digit digest: the short digest spelled as the tree shows it.
      item.accessibilityInformation = {
        label: `tag ${node.tag}, ${trust?.shield ? 'signed and accepted by the trust policy, ' : ''}${details ? tagDescription(details, now).replaceAll(' · ', ', ') : 'details loading'}`,
      };
      return item;
    }
    case 'platform':
      item.label = node.platform;
      item.iconPath = new vscode.ThemeIcon('vm');
      if (node.supplyChain) item.collapsibleState = C.Collapsed;
      item.description = [shortDigest(node.digest), node.imageSize === undefined ? undefined : formatSize(node.imageSize)].filter(Boolean).join(' · ');
      item.tooltip = [
        `${node.registry.host}/${node.repository}@${node.digest}`,
        node.imageSize === undefined ? undefined : `${formatSize(node.imageSize)} (config and layers)`,
      ]
        .filter(Boolean)
        .join('\n');
      item.accessibilityInformation = {
        label: [`platform ${node.platform}`, `digest ${shortDigest(node.digest)}`, node.imageSize === undefined ? undefined : formatSize(node.imageSize)]
          .filter(Boolean)
          .join(', '),
      };
      return item;
    case 'loadMore':
      item.label = loadMoreLabel(node.left);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: loadMoreCommandId, title: 'Load more', arguments: [node] };
      return item;
    case 'error': {
      // A click (or Enter) runs the row's first fix, not only its hover icon.
      const fix = node.actions[0] ?? 'retry';
      asErrorRow(item, node.message, node.detail, { ...fixCommands[fix], arguments: [node] });
      // Not an error to be alarmed by: the registry wants a login.
      if (fix === 'signIn') item.iconPath = new vscode.ThemeIcon('account');
      return item;
    }
    case 'message': {
      asMessageRow(item, node.message);
      const fix = node.actions[0];
      if (fix) item.command = { ...fixCommands[fix], arguments: [node] };
      return item;
    }
    case 'supplyChain':
    case 'supplyGroup':
    case 'supplyItem':
      return supplyTreeItem(item, node);
  }
}

/** Said in the row itself, not only in its tooltip: the connection is not what the user may assume. */
function unverifiedTls(r: ConfiguredRegistry): string | undefined {
  if (r.insecureHttp) return 'plain HTTP';
  return r.tlsVerify ? undefined : 'TLS not verified';
}

function shortSource(login: LoginInfo): string {
  return login.source.includes('/') ? basename(login.source) : login.source;
}

function registryTooltip(r: ConfiguredRegistry, login: LoginInfo | undefined, filter: string | undefined): vscode.MarkdownString {
  const tls = r.insecureHttp
    ? 'plain HTTP (no TLS)'
    : !r.tlsVerify
      ? 'TLS verification skipped for this registry'
      : r.caFile
        ? `TLS verified with CA file ${r.caFile}`
        : 'TLS verified';
  const lines = [
    `**${r.label}** \`${r.host}\``,
    `Kind: ${r.kind}`,
    tls,
    login ? `Logged in as ${login.username}, credentials from ${login.source}` : 'Not logged in (anonymous)',
  ];
  if (r.repositories.length) lines.push(`Watched: ${r.repositories.join(', ')}`);
  if (filter) lines.push(`Filter: ${filter}`);
  const md = new vscode.MarkdownString(lines.join('\n\n'));
  md.supportHtml = false;
  return md;
}

function tagDescription(details: TagDetails | undefined, now: number): string {
  if (!details) return '...';
  if (details.error) return details.error;
  const parts = [shortDigest(details.digest)];
  if (details.isIndex) parts.push(`${details.platforms.length} platform${details.platforms.length === 1 ? '' : 's'}`);
  if (details.size !== undefined) parts.push(formatSize(details.size));
  const age = formatAge(details.created, now);
  if (age) parts.push(age);
  return parts.join(' · ');
}

function tagTooltip(reference: string, details: TagDetails | undefined): string {
  if (!details || details.error) return reference;
  return [
    reference,
    details.digest,
    details.mediaType,
    details.size !== undefined ? formatSize(details.size) : undefined,
    details.created ? `created ${details.created}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}
