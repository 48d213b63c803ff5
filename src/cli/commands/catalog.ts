import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const catalogCommand: CliCommand = {
  name: 'catalog',
  summary: '(not built yet)',
  usage: 'regx catalog',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx catalog is not built yet');
  },
};
