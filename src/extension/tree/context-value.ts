// contextValue strings are built here and nowhere else. package.json `when` clauses match single
// tokens with `viewItem =~ /(^|\s)token(\s|$)/`, so adding a token never breaks an existing menu.
import type { Node, TagDetails } from './nodes';
import { searchApiOf } from './search-api';

export function contextValue(node: Node, details?: TagDetails): string {
  const tokens: string[] = [node.kind];
  switch (node.kind) {
    case 'registry':
      tokens.push(node.login ? 'loggedIn' : 'loggedOut');
      if (node.login?.ownLogin) tokens.push('ownLogin');
      if (node.filter) tokens.push('filtered');
      if (searchApiOf(node.registry)) tokens.push('searchable');
      break;
    case 'repository':
      if (node.watched) tokens.push('watched');
      if (node.tagFilter) tokens.push('tagsFiltered');
      break;
    case 'tag':
      if (details && !details.error) tokens.push('resolved');
      if (details?.isIndex) tokens.push('index');
      break;
    case 'supplyItem':
      tokens.push(node.itemKind);
      break;
    case 'error':
    case 'message':
      tokens.push(...node.actions);
      break;
    default:
      break;
  }
  return tokens.join(' ');
}
