import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { REVIEW_DECISIONS } from '../../domain/decisions';
import { CONTRACTOR_STAFF_ROLES } from '../../domain/organizations';
import { RETURN_REASONS, SECTION_CHANGE_KINDS, SUBMISSION_STATUSES } from '../../domain/materials';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  AttachmentMetaSchema,
  errors,
  IdempotencyHeaders,
  IdSchema,
  MAX_ATTACHMENTS,
  MAX_ID_LENGTH,
  MAX_MATERIALS,
  MAX_NOTE_LENGTH,
  MAX_RETURN_REASONS,
  MAX_SECTION_LENGTH,
  MAX_SECTIONS,
  NullableString,
  TextSchema,
  UploadedAttachmentSchema,
} from '../schemas';
import type { IdempotencyService } from '../services/idempotency';
import type { SubmissionService } from '../services/submissions';
import { sendIdempotently } from './idempotent';

const closed = { additionalProperties: false } as const;
// A record is an array in disguise: its keys are bounded in number and in length too.
const Sections = Type.Record(
  Type.String({ maxLength: MAX_ID_LENGTH }),
  Type.String({ maxLength: MAX_SECTION_LENGTH }),
  {
    maxProperties: MAX_SECTIONS,
    propertyNames: { maxLength: MAX_ID_LENGTH },
  },
);

const Reason = Type.Object(
  {
    code: Type.Enum(RETURN_REASONS),
    templateId: Type.String({ maxLength: MAX_ID_LENGTH }),
    sectionId: Type.String({ maxLength: MAX_ID_LENGTH }),
    text: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
  },
  closed,
);

/** A submitted round of evaluation materials, with its pre-check, decision and changes since the previous round. */
export const SubmissionView = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    milestoneId: Type.String(),
    station: NullableString(),
    round: Type.Integer(),
    status: Type.Enum(SUBMISSION_STATUSES),
    materials: Type.Array(
      Type.Object(
        { templateId: Type.String(), sections: Sections, attachments: Type.Array(AttachmentMetaSchema) },
        closed,
      ),
    ),
    precheck: Type.Array(
      Type.Object({ templateId: Type.String(), sectionId: Type.String(), reason: TextSchema }, closed),
    ),
    decision: Type.Union([
      Type.Object(
        {
          outcome: Type.Enum(REVIEW_DECISIONS),
          reasons: Type.Array(Reason),
          decidedBy: Type.String(),
          decidedAt: Type.String(),
        },
        closed,
      ),
      Type.Null(),
    ]),
    diff: Type.Array(
      Type.Object(
        {
          templateId: Type.String(),
          sectionId: Type.String(),
          change: Type.Enum(SECTION_CHANGE_KINDS),
          before: NullableString(),
          after: NullableString(),
          attachment: Type.Optional(
            Type.String({
              description: 'The attachment’s file name (attachment changes only, under section "evidence")',
            }),
          ),
        },
        closed,
      ),
    ),
    reviewDueAt: NullableString(),
    submittedBy: Type.String(),
    submittedAt: Type.String(),
  },
  closed,
);

export const submissionRoutes: FastifyPluginAsyncTypebox<{
  submissions: SubmissionService;
  idempotency: IdempotencyService;
}> = async (app, { submissions, idempotency }) => {
  app.post(
    '/v1/contracts/:id/milestones/:mid/submissions',
    {
      // Attachments travel inside the JSON body, base64-encoded.
      bodyLimit: MAX_UPLOAD_REQUEST_BYTES,
      config: onlyRoles(CONTRACTOR_STAFF_ROLES, 'submit materials'),
      schema: {
        tags: ['evaluation'],
        summary:
          'Submit evaluation materials for a milestone (contractor_staff or station_staff of the contractor). The pre-check runs at once: a submission that fails it comes back returned, with the reasons per section. Honours Idempotency-Key.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), mid: IdSchema }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            station: Type.Optional(IdSchema),
            materials: Type.Array(
              Type.Object(
                {
                  templateId: Type.String({ maxLength: MAX_ID_LENGTH }),
                  sections: Sections,
                  attachments: Type.Array(UploadedAttachmentSchema, { maxItems: MAX_ATTACHMENTS }),
                },
                closed,
              ),
              { minItems: 1, maxItems: MAX_MATERIALS },
            ),
          },
          closed,
        ),
        response: { 201: SubmissionView, ...errors(400, 401, 403, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const { id, mid } = request.params;
      const actor = actorOf(request);
      const key = request.headers['idempotency-key'];
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { contract: id, milestone: mid, body: request.body },
        async () => ({ statusCode: 201, body: await submissions.submit(actor, id, mid, request.body, key) }),
      );
    },
  );

  app.post(
    '/v1/submissions/:sid/decision',
    {
      config: onlyRoles(['evaluator'], 'decide on submissions'),
      schema: {
        tags: ['evaluation'],
        summary: 'Approve, or return with reasons tied to sections (an evaluator of the reviewing organization only).',
        params: Type.Object({ sid: IdSchema }),
        body: Type.Object(
          {
            outcome: Type.Enum(REVIEW_DECISIONS),
            reasons: Type.Array(Reason, { maxItems: MAX_RETURN_REASONS, default: [] }),
          },
          closed,
        ),
        response: { 200: SubmissionView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => submissions.decide(actorOf(request), request.params.sid, request.body),
  );

  app.get(
    '/v1/submissions/:sid',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'One submission: round, materials, pre-check, decision and reasons, diff against the previous round.',
        params: Type.Object({ sid: IdSchema }),
        response: { 200: SubmissionView, ...errors(401, 404) },
      },
    },
    async (request) => submissions.get(actorOf(request), request.params.sid),
  );

  app.get(
    '/v1/contracts/:id/submissions',
    {
      schema: {
        tags: ['evaluation'],
        summary: "A contract's submissions with rounds, reasons, decisions and timings.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ milestone: Type.Optional(IdSchema), station: Type.Optional(IdSchema) }, closed),
        response: { 200: Type.Object({ items: Type.Array(SubmissionView) }, closed), ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      submissions.list(actorOf(request), request.params.id, {
        milestoneId: request.query.milestone,
        station: request.query.station,
      }),
  );

  app.get(
    '/v1/contracts/:id/review-stats',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'Submissions and returns per station and per reason, most returned first.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object(
            {
              stations: Type.Array(
                Type.Object(
                  {
                    station: NullableString(),
                    submissions: Type.Integer(),
                    approved: Type.Integer(),
                    returned: Type.Integer(),
                    precheckFailures: Type.Integer(),
                  },
                  closed,
                ),
              ),
              reasons: Type.Array(
                Type.Object(
                  {
                    code: Type.Enum([...RETURN_REASONS, 'precheck'], {
                      description:
                        "A reviewer's reason for returning a round, or precheck: sections the pre-check faulted",
                    }),
                    count: Type.Integer(),
                  },
                  closed,
                ),
              ),
            },
            closed,
          ),
          ...errors(401, 404),
        },
      },
    },
    async (request) => submissions.stats(actorOf(request), request.params.id),
  );
};
