// The official calendar as data, over the API (issue 17): an administrator publishes 2027, everyone
// reads it back with its source and versions, contracts started afterwards count its days off,
// and what is not known is said (contract warnings, the administrators' inbox).
import { defaultPayloadConverter } from '@temporalio/common';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { CalendarService } from '../../api/services/calendar';
import { events } from '../../db/schema';
import { isWorkingDay, type WorkingCalendar } from '../../domain/calendar';
import { contractWorkflowId } from '../../domain/ids';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

// Invented test data, not the real 2027 schedule.
const year2027 = {
  holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'],
  workdays: ['2027-02-20'],
  source: { title: '关于2027年部分节假日安排的通知（测试数据）', date: '2026-12-15' },
};

describe('the official calendar as data', () => {
  let stack: Stack;
  let parties: Parties;

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const admin = () => stack.adminToken;
  const contractInto2027 = (id: string) =>
    sCountyContract(parties.orgs, {
      id,
      term: { start: '2026-09-01', end: '2027-08-31' },
      tranches: [
        { id: 't1', label: 'Advance', due: '2026-10-31', percent: 40, fundingSource: 'fiscal' },
        { id: 't2', label: 'Mid-term', due: '2027-02-04', percent: 40, fundingSource: 'fiscal' },
        { id: 't3', label: 'Final', due: '2027-08-31', percent: 20, fundingSource: 'fiscal' },
      ],
      checkpoints: [{ id: 'c1', by: '2027-02-04', minPercent: 80 }],
    });
  /** The calendar the contract's workflow took when it started: its workingCalendar activity's result, from its history. */
  const calendarOf = async (contractId: string): Promise<WorkingCalendar> => {
    const history = (await stack.client.workflow.getHandle(contractWorkflowId(contractId)).fetchHistory()).events ?? [];
    const scheduled = history.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'workingCalendar',
    );
    expect(scheduled).toBeDefined();
    const completed = history.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled!.eventId),
    );
    return defaultPayloadConverter.fromPayload(completed!.activityTaskCompletedEventAttributes!.result!.payloads![0]!);
  };

  it('reads the packaged years, each saying it comes from the package', async () => {
    const list = await stack.http('GET', '/v1/calendar/years', { token: parties.tokens.contractor });
    expect(list.status).toBe(200);
    expect(list.body.coveredYears).toEqual({ from: 2004, to: 2026 });
    const y2026 = list.body.items.find((y: any) => y.year === 2026);
    expect(y2026).toMatchObject({ source: 'package', version: null, notice: null, publishedBy: null });
    expect(y2026.package).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
    expect(y2026.holidayCount).toBeGreaterThan(20);
    const one = await stack.http('GET', '/v1/calendar/years/2026', { token: parties.tokens.finance });
    expect(one.status).toBe(200);
    expect(one.body.holidays).toContain('2026-10-01');
    expect(one.body.versions).toEqual([]);
    const missing = await stack.http('GET', '/v1/calendar/years/2027', { token: parties.tokens.finance });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('tells the administrators that 2027 is missing (today is past 1 November), once', async () => {
    // The API ran the check when it started; running it again adds nothing.
    const service = new CalendarService(stack.database.handle.db, () => Date.parse('2026-11-20T10:00:00+08:00'));
    expect(await service.announceMissingYear()).toBe(2027);
    const inbox = await stack.http('GET', '/v1/inbox', { token: admin() });
    const notices = inbox.body.items.filter((n: any) => n.kind === 'calendar.year_missing');
    expect(notices).toHaveLength(1);
    expect(notices[0].subject.en).toContain('2027');
    expect(notices[0].subject['zh-CN']).toContain('2027');
    // Not in a party's inbox.
    const agencyInbox = await stack.http('GET', '/v1/inbox', { token: parties.tokens.agency });
    expect(agencyInbox.body.items.some((n: any) => n.kind === 'calendar.year_missing')).toBe(false);
    expect((await stack.http('POST', `/v1/inbox/${notices[0].id}/read`, { token: admin() })).status).toBe(200);
    expect((await stack.http('POST', `/v1/inbox/${notices[0].id}/read`, { token: parties.tokens.agency })).status).toBe(
      404,
    );
  });

  it('warns on a contract whose term reaches into 2027 while it is unpublished', async () => {
    const id = `cal-before-${Date.now()}`;
    expect(
      (await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: contractInto2027(id) })).status,
    ).toBe(201);
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.contractor });
    expect(detail.body.calendarWarnings).toEqual([
      {
        year: 2027,
        message: {
          en: '2027: the official schedule is not published yet; only weekends are days off',
          'zh-CN': '2027 年：官方节假日安排尚未发布，暂只按周末计休息日',
        },
      },
    ]);
    // Its workflow took the calendar as it stood: 2027 is plain Monday to Friday.
    const calendar = await calendarOf(id);
    expect(calendar.coveredYears.to).toBe(2026);
    expect(isWorkingDay('2027-02-08', calendar)).toBe(true);
  });

  it('refuses a non-administrator (403) and bad days (422, each naming its field), changing nothing', async () => {
    const denied = await stack.http('PUT', '/v1/calendar/years/2027', { token: parties.tokens.agency, body: year2027 });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');

    const bad = await stack.http('PUT', '/v1/calendar/years/2027', {
      token: admin(),
      body: {
        ...year2027,
        holidays: [...year2027.holidays, '2027-02-30', '2028-01-01'],
        workdays: ['2027-02-09', '2027-02-17'],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('unprocessable');
    expect(bad.body.error.message).toMatch(/^holidays\.6 /);
    expect(bad.body.error.details).toMatchObject([
      { field: 'holidays.6', reason: 'must be a real date (YYYY-MM-DD)' },
      { field: 'holidays.7', reason: '2028-01-01 is not in 2027' },
      { field: 'workdays.0', reason: '2027-02-09 is also a day off (holidays.3); a day is either off or working' },
      {
        field: 'workdays.1',
        reason: '2027-02-17 is a Wednesday; an adjusted working day must be a Saturday or Sunday',
      },
    ]);

    const tooMany = await stack.http('PUT', '/v1/calendar/years/2027', {
      token: admin(),
      body: { ...year2027, holidays: Array.from({ length: 61 }, () => '2027-01-01') },
    });
    expect(tooMany.status).toBe(400);
    expect((await stack.http('PUT', '/v1/calendar/years/1999', { token: admin(), body: year2027 })).status).toBe(400);
    expect((await stack.http('GET', '/v1/calendar/years/2027', { token: admin() })).status).toBe(404);
  });

  it('publishes 2027, reads it back with its source, and keeps every version with its publisher', async () => {
    const first = await stack.http('PUT', '/v1/calendar/years/2027', {
      token: admin(),
      body: year2027,
      headers: { 'idempotency-key': 'cal-2027-a' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      year: 2027,
      source: 'published',
      package: null,
      version: 1,
      notice: year2027.source,
      holidays: year2027.holidays,
      workdays: year2027.workdays,
    });
    expect(first.body.publishedBy).toMatch(/.+/);
    // The same key again: the first answer, replayed.
    const replay = await stack.http('PUT', '/v1/calendar/years/2027', {
      token: admin(),
      body: year2027,
      headers: { 'idempotency-key': 'cal-2027-a' },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    // The same days without a key: nothing new, the version in force.
    const same = await stack.http('PUT', '/v1/calendar/years/2027', {
      token: admin(),
      body: { ...year2027, holidays: [...year2027.holidays].reverse() },
    });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    // A correction: version 2; version 1 is kept.
    const corrected = {
      ...year2027,
      holidays: [...year2027.holidays, '2027-10-01'],
      source: { title: year2027.source.title, date: '2026-12-20' },
    };
    const second = await stack.http('PUT', '/v1/calendar/years/2027', { token: admin(), body: corrected });
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);

    const read = await stack.http('GET', '/v1/calendar/years/2027', { token: parties.tokens.contractor });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      year: 2027,
      source: 'published',
      version: 2,
      holidays: corrected.holidays,
      workdays: corrected.workdays,
    });
    expect(read.body.versions.map((v: any) => [v.version, v.notice.date, v.holidays.length])).toEqual([
      [2, '2026-12-20', 7],
      [1, '2026-12-15', 6],
    ]);
    expect(read.body.versions.every((v: any) => v.publishedBy === first.body.publishedBy && v.publishedAt)).toBe(true);

    const list = await stack.http('GET', '/v1/calendar/years', { token: parties.tokens.contractor });
    expect(list.body.coveredYears).toEqual({ from: 2004, to: 2027 });
    expect(list.body.items.at(-1)).toMatchObject({
      year: 2027,
      source: 'published',
      version: 2,
      holidayCount: 7,
      workdayCount: 1,
    });

    // Audited, and append-only.
    const audit = await stack.database.handle.db
      .select()
      .from(events)
      .where(sql`${events.kind} = 'calendar_year.published'`);
    expect(audit.map((e) => [(e.payload as any).year, (e.payload as any).version, e.actorId])).toEqual([
      [2027, 1, first.body.publishedBy],
      [2027, 2, first.body.publishedBy],
    ]);
    const refusal = (statement: ReturnType<typeof sql>) =>
      stack.database.handle.db.execute(statement).then(
        () => 'accepted',
        (error: Error & { cause?: Error }) => String(error.cause?.message ?? error.message),
      );
    expect(await refusal(sql`update calendar_years set version = 9 where year = 2027`)).toMatch(
      /calendar_years is append-only \(UPDATE refused\)/,
    );
    expect(await refusal(sql`delete from calendar_years`)).toMatch(/calendar_years is append-only \(DELETE refused\)/);
  });

  it('gives contracts started after the publication its days off, and drops the warning', async () => {
    const id = `cal-after-${Date.now()}`;
    expect(
      (await stack.http('POST', '/v1/contracts', { token: parties.tokens.agency, body: contractInto2027(id) })).status,
    ).toBe(201);
    const detail = await stack.http('GET', `/v1/contracts/${id}`, { token: parties.tokens.contractor });
    expect(detail.body.calendarWarnings).toEqual([]);
    const calendar = await calendarOf(id);
    expect(calendar.coveredYears.to).toBe(2027);
    for (const day of ['2027-02-05', '2027-02-08', '2027-02-11', '2027-10-01'])
      expect([day, isWorkingDay(day, calendar)]).toEqual([day, false]);
    expect(isWorkingDay('2027-02-20', calendar)).toBe(true); // a Saturday worked in lieu
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false); // the package's 2026 is still there

    // The calendar activity itself answers the same.
    const activities = createActivities({ db: stack.database.handle.db });
    const fromActivity = await activities.workingCalendar({ fromYear: 2027, toYear: 2027 });
    expect(fromActivity.holidays).toEqual([...year2027.holidays, '2027-10-01']);
    expect(fromActivity.workdays).toEqual(['2027-02-20']);

    // With 2027 published, the administrators hear about 2028 from November 2027 on.
    const later = new CalendarService(stack.database.handle.db, () => Date.parse('2027-11-02T09:00:00+08:00'));
    expect(await later.announceMissingYear()).toBe(2028);
    const inbox = await stack.http('GET', '/v1/inbox', { token: admin() });
    expect(
      inbox.body.items.filter((n: any) => n.kind === 'calendar.year_missing').map((n: any) => n.subject.en),
    ).toEqual([
      'The official calendar for 2028 is not published yet',
      'The official calendar for 2027 is not published yet',
    ]);
  });

  it('gives administrators publishing the same year at once each a version of their own', async () => {
    const publish = (holiday: string) =>
      stack.http('PUT', '/v1/calendar/years/2029', {
        token: admin(),
        body: { holidays: [holiday], workdays: [], source: { title: 'concurrent', date: '2028-11-01' } },
      });
    const answers = await Promise.all(['2029-01-01', '2029-05-01', '2029-10-01'].map(publish));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers.map((a) => a.body.version).sort()).toEqual([1, 2, 3]);
    const read = await stack.http('GET', '/v1/calendar/years/2029', { token: admin() });
    expect(read.body.versions.map((v: any) => v.version)).toEqual([3, 2, 1]);
    // 2028 is still missing: the covered span stops before it, although 2029 is published.
    const list = await stack.http('GET', '/v1/calendar/years', { token: admin() });
    expect(list.body.coveredYears).toEqual({ from: 2004, to: 2027 });
    expect(list.body.items.map((y: any) => y.year).slice(-2)).toEqual([2027, 2029]);
  });
});
