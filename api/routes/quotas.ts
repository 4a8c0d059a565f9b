import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERIOD_STATUSES } from '../../domain/quotas';
import { Type } from 'typebox';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { QUOTA_METRICS, QUOTA_PERIODS } from '../../domain/quotas';
import { CONTRACTOR_STAFF_ROLES } from '../../domain/organizations';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  AttachmentMetaSchema,
  errors,
  IdempotencyHeaders,
  IdSchema,
  MAX_NOTE_LENGTH,
  MAX_PROGRESS_ATTACHMENTS,
  NullableString,
  QueryDay,
  UploadedAttachmentSchema,
} from '../schemas';
import type { IdempotencyService } from '../services/idempotency';
import { sendIdempotently } from './idempotent';
import type { QuotaService } from '../services/quotas';

const closed = { additionalProperties: false } as const;
const ContractParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A day (YYYY-MM-DD, Asia/Shanghai)' });

const ProgressRecord = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    station: Type.String(),
    metric: Type.Enum(QUOTA_METRICS),
    count: Type.Integer(),
    date: Type.String(),
    evidence: Type.Object({ note: NullableString(), attachments: Type.Array(AttachmentMetaSchema) }, closed),
    recordedBy: Type.String(),
    recordedAt: Type.String(),
  },
  closed,
);

export const QuotaStandingView = Type.Object(
  {
    quotaId: Type.String(),
    metric: Type.Enum(QUOTA_METRICS),
    period: Type.Enum(QUOTA_PERIODS),
    station: NullableString(),
    periodKey: Type.String(),
    from: Type.String(),
    to: Type.String(),
    target: Type.Integer(),
    achieved: Type.Integer(),
    shortfall: Type.Integer(),
    status: Type.Enum(PERIOD_STATUSES),
  },
  closed,
);

export const quotaRoutes: FastifyPluginAsyncTypebox<{ quotas: QuotaService; idempotency: IdempotencyService }> = async (
  app,
  { quotas, idempotency },
) => {
  app.post(
    '/v1/contracts/:id/progress',
    {
      bodyLimit: MAX_UPLOAD_REQUEST_BYTES,
      config: onlyRoles(CONTRACTOR_STAFF_ROLES, 'record progress'),
      schema: {
        tags: ['quotas'],
        summary:
          "Record indicator progress (station_staff or contractor_staff of the contractor): so many village visits, casework sessions… on a day, with evidence. At each period's end a shortfall escalates (quotaShortfall). Honours Idempotency-Key.",
        params: ContractParams,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            station: IdSchema,
            metric: Type.Enum(QUOTA_METRICS),
            count: Type.Integer(),
            date: Day,
            evidence: Type.Optional(
              Type.Object(
                {
                  note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
                  attachments: Type.Optional(
                    Type.Array(UploadedAttachmentSchema, { maxItems: MAX_PROGRESS_ATTACHMENTS }),
                  ),
                },
                closed,
              ),
            ),
          },
          closed,
        ),
        response: { 201: ProgressRecord, ...errors(400, 401, 403, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const key = request.headers['idempotency-key'];
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { contract: request.params.id, body: request.body },
        async () => ({ statusCode: 201, body: await quotas.record(actor, request.params.id, request.body, key) }),
      );
    },
  );

  app.get(
    '/v1/contracts/:id/progress',
    {
      schema: {
        tags: ['quotas'],
        summary: 'Recorded progress, oldest first.',
        params: ContractParams,
        querystring: Type.Object(
          {
            station: Type.Optional(IdSchema),
            metric: Type.Optional(Type.Enum(QUOTA_METRICS)),
            from: Type.Optional(QueryDay('Records on or after this day (YYYY-MM-DD)')),
            to: Type.Optional(QueryDay('Records on or before this day (YYYY-MM-DD)')),
          },
          closed,
        ),
        response: { 200: Type.Object({ items: Type.Array(ProgressRecord) }, closed), ...errors(400, 401, 404) },
      },
    },
    async (request) => quotas.records(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/v1/contracts/:id/quotas',
    {
      schema: {
        tags: ['quotas'],
        summary:
          "Each quota's standing per station (station null: the stations together) and period: target, achieved, shortfall, status.",
        params: ContractParams,
        querystring: Type.Object(
          {
            station: Type.Optional(IdSchema),
            quota: Type.Optional(IdSchema),
            status: Type.Optional(Type.Enum(PERIOD_STATUSES)),
          },
          closed,
        ),
        response: { 200: Type.Object({ items: Type.Array(QuotaStandingView) }, closed), ...errors(400, 401, 404) },
      },
    },
    async (request) => quotas.standings(actorOf(request), request.params.id, request.query),
  );
};
