import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const listTagsCommand: CliCommand = {
  name: 'list-tags',
  summary: '(not built yet)',
  usage: 'regx list-tags',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx list-tags is not built yet');
  },
};
