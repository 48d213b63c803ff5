// Promotion commands; the flows live in src/extension/promote/.
import { promote } from '../promote/promote-command';
import { dryRunSyncFile, syncFile } from '../promote/sync-file';
import type { Command } from './command';

export const promoteCommand: Command = { id: 'registryExplorer.promote', title: 'Promote...', run: (ctx, arg) => promote(ctx, arg) };

export const syncFileDryRunCommand: Command = { id: 'registryExplorer.syncFileDryRun', title: 'Dry Run Sync File', run: (ctx, uri) => dryRunSyncFile(ctx, uri) };

export const syncFileCommand: Command = { id: 'registryExplorer.syncFile', title: 'Sync', run: (ctx, uri) => syncFile(ctx, uri) };
