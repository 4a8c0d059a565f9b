// A running contract's own days off and working days (issue 17): POST /v1/contracts/:id/calendar.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_CONTRACT_CALENDAR_DAYS } from '../../domain/calendar-changes';
import { actorOf, onlyRoles } from '../plugins/auth';
import { errors, IdempotencyHeaders, MAX_DATE_TEXT_LENGTH, MAX_ID_LENGTH, MAX_NOTE_LENGTH } from '../schemas';
import type { ContractCalendarService } from '../services/contract-calendar';
import type { IdempotencyService } from '../services/idempotency';
import { sendIdempotently } from './idempotent';

const closed = { additionalProperties: false } as const;
const ContractParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }) });
// Above the domain's limit, so a person meets the domain's 422 naming the field, not the schema's 400.
const Days = (description: string) =>
  Type.Array(Type.String({ maxLength: MAX_DATE_TEXT_LENGTH }), {
    maxItems: MAX_CONTRACT_CALENDAR_DAYS + 100,
    description,
  });

export const CalendarAmendmentInput = Type.Object(
  {
    holidays: Type.Optional(
      Days("The contract's own days off, YYYY-MM-DD (e.g. a local festival); replaces the list in force"),
    ),
    workdays: Type.Optional(
      Days(
        "The contract's own working days, YYYY-MM-DD (days the official calendar has off); replaces the list in force",
      ),
    ),
    reason: Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH, description: 'Why the days change' }),
  },
  closed,
);

export const CalendarAmendmentView = Type.Object(
  {
    version: Type.Integer({ description: "Version of the contract's own days; 1 is what it was registered with" }),
    holidays: Type.Array(Type.String({ format: 'date', maxLength: MAX_DATE_TEXT_LENGTH }), {
      maxItems: MAX_CONTRACT_CALENDAR_DAYS,
    }),
    workdays: Type.Array(Type.String({ format: 'date', maxLength: MAX_DATE_TEXT_LENGTH }), {
      maxItems: MAX_CONTRACT_CALENDAR_DAYS,
    }),
    reason: Type.String({ maxLength: MAX_NOTE_LENGTH }),
    amendedBy: Type.String({ maxLength: MAX_ID_LENGTH, description: 'The user who amended the days' }),
    amendedAt: Type.String({ format: 'date-time', maxLength: 40 }),
    created: Type.Boolean({ description: 'False when the days were those in force already (no new version)' }),
  },
  closed,
);

export const contractCalendarRoutes: FastifyPluginAsyncTypebox<{
  contractCalendars: ContractCalendarService;
  idempotency: IdempotencyService;
}> = async (app, { contractCalendars, idempotency }) => {
  app.post(
    '/v1/contracts/:id/calendar',
    {
      config: onlyRoles(['agency_officer'], "amend a contract's calendar"),
      schema: {
        tags: ['contracts'],
        summary:
          "Amend a running contract's own days off and working days (agency_officer of the purchaser): a new version (201) in its timeline; " +
          'escalation levels still ahead, reminders and review deadlines move, levels fired stay fired, open steps count held days with it. ' +
          'The days in force already: 200 with that version. Honours Idempotency-Key.',
        params: ContractParams,
        headers: IdempotencyHeaders,
        body: CalendarAmendmentInput,
        response: { 200: CalendarAmendmentView, 201: CalendarAmendmentView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return sendIdempotently(reply, idempotency, actor.userId, { id: request.params.id, body: request.body }, () =>
        contractCalendars.amend(actor, request.params.id, request.body),
      );
    },
  );
};
