import { RegxError } from '../../core/errors';
import type { CliCommand } from '../io';

export const tagCommand: CliCommand = {
  name: 'tag',
  summary: '(not built yet)',
  usage: 'regx tag',
  async run() {
    throw new RegxError('NOT_IMPLEMENTED', 'regx tag is not built yet');
  },
};
