// `npm start`: Temporal dev server (unless TEMPORAL_ADDRESS), database, migrations, worker and API
// in one process tree, stopped together on SIGINT/SIGTERM.
import path from 'node:path';
import { obtainTemporalServer } from './temporal-server';
import { bootstrapAdmin, configOrExit, logger, onShutdown, openConfiguredDatabase, startApi, startWorker } from './runtime';

async function main() {
  const config = configOrExit();
  const temporal = await obtainTemporalServer({
    address: config.temporalAddress,
    namespace: config.temporalNamespace,
    dbFilename: path.join(config.dataDir, 'temporal', 'dev-server.sqlite'),
    port: config.temporalPort,
    uiPort: config.temporalUiPort,
  });
  const stops: Array<{ name: string; run: () => Promise<void> }> = [];
  onShutdown(stops);
  stops.push({ name: 'temporal', run: () => temporal.stop() });
  try {
    const database = await openConfiguredDatabase(config);
    stops.unshift({ name: 'database', run: () => database.close() });
    await bootstrapAdmin(config, database);
    const worker = await startWorker(config, temporal.address, database);
    stops.unshift({ name: 'worker', run: () => worker.stop() });
    const api = await startApi(config, temporal.address, database);
    stops.unshift({ name: 'api', run: () => api.stop() });

    console.log(
      [
        '',
        'grantflow is running',
        `  API:              ${api.url}`,
        `  API docs:         ${api.url}/docs`,
        `  Temporal:         ${temporal.address} (namespace ${temporal.namespace})`,
        ...(temporal.uiUrl ? [`  Temporal Web UI:  ${temporal.uiUrl}`] : []),
        `  Data directory:   ${config.dataDir}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    for (const step of stops) await step.run().catch(() => {});
    process.exit(1);
  }
}

void main();
