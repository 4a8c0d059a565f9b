import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ESCALATION_PARTIES, ESCALATION_STATES, STEP_KINDS } from '../../domain/escalation';
import { SEVERITIES } from '../../domain/severity';
import { CHECKPOINT_STATES, TRANCHE_STATES } from '../../domain/status';
import { actorOf } from '../plugins/auth';
import { CursorQuery, errors, NextCursor, NullableString, TextSchema } from '../schemas';
import type { EscalationService } from '../services/escalations';

const closed = { additionalProperties: false } as const;

/** One escalation level, as GET /v1/escalations and /v1/escalations/:id show it. */
export const EscalationView = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    step: Type.Object({ id: Type.String(), kind: Type.Enum(STEP_KINDS), reference: Type.String() }, closed),
    level: Type.Integer(),
    severity: Type.Enum(SEVERITIES),
    state: Type.Enum(ESCALATION_STATES),
    notifiedParties: Type.Array(Type.Enum(ESCALATION_PARTIES)),
    notifiedOrganizationIds: Type.Array(Type.String()),
    summary: TextSchema,
    dueAt: Type.String(),
    openedAt: Type.String(),
    acknowledgedAt: NullableString(),
    acknowledgedBy: NullableString(),
    acknowledgementNote: NullableString(),
    closedAt: NullableString(),
    // Beside the text written when the escalation opened: where a money step stands now.
    current: Type.Union([
      Type.Object(
        {
          asOf: Type.String({ description: 'When these figures were computed (ISO 8601)' }),
          status: Type.Enum([...CHECKPOINT_STATES, ...TRANCHE_STATES], {
            description: "The checkpoint's or tranche's status now",
          }),
          required: Type.String({ description: 'What the step requires: the checkpoint amount or the tranche, CNY' }),
          received: Type.String({ description: 'Received toward it so far, CNY' }),
          outstanding: Type.String({ description: 'Still missing today, CNY' }),
          summary: TextSchema,
        },
        { ...closed, description: "Today's figures of a payment shortfall or overdue tranche (null for other steps)" },
      ),
      Type.Null(),
    ]),
  },
  closed,
);
const MAX_PAGE = 200;
const EscalationList = Type.Object(
  { items: Type.Array(EscalationView, { maxItems: MAX_PAGE }), nextCursor: NextCursor() },
  closed,
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(ESCALATION_STATES)),
    limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: MAX_PAGE }),
    cursor: CursorQuery,
  },
  closed,
);
const ContractParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** GET /v1/contracts/:id/delays. */
export const DelaysView = Type.Object(
  {
    parties: Type.Array(
      Type.Object(
        {
          party: Type.Enum(ESCALATION_PARTIES),
          organizationId: NullableString(),
          workingDays: Type.Integer({
            description: "The sum of the party's steps' working days held: steps held in parallel each add their days",
          }),
          workingDaysHoldingAnyStep: Type.Integer({
            description:
              "Working days on which the party held at least one step (the union of the steps' spans): the delay attributed to it",
          }),
          steps: Type.Integer(),
        },
        closed,
      ),
    ),
    steps: Type.Array(
      Type.Object(
        {
          stepId: Type.String(),
          kind: Type.Enum(STEP_KINDS),
          reference: Type.String(),
          party: Type.Enum(ESCALATION_PARTIES),
          organizationId: NullableString(),
          since: Type.String(),
          resolvedAt: NullableString(),
          workingDays: Type.Integer(),
        },
        closed,
      ),
    ),
  },
  closed,
);

export const escalationRoutes: FastifyPluginAsyncTypebox<{ escalations: EscalationService }> = async (
  app,
  { escalations },
) => {
  app.get(
    '/v1/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary:
          "Escalations across the contracts the caller may see, most severe then oldest first; `limit` per page (a village's page may show fewer: other villages' steps are left out), the next with `cursor`.",
        querystring: ListQuery,
        response: { 200: EscalationList, ...errors(400, 401) },
      },
    },
    async (request) => escalations.list(actorOf(request), request.query),
  );

  app.get(
    '/v1/contracts/:id/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary: "A contract's escalations, most severe then oldest first; `limit` per page, the next with `cursor`.",
        params: ContractParams,
        querystring: ListQuery,
        response: { 200: EscalationList, ...errors(400, 401, 404) },
      },
    },
    async (request) => escalations.list(actorOf(request), { ...request.query, contractId: request.params.id }),
  );

  app.post(
    '/v1/escalations/:id/acknowledge',
    {
      schema: {
        tags: ['escalations'],
        summary:
          'Acknowledge an open escalation (a user of a notified organization): pauses the climb for the ladder’s grace period; the step stays open until its condition is met.',
        // An escalation id is derived from several business ids (domain/ids): under 1000 bytes, not 200.
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1000 }) }),
        body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, closed),
        response: { 200: EscalationView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => escalations.acknowledge(actorOf(request), request.params.id, request.body.note),
  );

  app.get(
    '/v1/contracts/:id/delays',
    {
      schema: {
        tags: ['escalations'],
        summary:
          'Working days each party held stalled steps of the contract (open steps count up to today): per step, and per party both summed over its steps and counted once per day it held any step.',
        params: ContractParams,
        response: {
          200: DelaysView,
          ...errors(401, 404),
        },
      },
    },
    async (request) => escalations.delays(actorOf(request), request.params.id),
  );
};
