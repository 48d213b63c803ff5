// contextValue strings are built here and nowhere else. package.json `when` clauses match single
// tokens with `viewItem =~ /(^|\s)token(\s|$)/`, so adding a token never breaks an existing menu.
import type { Node } from './nodes';

export function contextValue(node: Node): string {
  const tokens: string[] = [node.kind];
  return tokens.join(' ');
}
