// Production worker process: needs TEMPORAL_ADDRESS (and DATABASE_URL for PostgreSQL).
import { configOrExit, logger, onShutdown, openConfiguredDatabase, startWorker } from './runtime';
import { acquireDataDirOrExit } from './engine-lock';
import { waitForTemporal } from './temporal-server';

async function main() {
  const config = configOrExit({ requireTemporalAddress: true });
  const address = config.temporalAddress!;
  // The embedded database admits one process: this one takes the data directory (see engine-lock.ts).
  if (!config.databaseUrl) await acquireDataDirOrExit(config.dataDir, 'worker');
  await waitForTemporal(address, config.temporalNamespace, 120_000);
  const database = await openConfiguredDatabase(config);
  const worker = await startWorker(config, address, database);
  onShutdown([
    { name: 'worker', run: () => worker.stop() },
    { name: 'database', run: () => database.close() },
  ]);
  logger.info({ taskQueue: 'grantflow', temporal: address }, 'grantflow worker running');
}

main().catch((error) => {
  logger.error({ err: error }, 'worker failed to start');
  process.exit(1);
});
