// Operators' routes: what in the engine needs a person (admin only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { STUCK_REASONS } from '../../domain/notices';
import { onlyRoles } from '../plugins/auth';
import { errors, NullableString } from '../schemas';
import { MAX_SCANNED_WORKFLOWS, type OperatorService } from '../services/operators';

const ProjectionFailure = Type.Object(
  {
    activity: Type.String(),
    message: Type.String(),
    since: Type.String(),
    rounds: Type.Integer(),
    nextTryAt: Type.String(),
    pending: Type.Integer(),
  },
  { additionalProperties: false },
);

const StuckWorkflow = Type.Object(
  {
    workflowId: Type.String(),
    runId: Type.String(),
    workflowType: Type.String(),
    contractId: NullableString(),
    reason: Type.Enum(STUCK_REASONS),
    attempts: Type.Integer({
      description: "The failing workflow task's attempt, or the projection's rounds of retries",
    }),
    since: NullableString(),
    detail: Type.String(),
    projection: Type.Union([ProjectionFailure, Type.Null()]),
  },
  { additionalProperties: false },
);

export const adminRoutes: FastifyPluginAsyncTypebox<{ operators: OperatorService }> = async (app, { operators }) => {
  app.get(
    '/v1/admin/stuck-workflows',
    {
      config: onlyRoles(['admin'], 'see stuck workflows'),
      schema: {
        tags: ['operations'],
        summary:
          'Running workflows that need an operator: workflow tasks failing again and again, or a projection that cannot be written (retried hourly). Admin only; each is also announced once in the administrators\u2019 inbox.',
        response: {
          200: Type.Object(
            {
              items: Type.Array(StuckWorkflow, { maxItems: 2 * MAX_SCANNED_WORKFLOWS }),
              scanned: Type.Integer({ description: 'Running workflows of the task queue looked at' }),
              truncated: Type.Boolean({
                description: `More than ${MAX_SCANNED_WORKFLOWS} were running; the rest were not looked at`,
              }),
              scannedAt: Type.String({ format: 'date-time' }),
            },
            { additionalProperties: false },
          ),
          ...errors(401, 403, 503),
        },
      },
    },
    async () => operators.scan(),
  );
};
