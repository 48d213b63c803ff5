// Every verb `regx` knows, in the order help lists them.
import type { CliCommand } from '../io';
import { catalogCommand } from './catalog';
import { copyCommand } from './copy';
import { deleteCommand } from './delete';
import { generateSigstoreKeyCommand } from './generate-sigstore-key';
import { inspectCommand } from './inspect';
import { listTagsCommand } from './list-tags';
import { loginCommand } from './login';
import { logoutCommand } from './logout';
import { manifestDigestCommand } from './manifest-digest';
import { refCommand } from './ref';
import { referrersCommand } from './referrers';
import { syncCommand } from './sync';
import { tagCommand } from './tag';
import { verifyCommand } from './verify';

export const commands: CliCommand[] = [
  copyCommand,
  syncCommand,
  inspectCommand,
  deleteCommand,
  tagCommand,
  referrersCommand,
  verifyCommand,
  listTagsCommand,
  catalogCommand,
  loginCommand,
  logoutCommand,
  manifestDigestCommand,
  refCommand,
  generateSigstoreKeyCommand,
];
