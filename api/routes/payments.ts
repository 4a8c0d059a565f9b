import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, onlyRoles } from '../plugins/auth';
import { errors } from '../schemas';
import type { ContractService } from '../services/contracts';
import { LedgerEntryView, PaymentInput, ReasonInput } from './contracts.schemas';

const ContractParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const paymentRoutes: FastifyPluginAsyncTypebox<{ contracts: ContractService }> = async (app, { contracts }) => {
  app.post(
    '/v1/contracts/:id/payments',
    {
      config: onlyRoles(['finance_officer'], 'record payments'),
      schema: {
        tags: ['payments'],
        summary:
          'Record a payment received (finance_officer of the payer). 201 when recorded; 200 with the original ' +
          'when the same reference comes again with the same content; 409 with other content.',
        params: ContractParams,
        body: PaymentInput,
        response: { 200: LedgerEntryView, 201: LedgerEntryView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await contracts.recordPayment(actorOf(request), request.params.id, request.body);
      return reply.status(result.created ? 201 : 200).send(result.entry);
    },
  );

  app.post(
    '/v1/contracts/:id/payments/:reference/reversal',
    {
      config: onlyRoles(['finance_officer'], 'reverse payments'),
      schema: {
        tags: ['payments'],
        summary:
          'Reverse a recorded payment with a reason (finance_officer of the payer). Nothing is edited or deleted.',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          reference: Type.String({ minLength: 1, maxLength: 100 }),
        }),
        body: ReasonInput,
        response: { 200: LedgerEntryView, 201: LedgerEntryView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id, reference } = request.params;
      const result = await contracts.reversePayment(actorOf(request), id, reference, request.body.reason);
      return reply.status(result.created ? 201 : 200).send(result.entry);
    },
  );
};
