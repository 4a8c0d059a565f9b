// Temporal access is not a way around the API (issue 13, item 9): an Update sent straight to the
// Temporal frontend without the API's actor claim, or with a claim the API did not make, is refused
// before anything is recorded, and the attempt is logged; the same Update through the API is taken.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signingClientOptions } from '../../api/services/actor-claims';
import { ACTOR_CLAIM_HEADER, CLAIM_LIFETIME_MS, signActorClaim } from '../../domain/actor-claim';
import { loadConfig } from '../../server/config';
import { actorSecretOf } from '../../server/runtime';
import {
  amendScheduleUpdate,
  contractStateQuery,
  contractWorkflowId,
  recordPaymentUpdate,
  reversePaymentUpdate,
  terminateUpdate,
} from '../../workflows/contract-messages';
import { REJECTION } from '../../workflows/rejection';
import { expectRejection } from '../helpers/rejections';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';
import { asc, eq } from 'drizzle-orm';
import { ledgerEntries } from '../../db/schema';
import { ApiError } from '../../api/errors';
import { apiErrorFromTemporal } from '../../api/services/temporal-errors';
import { TEST_ACTOR_SECRET } from '../helpers/temporal';
import { textReferenceOf } from '../../db/free-texts';

describe('Updates need the API’s actor claim', () => {
  let stack: Stack;
  let parties: Parties;
  let contractId = '';
  let workflowId = '';
  const logged = vi.fn();

  const payment = (reference: string, recordedBy = 'usr_someone_else') => ({
    reference,
    amount: '100000.00',
    receivedOn: '2023-01-05',
    fundingSource: 'fiscal' as const,
    recordedBy,
  });
  /** A client on the same frontend with the given interceptors (none: a bare Temporal client). */
  const clientWith = (interceptors: WorkflowClientInterceptor[]) =>
    new Client({
      connection: stack.client.connection,
      namespace: stack.client.options.namespace,
      interceptors: { workflow: interceptors },
    });
  /** The refusal of an Update without a valid actor claim (the interceptor's kind). */
  const refusal = async (sending: Promise<unknown>) =>
    (await expectRejection(sending, REJECTION.actorClaimRefused)).failure;
  /** The ledger as recorded: the read model's rows (the workflow keeps only a summary). */
  const ledgerReferences = async () =>
    (
      await stack.database.handle.db
        .select({ reference: ledgerEntries.reference })
        .from(ledgerEntries)
        .where(eq(ledgerEntries.contractId, contractId))
        .orderBy(asc(ledgerEntries.id))
    ).map((row) => row.reference);
  /** The history as text, every payload decoded (payload data travels as bytes, base64 in JSON). */
  const historyText = async () => {
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const decoded: string[] = [];
    const walk = (value: unknown, key = ''): void => {
      if (value instanceof Uint8Array) decoded.push(Buffer.from(value).toString('utf8'));
      else if (key === 'data' && typeof value === 'string') decoded.push(Buffer.from(value, 'base64').toString('utf8'));
      else if (Array.isArray(value)) value.forEach((v) => walk(v));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
    };
    walk(history);
    expect(decoded.length).toBeGreaterThan(0);
    return `${JSON.stringify(history)}\n${decoded.join('\n')}`;
  };

  beforeAll(async () => {
    // Workflow logs reach the Runtime's logger through the worker's sink.
    const runtimeLogger = Runtime.instance().logger;
    const original = runtimeLogger.log.bind(runtimeLogger);
    vi.spyOn(runtimeLogger, 'log').mockImplementation((level, message, meta) => {
      logged(level, message, meta);
      if (message !== 'refused an Update without a valid actor claim') original(level, message, meta);
    });
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    contractId = `claims-${Date.now()}`;
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id: contractId, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
    workflowId = contractWorkflowId(contractId);
  });
  afterAll(async () => {
    await stack?.stop();
    vi.restoreAllMocks();
  });

  it('refuses an Update without a claim, records nothing and logs the attempt', async () => {
    const bare = clientWith([]).workflow.getHandle(workflowId);
    const failure = await refusal(bare.executeUpdate(recordPaymentUpdate, { args: [payment('RAW-1')] }));
    expect(failure.message).toMatch(/recordPayment refused: it carries no actor claim/);

    expect(await ledgerReferences()).not.toContain('RAW-1');
    expect(await historyText()).not.toContain('RAW-1'); // a refused Update leaves no event
    const detail = await stack.http('GET', `/v1/contracts/${contractId}`, { token: parties.tokens.finance });
    expect(detail.body.received).toBe('0.00');
    expect(logged).toHaveBeenCalledWith(
      'WARN',
      'refused an Update without a valid actor claim',
      expect.objectContaining({ update: 'recordPayment', refusal: 'missing', workflowId }),
    );
  });

  it('refuses every kind of change a contract takes, before its own validator', async () => {
    const bare = clientWith([]).workflow.getHandle(workflowId);
    const attempts = [
      bare.executeUpdate(reversePaymentUpdate, {
        args: [{ reference: 'RAW-1', reason: textReferenceOf('tests', 'x'), recordedBy: 'usr_x' }],
      }),
      bare.executeUpdate(amendScheduleUpdate, {
        args: [{ tranches: [], checkpoints: [], reason: textReferenceOf('tests', 'x'), amendedBy: 'usr_x' }],
      }),
      bare.executeUpdate(terminateUpdate, {
        args: [{ reason: textReferenceOf('tests', 'taken over'), terminatedBy: 'usr_x' }],
      }),
    ];
    // Each refused with the interceptor's kind.
    await Promise.all(attempts.map(refusal));
    expect((await stack.client.workflow.getHandle(workflowId).query(contractStateQuery)).status).toBe('active');
  });

  it('refuses a claim signed with another secret, made for other arguments, expired or malformed', async () => {
    const forged = clientWith(
      signingClientOptions('another-secret-that-is-long-enough-0123').interceptors!
        .workflow as WorkflowClientInterceptor[],
    );
    const byOtherSecret = await refusal(
      forged.workflow.getHandle(workflowId).executeUpdate(recordPaymentUpdate, { args: [payment('RAW-2')] }),
    );
    expect(byOtherSecret.message).toMatch(/not the API’s signature/);

    // A real claim, lifted from an Update the API signed, reused with another actor.
    const swapActor: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        const args = input.args as [ReturnType<typeof payment>];
        const claim = signActorClaim(TEST_ACTOR_SECRET, { workflowId, update: input.updateName, args }, Date.now());
        return next({
          ...input,
          args: [{ ...args[0], recordedBy: 'usr_mallory' }],
          headers: { ...input.headers, [ACTOR_CLAIM_HEADER]: defaultPayloadConverter.toPayload(claim) },
        });
      },
    };
    // Refused with the interceptor's kind (refusal asserts it).
    await refusal(
      clientWith([swapActor])
        .workflow.getHandle(workflowId)
        .executeUpdate(recordPaymentUpdate, { args: [payment('RAW-3')] }),
    );

    // A claim the API made long ago, sent again.
    const stale: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        const claim = signActorClaim(
          TEST_ACTOR_SECRET,
          { workflowId, update: input.updateName, args: input.args },
          Date.now() - CLAIM_LIFETIME_MS - 60_000,
        );
        return next({
          ...input,
          headers: { ...input.headers, [ACTOR_CLAIM_HEADER]: defaultPayloadConverter.toPayload(claim) },
        });
      },
    };
    const expired = await refusal(
      clientWith([stale])
        .workflow.getHandle(workflowId)
        .executeUpdate(recordPaymentUpdate, { args: [payment('RAW-5')] }),
    );
    expect(expired.message).toMatch(/expired/);

    const garbage: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        return next({
          ...input,
          headers: {
            ...input.headers,
            [ACTOR_CLAIM_HEADER]: defaultPayloadConverter.toPayload({ v: 1, exp: Date.now() + 60_000, mac: 'not hex' }),
          },
        });
      },
    };
    const malformed = await refusal(
      clientWith([garbage])
        .workflow.getHandle(workflowId)
        .executeUpdate(recordPaymentUpdate, { args: [payment('RAW-4')] }),
    );
    expect(malformed.message).toMatch(/malformed/);

    expect(await ledgerReferences()).toEqual([]);
    expect(logged).toHaveBeenCalledWith(
      'WARN',
      'refused an Update without a valid actor claim',
      expect.objectContaining({ refusal: 'forged' }),
    );
    expect(logged).toHaveBeenCalledWith(
      'WARN',
      'refused an Update without a valid actor claim',
      expect.objectContaining({ refusal: 'malformed' }),
    );
    expect(logged).toHaveBeenCalledWith(
      'WARN',
      'refused an Update without a valid actor claim',
      expect.objectContaining({ refusal: 'expired' }),
    );
  });

  it('answers 503, not 500, when the API and the worker hold different secrets', async () => {
    // What the API does with the refusal a mismatched secret causes: the worker refused, nothing
    // was recorded, and the client may send the request again once the two agree.
    const mismatched = clientWith(
      signingClientOptions('a-secret-the-worker-does-not-hold-0123456').interceptors!
        .workflow as WorkflowClientInterceptor[],
    );
    const error = await mismatched.workflow
      .getHandle(workflowId)
      .executeUpdate(recordPaymentUpdate, { args: [payment('RAW-MISMATCH')] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const answered = apiErrorFromTemporal(error, `Contract ${contractId}`);
    expect(answered).toBeInstanceOf(ApiError);
    expect([(answered as ApiError).statusCode, (answered as ApiError).code]).toEqual([503, 'unavailable']);
    expect(await ledgerReferences()).not.toContain('RAW-MISMATCH');
  });

  it('takes the same payment through the API, and keeps the secret out of the history', async () => {
    const paid = await stack.http('POST', `/v1/contracts/${contractId}/payments`, {
      token: parties.tokens.finance,
      body: { reference: 'API-1', amount: '100000.00', receivedOn: '2023-01-05', fundingSource: 'fiscal' },
    });
    expect(paid.status).toBe(201);
    expect(await ledgerReferences()).toEqual(['API-1']);
    const history = await historyText();
    expect(history).toContain('API-1');
    expect(history).not.toContain(TEST_ACTOR_SECRET);
  });
});

describe('the actor secret of `npm start`', () => {
  it('is generated once in the data directory, readable by its owner only, and kept', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-secret-'));
    try {
      const config = loadConfig({ GRANTFLOW_DATA_DIR: dataDir });
      const first = actorSecretOf(config);
      expect(first.length).toBeGreaterThanOrEqual(32);
      const file = path.join(dataDir, 'actor-secret');
      expect(readFileSync(file, 'utf8').trim()).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(actorSecretOf(config)).toBe(first);
      const configured = 'c'.repeat(40);
      expect(actorSecretOf(loadConfig({ GRANTFLOW_DATA_DIR: dataDir, GRANTFLOW_ACTOR_SECRET: configured }))).toBe(
        configured,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
