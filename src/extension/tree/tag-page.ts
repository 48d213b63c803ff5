// Which of a repository's tags the tree shows. Some registries (Distribution 2.x among them) send
// every tag in one answer, whatever page size is asked for; the
// tree then shows them `tagPageSize` at a time, so a repository with thousands of tags paints its
// first rows at once and reads manifests only for the rows on screen.

export interface TagPage {
  /** The tags to draw, in the order given. */
  readonly visible: readonly string[];
  /** Tags already received but not drawn yet. */
  readonly left: number;
  /** Whether a "Load more" row belongs under them: tags received and not drawn, or more on the registry. */
  readonly more: boolean;
}

export function tagPage(sorted: readonly string[], shown: number, moreOnRegistry: boolean): TagPage {
  const count = Math.max(0, Math.min(sorted.length, Math.floor(shown)));
  const left = sorted.length - count;
  return { visible: sorted.slice(0, count), left, more: left > 0 || moreOnRegistry };
}

/** The label of the row that shows the next page: how many are waiting when that is known. */
export function loadMoreLabel(left: number | undefined): string {
  return left ? `Load more (${left.toLocaleString('en')} left)` : 'Load more...';
}
