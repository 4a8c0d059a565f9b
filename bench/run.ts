// Benchmark (not a test): recording payments through the API vs. directly as Temporal Updates, and
// reading a contract from the read model vs. a workflow query, on one dev server in one run.
//   npm run bench -- [payments=300] [reads=300]
//   npm run bench -- histories      (bench/histories.ts: history bytes and events per workflow kind)
//   npm run bench -- replay [payments=380] (bench/replay-cost.ts: replay cost per history event)
// Reports median and p99 of each and their ratios (targets: API ≤ 1.5× raw Update; read model
// ≤ 0.2× query). Runs are interleaved in rounds so machine noise hits both sides alike.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ContractService } from '../api/services/contracts';
import { shanghaiDate } from '../domain/dates';
import { contractStateQuery, contractWorkflowId, recordPaymentUpdate } from '../workflows/contract-messages';
import { registerParties } from '../tests/helpers/parties';
import { startStack } from '../tests/helpers/stack';
import { sCountyContract } from '../tests/fixtures/s-county';

const payments = Number(process.argv[2] ?? 300);
const reads = Number(process.argv[3] ?? 300);
const ROUND = 10;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, median: at(0.5), p99: at(0.99) };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The bench measures payments, not the write limit that would stop a burst like it.
  const stack = await startStack({ rateLimits: { authFailuresPerMinute: 30, writesPerMinute: 0 } });
  const { http, client, taskQueue, database } = stack;
  const parties = await registerParties(http, stack.adminToken);

  // Two identical contracts big enough for every payment: one paid through the API, one directly.
  const start = async (id: string) => {
    const res = await http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  };
  await start('bench-api');
  await start('bench-raw');
  const raw = client.workflow.getHandle(contractWorkflowId('bench-raw'));
  const today = shanghaiDate(Date.now());
  const body = (i: number) => ({
    reference: `B-${i}`,
    amount: '1.00',
    receivedOn: today,
    fundingSource: 'fiscal' as const,
  });

  const apiPay: number[] = [];
  const rawPay: number[] = [];
  for (let round = 0; round * ROUND < payments; round++) {
    for (let k = 0; k < ROUND; k++) {
      const i = round * ROUND + k;
      apiPay.push(
        await time(async () => {
          const res = await http('POST', '/v1/contracts/bench-api/payments', {
            token: parties.tokens.finance,
            body: body(i),
          });
          if (res.status !== 201) throw new Error(JSON.stringify(res.body));
        }),
      );
    }
    for (let k = 0; k < ROUND; k++) {
      const i = round * ROUND + k;
      rawPay.push(
        await time(() => raw.executeUpdate(recordPaymentUpdate, { args: [{ ...body(i), recordedBy: 'usr_bench' }] })),
      );
    }
  }

  const apiRead: number[] = [];
  const serviceRead: number[] = [];
  const queryRead: number[] = [];
  // The same read without HTTP and authentication: the read model behind the endpoint.
  const service = new ContractService(database.handle.db, client, taskQueue);
  const admin = { userId: 'usr_admin', organizationId: null, roles: ['admin' as const] };
  for (let round = 0; round * ROUND < reads; round++) {
    for (let k = 0; k < ROUND; k++) serviceRead.push(await time(() => service.detail(admin, 'bench-api')));
    for (let k = 0; k < ROUND; k++) {
      apiRead.push(
        await time(async () => {
          const res = await http('GET', '/v1/contracts/bench-api', { token: parties.tokens.finance });
          if (res.status !== 200) throw new Error(JSON.stringify(res.body));
        }),
      );
    }
    for (let k = 0; k < ROUND; k++) queryRead.push(await time(() => raw.query(contractStateQuery)));
  }

  const result = {
    ledgerSize: payments,
    database: database.handle.kind,
    payments: { api: stats(apiPay), rawUpdate: stats(rawPay) },
    reads: { api: stats(apiRead), readModel: stats(serviceRead), workflowQuery: stats(queryRead) },
  };
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  console.log(JSON.stringify(result, null, 2));
  console.log(
    [
      `payments (n=${payments}): API median ${result.payments.api.median.toFixed(1)} ms, p99 ${result.payments.api.p99.toFixed(1)} ms;`,
      `  raw Update median ${result.payments.rawUpdate.median.toFixed(1)} ms, p99 ${result.payments.rawUpdate.p99.toFixed(1)} ms;`,
      `  ratio API/raw: median ${ratio(result.payments.api.median, result.payments.rawUpdate.median)}×, p99 ${ratio(result.payments.api.p99, result.payments.rawUpdate.p99)}× (target ≤ 1.5×)`,
      `contract detail (n=${reads}, ${payments} ledger entries): GET /v1/contracts/:id median ${result.reads.api.median.toFixed(1)} ms, p99 ${result.reads.api.p99.toFixed(1)} ms;`,
      `  read model (service, no HTTP) median ${result.reads.readModel.median.toFixed(1)} ms, p99 ${result.reads.readModel.p99.toFixed(1)} ms;`,
      `  workflow query median ${result.reads.workflowQuery.median.toFixed(1)} ms, p99 ${result.reads.workflowQuery.p99.toFixed(1)} ms;`,
      `  ratio API/query: median ${ratio(result.reads.api.median, result.reads.workflowQuery.median)}×, p99 ${ratio(result.reads.api.p99, result.reads.workflowQuery.p99)}×;` +
        ` read model/query: median ${ratio(result.reads.readModel.median, result.reads.workflowQuery.median)}×, p99 ${ratio(result.reads.readModel.p99, result.reads.workflowQuery.p99)}× (target ≤ 0.2×)`,
    ].join('\n'),
  );

  await stack.stop();
}

(process.argv[2] === 'histories'
  ? import('./histories').then((m) => m.benchHistories())
  : process.argv[2] === 'replay'
    ? import('./replay-cost').then((m) => m.benchReplay(process.argv[3] ? Number(process.argv[3]) : undefined))
    : main()
).catch((error) => {
  console.error(error);
  process.exit(1);
});
