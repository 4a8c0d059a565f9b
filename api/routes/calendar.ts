// The official calendar's years (issue 17): any user reads them, an administrator publishes one.
// Also runs the check that tells administrators, from 1 November, that next year is missing.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  MAX_CALENDAR_YEAR,
  MAX_CALENDAR_YEAR_DAYS,
  MIN_CALENDAR_YEAR,
  validateCalendarYear,
  type CalendarYearInput,
} from '../../domain/calendar-years';
import { actorOf, onlyRoles } from '../plugins/auth';
import {
  errors,
  IdempotencyHeaders,
  MAX_DATE_TEXT_LENGTH,
  MAX_LABEL_LENGTH,
  NullableInteger,
  NullableString,
} from '../schemas';
import type { CalendarService } from '../services/calendar';
import type { IdempotencyService } from '../services/idempotency';
import { sendIdempotently } from './idempotent';

const closed = { additionalProperties: false } as const;
const Day = Type.String({ description: 'YYYY-MM-DD' });
const Notice = Type.Object({ title: Type.String(), date: Type.String() }, closed);

const YearParams = Type.Object({ year: Type.Integer({ minimum: MIN_CALENDAR_YEAR, maximum: MAX_CALENDAR_YEAR }) });

const sourceFields = {
  year: Type.Integer(),
  source: Type.Enum(['package', 'published'], {
    description: 'package: the chinese-days data shipped with grantflow; published: by an administrator here',
  }),
  package: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'The package and its version, for a packaged year',
  }),
  version: NullableInteger(),
  notice: Type.Unsafe<{ title: string; date: string } | null>({
    anyOf: [Notice, { type: 'null' }],
    description: 'The notice a published year comes from',
  }),
  publishedBy: NullableString(),
  publishedAt: NullableString(),
};

export const CalendarYearView = Type.Object(
  {
    ...sourceFields,
    holidays: Type.Array(Day, { description: 'Days off' }),
    workdays: Type.Array(Day, { description: 'Adjusted working days (Saturdays and Sundays)' }),
  },
  closed,
);

const VersionView = Type.Object(
  {
    version: Type.Integer(),
    notice: Notice,
    publishedBy: Type.String(),
    publishedAt: Type.String(),
    holidays: Type.Array(Day),
    workdays: Type.Array(Day),
  },
  closed,
);

export const CalendarYearInputSchema = Type.Object(
  {
    holidays: Type.Array(Type.String({ maxLength: MAX_DATE_TEXT_LENGTH }), {
      maxItems: MAX_CALENDAR_YEAR_DAYS,
      description: 'Days off of the year, YYYY-MM-DD (weekends inside a holiday may be listed)',
    }),
    workdays: Type.Array(Type.String({ maxLength: MAX_DATE_TEXT_LENGTH }), {
      maxItems: MAX_CALENDAR_YEAR_DAYS,
      description: 'Saturdays and Sundays of the year that are working days (调休), YYYY-MM-DD',
    }),
    source: Type.Object(
      {
        title: Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH, description: "The notice's title" }),
        date: Type.String({
          maxLength: MAX_DATE_TEXT_LENGTH,
          description: 'The day the notice was issued, YYYY-MM-DD',
        }),
      },
      closed,
    ),
  },
  closed,
);

export const calendarRoutes: FastifyPluginAsyncTypebox<{
  calendar: CalendarService;
  idempotency: IdempotencyService;
  /** How often the missing-year check runs (it also runs once when the API starts); 0: never. Default 6 hours. */
  missingYearCheckEveryMs?: number;
}> = async (app, { calendar, idempotency, missingYearCheckEveryMs = 6 * 3600 * 1000 }) => {
  if (missingYearCheckEveryMs > 0) {
    const check = () =>
      calendar
        .announceMissingYear()
        .catch((error: unknown) => app.log.warn({ err: error }, 'missing calendar year check failed'));
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      // Not awaited: starting the API does not wait on it (a failure is logged, the next run retries).
      void check();
      timer = setInterval(() => void check(), missingYearCheckEveryMs);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  }

  app.get(
    '/v1/calendar/years',
    {
      schema: {
        tags: ['calendar'],
        summary:
          'The years with an official schedule (days off and adjusted working days), each with its source: the package, or published here.',
        response: {
          200: Type.Object(
            {
              coveredYears: Type.Object(
                { from: Type.Integer(), to: Type.Integer() },
                { ...closed, description: 'The unbroken span of years with a schedule' },
              ),
              items: Type.Array(
                Type.Object({ ...sourceFields, holidayCount: Type.Integer(), workdayCount: Type.Integer() }, closed),
              ),
            },
            closed,
          ),
          ...errors(401),
        },
      },
    },
    async (request) => {
      actorOf(request);
      return calendar.list();
    },
  );

  app.get(
    '/v1/calendar/years/:year',
    {
      schema: {
        tags: ['calendar'],
        summary: "One year's days in force, their source, and every version published here (newest first).",
        params: YearParams,
        response: {
          200: Type.Object({ ...CalendarYearView.properties, versions: Type.Array(VersionView) }, closed),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      actorOf(request);
      return calendar.year(request.params.year);
    },
  );

  app.put(
    '/v1/calendar/years/:year',
    {
      config: {
        ...onlyRoles(['admin'], 'publish the official calendar'),
        // Days that fail the schema and days that break the calendar's rules, in one answer.
        alsoCheck: (body, request) => {
          const checked = validateCalendarYear(
            Number((request.params as { year: unknown }).year),
            body as CalendarYearInput,
          );
          return checked.ok ? [] : checked.problems;
        },
      },
      schema: {
        tags: ['calendar'],
        summary:
          "Publish a year's official days off and adjusted working days (admin). Each publication that changes the year is a new version (201); " +
          'the same days and notice again answer the version in force (200). Every running contract takes it (a level still ahead moves, a level fired stays fired); ' +
          'contracts started afterwards use it from the start. 503 when the running contracts cannot be told now: the version is kept, repeat the PUT. Honours Idempotency-Key.',
        params: YearParams,
        headers: IdempotencyHeaders,
        body: CalendarYearInputSchema,
        response: { 200: CalendarYearView, 201: CalendarYearView, ...errors(400, 401, 403, 422, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return sendIdempotently(reply, idempotency, actor.userId, { year: request.params.year, body: request.body }, () =>
        calendar.publish(actor, request.params.year, request.body),
      );
    },
  );
};
