import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const deleteCommand: CliCommand = {
  name: 'delete',
  summary: '(not built yet)',
  usage: 'regx delete',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx delete is not built yet');
  },
};
