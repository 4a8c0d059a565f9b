// `npm run backup -- FILE`: the embedded engine's data (database, Temporal state, attachments) into
// one archive. Refused while grantflow runs on the data directory (see server/backup.ts).
import { runDataDirCommand } from './data-dir-command';
import { backupDataDir } from '../server/backup';

void runDataDirCommand('backup', ({ dataDir, file }) => {
  const { contents, bytes } = backupDataDir(dataDir, file);
  return (
    `Backed up ${dataDir} (${contents.join(', ')}) to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB).\n` +
    `Restore it into a new data directory with: GRANTFLOW_DATA_DIR=<dir> npm run restore -- ${file}`
  );
});
