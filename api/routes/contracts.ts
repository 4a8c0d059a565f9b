import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CONTRACT_STATUSES } from '../../domain/status';
import { Type } from 'typebox';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  CursorQuery,
  errors,
  IdempotencyHeaders,
  MAX_ID_LENGTH,
  MAX_OFFSET,
  MAX_ROW_ID,
  NextCursor,
  NullableInteger,
  NullableString,
  RowId,
} from '../schemas';
import { MAX_COUNTED } from '../services/cursor';
import type { ContractDefinitionInput } from '../../domain/contract';
import type { ContractService } from '../services/contracts';
import type { IdempotencyService } from '../services/idempotency';
import { sendIdempotently } from './idempotent';
import {
  AmendmentInput,
  ContractDefinition,
  ContractDetailView,
  ContractSummaryView,
  ReasonInput,
} from './contracts.schemas';

const ContractParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }) });

/** One audit event on a contract's timeline (domain/events.ts AuditEvent as stored, with its row id and the actor's name). */
export const TimelineEventView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    actorId: NullableString(),
    /** The acting user's name; null for the engine's own events. */
    actorName: NullableString(),
    occurredAt: Type.String(),
    payload: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: false },
);

export const contractRoutes: FastifyPluginAsyncTypebox<{
  contracts: ContractService;
  idempotency: IdempotencyService;
}> = async (app, { contracts, idempotency }) => {
  app.post(
    '/v1/contracts',
    {
      config: {
        ...onlyRoles(['agency_officer'], 'start contracts'),
        // A definition that fails its schema is judged by the business rules too, so one answer lists every problem.
        alsoCheck: async (body) => {
          const result = await contracts.validate(body as ContractDefinitionInput);
          return result.ok ? [] : result.problems;
        },
      },
      schema: {
        tags: ['contracts'],
        summary: "Start a contract's workflow (agency_officer of the purchaser). Honours Idempotency-Key.",
        headers: IdempotencyHeaders,
        body: ContractDefinition,
        response: { 201: ContractDetailView, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return sendIdempotently(reply, idempotency, actor.userId, request.body, async () => ({
        statusCode: 201,
        body: await contracts.create(actor, request.body, {
          resumable: request.headers['idempotency-key'] !== undefined,
        }),
      }));
    },
  );

  app.get(
    '/v1/contracts',
    {
      schema: {
        tags: ['contracts'],
        summary:
          "Contracts the caller's organization is party to, oldest first (created_at, id). Page with `cursor` (the previous page's `nextCursor`); `offset` skips that many more.",
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(CONTRACT_STATUSES)),
            overdue: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 }),
            cursor: CursorQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              items: Type.Array(ContractSummaryView, { maxItems: 200 }),
              total: Type.Integer({
                description: `Contracts matching the filters (before cursor and offset), counted up to ${MAX_COUNTED}; more than that when totalExact is false`,
              }),
              totalExact: Type.Boolean({
                description: `False when more than ${MAX_COUNTED} contracts match (total then says ${MAX_COUNTED})`,
              }),
              limit: Type.Integer(),
              offset: Type.Integer(),
              nextCursor: NextCursor(),
            },
            { additionalProperties: false },
          ),
          ...errors(400, 401),
        },
      },
    },
    async (request) => contracts.list(actorOf(request), request.query),
  );

  app.get(
    '/v1/contracts/:id',
    {
      schema: {
        tags: ['contracts'],
        summary: 'One contract with its figures as of now: received, due, arrears, checkpoints, payroll, ledger.',
        params: ContractParams,
        response: { 200: ContractDetailView, ...errors(401, 404) },
      },
    },
    async (request) => contracts.detail(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/contracts/:id/events',
    {
      schema: {
        tags: ['contracts'],
        summary:
          "The contract's timeline: every event with its actor and time, oldest first (`order=desc`: newest first, paged with `before`).",
        params: ContractParams,
        querystring: Type.Object(
          {
            after: Type.Integer({
              minimum: 0,
              maximum: MAX_ROW_ID,
              default: 0,
              description: "Return events after this id (the previous page's `next`)",
            }),
            before: Type.Optional(RowId("With order=desc: events before this id (the previous page's `next`)")),
            order: Type.Enum(['asc', 'desc'], { default: 'asc' }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              items: Type.Array(TimelineEventView),
              next: NullableInteger(),
            },
            { additionalProperties: false },
          ),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => contracts.timeline(actorOf(request), request.params.id, request.query),
  );

  app.post(
    '/v1/contracts/:id/schedule',
    {
      config: onlyRoles(['agency_officer'], 'amend disbursement schedules'),
      schema: {
        tags: ['contracts'],
        summary:
          'Amend the disbursement schedule (agency_officer of the purchaser); versioned and recorded. With an Idempotency-Key, a retry is the same version.',
        params: ContractParams,
        headers: IdempotencyHeaders,
        body: AmendmentInput,
        response: { 200: ContractDetailView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const key = request.headers['idempotency-key'];
      // A repeat gets the first answer; a retry the first never answered (a 503) is recognised by the workflow (amendment id).
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { id: request.params.id, body: request.body },
        async () => ({
          statusCode: 200,
          body: await contracts.amendSchedule(actor, request.params.id, request.body, key),
        }),
      );
    },
  );

  app.post(
    '/v1/contracts/:id/termination',
    {
      config: onlyRoles(['agency_officer'], 'terminate contracts'),
      schema: {
        tags: ['contracts'],
        summary: 'Terminate the contract with a reason (agency_officer of the purchaser).',
        params: ContractParams,
        body: ReasonInput,
        response: { 200: ContractDetailView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => contracts.terminate(actorOf(request), request.params.id, request.body.reason),
  );
};
