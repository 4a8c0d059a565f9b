// Payment applications (请款) and the payer's yearly list of overdue payments (issue 18).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { toCsv, UTF8_BOM } from '../../domain/csv';
import { ACCEPTANCE_DECISIONS } from '../../domain/decisions';
import { applicationProblems, type ApplicationFields } from '../../domain/payment-applications';
import { PAYMENT_APPLICATION_STATUSES } from '../../domain/status';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  AttachmentMetaSchema,
  CursorQuery,
  errors,
  IdempotencyHeaders,
  IdSchema,
  MAX_AMOUNT_LENGTH,
  MAX_ATTACHMENTS,
  MAX_NOTE_LENGTH,
  MAX_REFERENCE_LENGTH,
  MAX_RETURN_REASONS,
  NextCursor,
  NullableString,
  QueryDay,
  UploadedAttachmentSchema,
} from '../schemas';
import type { IdempotencyService } from '../services/idempotency';
import {
  MAX_OVERDUE_PAGE_CONTRACTS,
  OVERDUE_PAGE_CONTRACTS,
  type PaymentApplicationService,
} from '../services/payment-applications';
import { MAX_TRANCHES } from '../../domain/limits';
import type { Static } from 'typebox';
import { sendIdempotently } from './idempotent';

const closed = { additionalProperties: false } as const;
/** Applications shown per contract: at most the workflow's MAX_PAYMENT_APPLICATIONS. */
const MAX_APPLICATIONS_SHOWN = 200;

export const PaymentApplicationView = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    tranche: Type.String(),
    amount: Type.String(),
    invoice: Type.Object({ number: Type.String(), date: Type.String() }, closed),
    note: NullableString(),
    attachments: Type.Array(AttachmentMetaSchema, { maxItems: MAX_ATTACHMENTS }),
    status: Type.Enum(PAYMENT_APPLICATION_STATUSES),
    filedBy: Type.String(),
    filedAt: NullableString(),
    filedOn: NullableString(),
    /** The last day of the purchaser's acceptance window (working days, Asia/Shanghai). */
    acceptanceDueOn: NullableString(),
    acceptanceDueAt: NullableString(),
    deemedAccepted: Type.Boolean({
      description: "Undecided after its window: the payer's period runs from the window's end",
    }),
    decision: Type.Union([
      Type.Object(
        {
          outcome: Type.Enum(ACCEPTANCE_DECISIONS),
          reasons: Type.Array(Type.String(), { maxItems: MAX_RETURN_REASONS }),
          decidedBy: Type.String(),
          decidedAt: Type.String(),
          decidedOn: Type.String(),
          late: Type.Boolean(),
        },
        closed,
      ),
      Type.Null(),
    ]),
  },
  closed,
);

const OverdueRow = Type.Object(
  {
    contractId: Type.String(),
    contractTitle: Type.String(),
    contractor: Type.String(),
    contractorName: Type.String(),
    tranche: Type.String(),
    trancheLabel: Type.String(),
    paymentDueOn: Type.String(),
    outstanding: Type.String(),
    daysOverdue: Type.Integer(),
    interest: Type.String(),
  },
  closed,
);

/** CSV when the Accept header names text/csv before (or without) application/json. */
export function wantsCsv(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}

export const OverduePaymentsView = Type.Object(
  {
    organizationId: Type.String(),
    asOf: Type.String(),
    // Each contract read adds at most one row per tranche.
    items: Type.Array(OverdueRow, { maxItems: MAX_OVERDUE_PAGE_CONTRACTS * MAX_TRANCHES }),
    nextCursor: NextCursor(),
  },
  closed,
);

type OverduePayments = Static<typeof OverduePaymentsView>;

/** The judged fields of a filing as sent, whatever its shape: a field that is not text is '' (the schema names it). */
function sentFields(body: unknown): ApplicationFields {
  const record = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const { tranche, amount, invoice } = record(body);
  return {
    tranche: text(tranche),
    amount: text(amount),
    invoice: { number: text(record(invoice).number), date: text(record(invoice).date) },
  };
}

