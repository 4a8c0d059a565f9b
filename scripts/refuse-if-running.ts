// Run before `npm start` builds anything (prestart): a start on a data directory that another
// process owns stops here, before the dashboard is rebuilt under the running engine's feet.
// Only an early, friendly check: the lock itself is taken by server/all-in-one.ts.
import { BUSY_EXIT_CODE, busyMessage, queryOwner } from '../server/engine-lock';
import { loadConfig } from '../server/config';

async function main() {
  let dataDir: string;
  try {
    dataDir = loadConfig().dataDir;
  } catch {
    return; // the start itself reports what is wrong with the configuration
  }
  const owner = await queryOwner(dataDir);
  if (owner === undefined) return;
  console.error(busyMessage(dataDir, owner ?? undefined));
  process.exit(BUSY_EXIT_CODE);
}

void main();
