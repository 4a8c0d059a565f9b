// `npm run temporal:setup`: registers grantflow's search attributes (workflows/search-attributes.ts)
// on the Temporal cluster at TEMPORAL_ADDRESS (default 127.0.0.1:7233), namespace TEMPORAL_NAMESPACE
// (default "default"); the same as `temporal operator search-attribute create` for each. Idempotent:
// attributes already there are left alone; one with another type is an error (exit 1). The compose
// file runs it before the worker and the API start. (Not to be confused with `setup:temporal`, which
// installs the Temporal binaries for `npm start` and the tests.)
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes, searchAttributeCliCommands } from './search-attributes';
import { waitForTemporal } from './temporal-server';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  await waitForTemporal(address, namespace, Number(process.env.TEMPORAL_SETUP_TIMEOUT_MS ?? 120_000));
  const connection = await Connection.connect({ address });
  try {
    const created = await ensureSearchAttributes(connection.operatorService, namespace);
    console.log(
      created.length > 0
        ? `[temporal:setup] created in namespace ${namespace}: ${created.join(', ')}`
        : `[temporal:setup] namespace ${namespace} has every grantflow search attribute already`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error(`[temporal:setup] ${error instanceof Error ? error.message : String(error)}`);
  console.error(
    `[temporal:setup] by hand, the same is:\n  ${searchAttributeCliCommands(process.env.TEMPORAL_NAMESPACE ?? 'default').join('\n  ')}`,
  );
  process.exit(1);
});
