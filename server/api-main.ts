// Production API process: needs TEMPORAL_ADDRESS (and DATABASE_URL for PostgreSQL).
import { bootstrapAdmin, configOrExit, logger, onShutdown, openConfiguredDatabase, startApi } from './runtime';
import { acquireDataDirOrExit } from './engine-lock';
import { waitForTemporal } from './temporal-server';

async function main() {
  const config = configOrExit({ requireTemporalAddress: true });
  const address = config.temporalAddress!;
  // The embedded database admits one process: this one takes the data directory (see engine-lock.ts).
  if (!config.databaseUrl) await acquireDataDirOrExit(config.dataDir, 'api');
  await waitForTemporal(address, config.temporalNamespace, 120_000);
  const database = await openConfiguredDatabase(config);
  await bootstrapAdmin(config, database);
  const api = await startApi(config, address, database);
  onShutdown([
    { name: 'api', run: () => api.stop() },
    { name: 'database', run: () => database.close() },
  ]);
  logger.info({ url: api.url, docs: `${api.url}/docs` }, 'grantflow API listening');
}

main().catch((error) => {
  logger.error({ err: error }, 'API failed to start');
  process.exit(1);
});
