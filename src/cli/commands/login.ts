import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const loginCommand: CliCommand = {
  name: 'login',
  summary: '(not built yet)',
  usage: 'regx login',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx login is not built yet');
  },
};
