// `npm run restore -- FILE`: a backup made by `npm run backup` into a data directory that holds no
// embedded state yet. Refused while grantflow runs on it (see server/backup.ts).
import { runDataDirCommand } from './data-dir-command';
import { restoreDataDir } from '../server/backup';

void runDataDirCommand('restore', ({ dataDir, file }) => {
  const manifest = restoreDataDir(dataDir, file);
  return `Restored ${file} (taken ${manifest.createdAt} from ${manifest.dataDir}) into ${dataDir}. Start it with npm start.`;
});
