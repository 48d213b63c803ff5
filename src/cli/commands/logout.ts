import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const logoutCommand: CliCommand = {
  name: 'logout',
  summary: '(not built yet)',
  usage: 'regx logout',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx logout is not built yet');
  },
};
