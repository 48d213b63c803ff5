import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const copyCommand: CliCommand = {
  name: 'copy',
  summary: '(not built yet)',
  usage: 'regx copy',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx copy is not built yet');
  },
};
