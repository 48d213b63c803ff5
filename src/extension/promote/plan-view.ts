// The Sync Plan view: what a promotion or a sync file will do, as a tree of destination repositories
// with one row per tag (copy, unchanged or remove, with the image's size), then what each row did
// when it ran (copied, failed with its reason). Rows are plain data; the view only shows them.
import * as vscode from 'vscode';
import { formatReference } from '../../core/reference/reference';
import type { ImageReference } from '../../core/reference/reference';
import type { SyncResult } from '../../core/sync/run';
import type { SyncEvent } from '../../core/sync/types';
import { abbreviatedDigest, formatSize } from '../format';

export const syncPlanViewId = 'registryExplorer.syncPlan';

type RowState = 'copy' | 'skip' | 'prune' | 'running' | 'copied' | 'unchanged' | 'pruned' | 'failed' | 'stopped' | 'kept';

export interface PlanRow {
  id: string;
  label: string;
  state: RowState;
  detail?: string;
  digest?: string;
  size?: number;
  /** The failure's words, shown on hover. */
  message?: string;
  /** Where the image comes from, shown on hover (the row stays short enough to read beside a question). */
  source?: string;
}

interface RepoGroup {
  id: string;
  label: string;
  rows: PlanRow[];
}

const icons: Record<RowState, vscode.ThemeIcon> = {
  copy: new vscode.ThemeIcon('cloud-upload'),
  skip: new vscode.ThemeIcon('check'),
  prune: new vscode.ThemeIcon('trash'),
  running: new vscode.ThemeIcon('sync~spin'),
  copied: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  unchanged: new vscode.ThemeIcon('check'),
  pruned: new vscode.ThemeIcon('trash'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  stopped: new vscode.ThemeIcon('circle-slash'),
  kept: new vscode.ThemeIcon('circle-outline'),
};

const words: Record<RowState, string> = {
  copy: 'copy',
  skip: 'unchanged',
  prune: 'remove (no source selects it)',
  running: 'copying...',
  copied: 'copied',
  unchanged: 'unchanged',
  pruned: 'removed',
  failed: 'failed',
  stopped: 'not run (cancelled)',
  kept: 'kept (deleting was not chosen)',
};

/** `docker://host/repo:tag` -> [`host/repo`, `tag`]. */
function split(name: string): [string, string] {
  const bare = name.replace(/^docker:\/\//, '');
  const m = /^(.*?)(?::([^/:@]+)|@(.+))$/.exec(bare);
  return m ? [m[1] as string, (m[2] ?? m[3]) as string] : [bare, ''];
}

export class PlanView implements vscode.TreeDataProvider<RepoGroup | PlanRow> {
  private groups: RepoGroup[] = [];
  private readonly byName = new Map<string, PlanRow>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** What the view says above its rows (what was planned, from where). */
  title = '';
  /** The view showing this tree, whose message carries the title. */
  treeView: vscode.TreeView<RepoGroup | PlanRow> | undefined;

  /** Shows a plan: every image and every tag to remove, grouped by destination repository. */
  show(result: SyncResult): void {
    const groups = new Map<string, RepoGroup>();
    this.byName.clear();
    const add = (destination: ImageReference, row: Omit<PlanRow, 'id' | 'label'>): void => {
      const name = `docker://${formatReference(destination)}`;
      const [repo, ref] = split(name);
      let g = groups.get(repo);
      if (!g) groups.set(repo, (g = { id: `repo:${repo}`, label: repo, rows: [] }));
      const r: PlanRow = { id: `row:${name}`, label: ref, ...row };
      g.rows.push(r);
      this.byName.set(name, r);
    };
    for (const e of result.plan) add(e.destination, { state: e.action, digest: e.digest, size: e.size, source: formatReference(e.source) });
    for (const p of result.prunes) add(p.destination, { state: 'prune', digest: p.digest });
    for (const f of result.failures) {
      if (!f.destination || this.byName.has(f.destination)) continue;
      const [repo, ref] = split(f.destination);
      let g = groups.get(repo);
      if (!g) groups.set(repo, (g = { id: `repo:${repo}`, label: repo, rows: [] }));
      const r: PlanRow = { id: `row:${f.destination}`, label: ref, state: 'failed', detail: f.reason, message: f.message };
      g.rows.push(r);
      this.byName.set(f.destination, r);
    }
    this.groups = [...groups.values()].sort((a, b) => a.label.localeCompare(b.label));
    for (const g of this.groups) g.rows.sort((a, b) => a.label.localeCompare(b.label));
    if (this.treeView) this.treeView.message = this.title;
    this.changed.fire();
  }

  /** A run ended without deleting: the tags planned for removal are still there, and say so. */
  keptPrunes(): void {
    for (const g of this.groups) for (const r of g.rows) if (r.state === 'prune') r.state = 'kept';
    this.changed.fire();
  }

  /** A run was cancelled: what had not finished says so (what landed keeps its row). */
  stopped(): void {
    for (const g of this.groups) for (const r of g.rows) if (r.state === 'copy' || r.state === 'running' || r.state === 'prune') r.state = 'stopped';
    this.changed.fire();
  }

  /** A run's event, on the row it is about. */
  update(e: SyncEvent): void {
    const name = 'destination' in e ? e.destination : undefined;
    const row = name ? this.byName.get(name) : undefined;
    if (!row) return;
    if (e.event === 'started') row.state = 'running';
    else if (e.event === 'copied') row.state = 'copied';
    else if (e.event === 'skipped') {
      row.state = 'unchanged';
      if (e.referrersCarried) row.detail = `${e.referrersCarried} referrers carried`;
    } else if (e.event === 'pruned') row.state = 'pruned';
    else if (e.event === 'failed') {
      row.state = 'failed';
      row.detail = e.reason;
      row.message = e.message;
    } else return;
    this.changed.fire();
  }

  counts(): Record<RowState, number> {
    const c = Object.fromEntries(Object.keys(words).map((k) => [k, 0])) as Record<RowState, number>;
    for (const g of this.groups) for (const r of g.rows) c[r.state]++;
    return c;
  }

  getChildren(element?: RepoGroup | PlanRow): Array<RepoGroup | PlanRow> {
    if (!element) return this.groups;
    return 'rows' in element ? element.rows : [];
  }

  getTreeItem(element: RepoGroup | PlanRow): vscode.TreeItem {
    if ('rows' in element) {
      const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = element.id;
      item.iconPath = new vscode.ThemeIcon('repo');
      const c = { copy: 0, skip: 0, prune: 0 };
      for (const r of element.rows) if (r.state === 'copy' || r.state === 'skip' || r.state === 'prune') c[r.state]++;
      item.description = [c.copy && `${c.copy} to copy`, c.skip && `${c.skip} unchanged`, c.prune && `${c.prune} to remove`].filter(Boolean).join(', ');
      return item;
    }
    const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.iconPath = icons[element.state];
    item.contextValue = `syncPlanRow ${element.state}`;
    item.description = [
      words[element.state],
      element.size !== undefined ? formatSize(element.size) : undefined,
      element.digest ? abbreviatedDigest(element.digest) : undefined,
      element.detail,
    ]
      .filter(Boolean)
      .join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendText(`${element.label}: ${words[element.state]}`);
    if (element.source) tip.appendText(`\nfrom ${element.source}`);
    if (element.detail) tip.appendText(`\n${element.detail}`);
    if (element.digest) tip.appendText(`\n${element.digest}`);
    if (element.message) tip.appendText(`\n\n${element.message}`);
    item.tooltip = tip;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
