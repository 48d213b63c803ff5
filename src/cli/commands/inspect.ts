import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: '(not built yet)',
  usage: 'regx inspect',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx inspect is not built yet');
  },
};
