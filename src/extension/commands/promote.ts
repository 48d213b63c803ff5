// Promotion commands; the flows live in src/extension/promote/.
import { promote } from '../promote/promote-command';
import { dryRunSyncFile, syncFile } from '../promote/sync-file-run';
import type { Command } from './command';
import { commandIds } from './command-ids';

export const promoteCommand: Command = { id: commandIds.promote, title: 'Promote...', run: (ctx, arg) => promote(ctx, arg) };

export const syncFileDryRunCommand: Command = { id: commandIds.syncFileDryRun, title: 'Dry Run Sync File', run: (ctx, uri) => dryRunSyncFile(ctx, uri) };

export const syncFileCommand: Command = { id: commandIds.syncFile, title: 'Sync', run: (ctx, uri) => syncFile(ctx, uri) };