export const paymentApplicationRoutes: FastifyPluginAsyncTypebox<{
  applications: PaymentApplicationService;
  idempotency: IdempotencyService;
}> = async (app, { applications, idempotency }) => {
  app.post(
    '/v1/contracts/:id/payment-applications',
    {
      bodyLimit: MAX_UPLOAD_REQUEST_BYTES,
      config: {
        ...onlyRoles(['contractor_staff'], 'file payment applications'),
        // A filing that fails its schema is judged by the filing's rules too, so one answer lists every field it misses.
        alsoCheck: (body) => applicationProblems(sentFields(body)),
      },
      schema: {
        tags: ['payments'],
        summary:
          'File a payment application (请款) for a tranche (contractor_staff of the contractor). 201 with its acceptance due time; 422 for an amount beyond what the tranche still owes or a tranche not released yet. Honours Idempotency-Key.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            tranche: IdSchema,
            amount: Type.String({ maxLength: MAX_AMOUNT_LENGTH, description: 'CNY, e.g. "393200.00"' }),
            invoice: Type.Object(
              {
                number: Type.String({ minLength: 1, maxLength: MAX_REFERENCE_LENGTH }),
                date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
              },
              closed,
            ),
            note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
            attachments: Type.Optional(Type.Array(UploadedAttachmentSchema, { maxItems: MAX_ATTACHMENTS })),
          },
          closed,
        ),
        response: {
          200: PaymentApplicationView,
          201: PaymentApplicationView,
          ...errors(400, 401, 403, 404, 409, 413, 422),
        },
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
        async () => ({ statusCode: 201, body: await applications.file(actor, request.params.id, request.body, key) }),
      );
    },
  );

  app.post(
    '/v1/payment-applications/:aid/decision',
    {
      config: onlyRoles(['agency_officer'], 'decide payment applications'),
      schema: {
        tags: ['payments'],
        summary:
          'Accept or return a payment application with reasons (agency_officer of the purchaser). The same decision again answers as recorded; the other decision is 409. Honours Idempotency-Key.',
        params: Type.Object({ aid: IdSchema }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            outcome: Type.Enum(ACCEPTANCE_DECISIONS),
            reasons: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH }), { maxItems: MAX_RETURN_REASONS }),
            ),
          },
          closed,
        ),
        response: { 200: PaymentApplicationView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { application: request.params.aid, body: request.body },
        async () => ({ statusCode: 200, body: await applications.decide(actor, request.params.aid, request.body) }),
      );
    },
  );

  app.get(
    '/v1/contracts/:id/payment-applications',
    {
      schema: {
        tags: ['payments'],
        summary: "A contract's payment applications, oldest first.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object({ items: Type.Array(PaymentApplicationView, { maxItems: MAX_APPLICATIONS_SHOWN }) }, closed),
          ...errors(401, 404),
        },
      },
    },
    async (request) => applications.list(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/payment-applications/:aid',
    {
      schema: {
        tags: ['payments'],
        summary: 'One payment application with its decision.',
        params: Type.Object({ aid: IdSchema }),
        response: { 200: PaymentApplicationView, ...errors(401, 404) },
      },
    },
    async (request) => applications.get(actorOf(request), request.params.aid),
  );

  app.get(
    '/v1/organizations/:id/overdue-payments',
    {
      schema: {
        tags: ['payments'],
        summary:
          "The payer's yearly list (《保障中小企业款项支付条例》): every contract it pays with money overdue on `asOf` — contractor, tranche, amount, days, interest. JSON, or CSV with `Accept: text/csv`. The payer's users, administrators, and auditors of an organization party to its contracts (those contracts only); 403 otherwise. JSON is paged by contract: a page reads `limit` of the payer's contracts (oldest first) and `nextCursor` continues after them, so a page may be empty while a later one is not. The CSV holds the whole list from `cursor` on and starts with a UTF-8 byte order mark.",
        params: Type.Object({ id: IdSchema }),
        querystring: Type.Object(
          {
            asOf: QueryDay('The day the list is drawn up for (YYYY-MM-DD, Asia/Shanghai)'),
            limit: Type.Integer({
              minimum: 1,
              maximum: MAX_OVERDUE_PAGE_CONTRACTS,
              default: OVERDUE_PAGE_CONTRACTS,
              description: "The payer's contracts this page reads (JSON; the CSV reads them all)",
            }),
            cursor: CursorQuery,
          },
          closed,
        ),
        response: {
          200: {
            content: {
              'application/json': { schema: OverduePaymentsView },
              'text/csv': { schema: Type.String() },
            },
          },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { asOf, limit, cursor } = request.query;
      if (wantsCsv(request.headers.accept)) {
        // The file to publish: every page, read MAX_OVERDUE_PAGE_CONTRACTS contracts at a time.
        const rows: OverduePayments['items'] = [];
        let next: string | undefined = cursor;
        do {
          const page = await applications.overdue(actorOf(request), request.params.id, asOf, {
            limit: MAX_OVERDUE_PAGE_CONTRACTS,
            cursor: next,
          });
          rows.push(...page.items);
          next = page.nextCursor ?? undefined;
        } while (next);
        const csv = toCsv(
          [
            'contract_id',
            'contract_title',
            'contractor_id',
            'contractor_name',
            'tranche',
            'tranche_label',
            'payment_due_on',
            'outstanding',
            'days_overdue',
            'interest',
          ],
          rows.map((i) => [
            i.contractId,
            i.contractTitle,
            i.contractor,
            i.contractorName,
            i.tranche,
            i.trancheLabel,
            i.paymentDueOn,
            i.outstanding,
            i.daysOverdue,
            i.interest,
          ]),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="overdue-payments-${request.params.id}-${asOf}.csv"`)
          .send(UTF8_BOM + csv);
      }
      return applications.overdue(actorOf(request), request.params.id, asOf, { limit, cursor });
    },
  );
};
