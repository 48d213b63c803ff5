import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const refCommand: CliCommand = {
  name: 'ref',
  summary: '(not built yet)',
  usage: 'regx ref',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx ref is not built yet');
  },
};
