// What backup and restore share: the FILE argument, the configuration, the data directory's lock
// (held for the whole command, so no engine starts meanwhile) and plain messages instead of stacks.
import path from 'node:path';
import { BackupError } from '../server/backup';
import { loadConfig } from '../server/config';
import { acquireDataDirOrExit } from '../server/engine-lock';

export async function runDataDirCommand(
  role: 'backup' | 'restore',
  run: (args: { dataDir: string; file: string }) => string,
): Promise<void> {
  const given = process.argv[2];
  if (!given || process.argv.length > 3) {
    console.error(`usage: npm run ${role} -- FILE`);
    process.exit(64);
  }
  // npm runs scripts in the project's folder; a relative FILE means the folder the user typed it in.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
  let dataDir: string;
  try {
    const config = loadConfig();
    if (config.databaseUrl) {
      console.error(
        `DATABASE_URL is set: the database is that PostgreSQL server; back it up with its own tools (pg_dump). ` +
          `npm run ${role} covers the embedded database only (DATABASE_URL unset).`,
      );
      process.exit(64);
    }
    dataDir = config.dataDir;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(78);
  }
  const lock = await acquireDataDirOrExit(dataDir, role, role === 'backup' ? 'writing a backup' : 'restoring a backup');
  try {
    console.log(run({ dataDir, file }));
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    console.error(`${role} refused: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await lock.release();
  }
}
