import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../db/calendar';
import { isCovered, isWorkingDay } from '../../domain/calendar';
import {
  calendarWarnings,
  dayOfWeek,
  isRealDate,
  MAX_CALENDAR_YEAR,
  MAX_CALENDAR_YEAR_DAYS,
  mergeCalendar,
  MIN_CALENDAR_YEAR,
  samePublication,
  validateCalendarYear,
  yearToAnnounceMissing,
  type CalendarYearInput,
} from '../../domain/calendar-years';
import { addDays } from '../../domain/dates';

const daysOf = (year: number): string[] => {
  const days: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) days.push(d);
  return days;
};
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

/** Any publication of a year that the rules accept, in any order, with the year it is for. */
const validPublication = fc.integer({ min: MIN_CALENDAR_YEAR, max: MAX_CALENDAR_YEAR }).chain((year) => {
  const days = daysOf(year);
  return fc
    .record({
      holidays: fc.uniqueArray(fc.constantFrom(...days), { minLength: 1, maxLength: MAX_CALENDAR_YEAR_DAYS }),
      weekendWork: fc.uniqueArray(fc.constantFrom(...days.filter(isWeekend)), { maxLength: MAX_CALENDAR_YEAR_DAYS }),
      title: fc.string({ minLength: 1, maxLength: 50 }).filter((t) => t.trim().length > 0),
      date: fc.constantFrom(...daysOf(year - 1)),
    })
    .map(({ holidays, weekendWork, title, date }) => ({
      year,
      input: {
        holidays,
        workdays: weekendWork.filter((d) => !holidays.includes(d)),
        source: { title, date },
      } satisfies CalendarYearInput,
    }));
});

const ok = (year: number, input: CalendarYearInput) => {
  const result = validateCalendarYear(year, input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};
const problemsOf = (year: number, input: CalendarYearInput) => {
  const result = validateCalendarYear(year, input);
  return result.ok ? [] : result.problems;
};

// An invented 2027 (not the real schedule): Spring Festival 2027-02-05..11, a working Sunday before it.
const sample: CalendarYearInput = {
  holidays: [
    '2027-01-01',
    '2027-02-05',
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-02-09',
    '2027-02-10',
    '2027-02-11',
  ],
  workdays: ['2027-01-31', '2027-02-20'],
  source: { title: '国务院办公厅关于2027年部分节假日安排的通知（测试）', date: '2026-11-10' },
};

describe('publishing a year of the official calendar', () => {
  it('round-trips any valid publication: sorted, each day once, the days off off and the adjusted days worked', () => {
    fc.assert(
      fc.property(validPublication, ({ year, input }) => {
        const value = ok(year, input);
        expect(value.holidays).toEqual([...input.holidays].sort());
        expect(value.workdays).toEqual([...input.workdays].sort());
        expect(value.source).toEqual({ title: input.source.title.trim(), date: input.source.date });
        // What is stored validates again to itself, and says the same.
        const again = ok(year, { holidays: value.holidays, workdays: value.workdays, source: value.source });
        expect(samePublication(again, value)).toBe(true);
        // The calendar built from it keeps exactly those days.
        const calendar = mergeCalendar(officialCalendar(), [value], year, year);
        expect(calendar.holidays).toEqual(value.holidays);
        expect(calendar.workdays).toEqual(value.workdays);
        for (const d of value.holidays) expect(isWorkingDay(d, calendar)).toBe(false);
        for (const d of value.workdays) expect(isWorkingDay(d, calendar)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts days off that fall on a weekend (a holiday spans them)', () => {
    expect(isWeekend('2027-02-06')).toBe(true);
    expect(ok(2027, sample).holidays).toContain('2027-02-06');
  });

  it('names a date that is not a real date', () => {
    const problems = problemsOf(2027, {
      ...sample,
      holidays: [...sample.holidays, '2027-02-30', '2027-2-1', 'tomorrow'],
    });
    expect(problems.map((p) => p.field)).toEqual(['holidays.8', 'holidays.9', 'holidays.10']);
    for (const p of problems) expect(p.reason).toMatch(/real date/);
  });

  it('names a date outside the year', () => {
    const problems = problemsOf(2027, { ...sample, workdays: ['2026-12-27', ...sample.workdays] });
    expect(problems).toMatchObject([{ field: 'workdays.0', reason: '2026-12-27 is not in 2027' }]);
  });

  it('names a day listed twice', () => {
    expect(problemsOf(2027, { ...sample, holidays: [...sample.holidays, '2027-02-05'] })).toMatchObject([
      { field: 'holidays.8', reason: '2027-02-05 repeats holidays.1' },
    ]);
  });

  it('names a day both off and working', () => {
    // 2027-02-06 is a Saturday and a day off.
    const problems = problemsOf(2027, { ...sample, workdays: [...sample.workdays, '2027-02-06'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('workdays.2');
    expect(problems[0]!.reason).toMatch(/also a day off \(holidays\.2\)/);
  });

  it('names an adjusted working day that is not a Saturday or Sunday', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...daysOf(2027).filter((d) => !isWeekend(d) && !sample.holidays.includes(d))),
        (weekday) => {
          const problems = problemsOf(2027, { ...sample, workdays: [weekday] });
          expect(problems).toHaveLength(1);
          expect(problems[0]!.field).toBe('workdays.0');
          expect(problems[0]!.reason).toMatch(/must be a Saturday or Sunday/);
        },
      ),
    );
  });

  it('names a year without days off, a blank notice title, a notice date that is not a date, a year out of range', () => {
    expect(problemsOf(2027, { ...sample, holidays: [] }).map((p) => p.field)).toEqual(['holidays']);
    expect(problemsOf(2027, { ...sample, source: { title: '   ', date: '2026-11-10' } }).map((p) => p.field)).toEqual([
      'source.title',
    ]);
    expect(problemsOf(2027, { ...sample, source: { title: 'x', date: '2026-13-01' } }).map((p) => p.field)).toEqual([
      'source.date',
    ]);
    for (const date of ['9999-12-31', '2028-01-01', '2025-12-31']) {
      expect(problemsOf(2027, { ...sample, source: { title: 'x', date } }), date).toMatchObject([
        { field: 'source.date', reason: "must be in 2026 or 2027 (the notice of 2027's schedule)" },
      ]);
    }
    expect(problemsOf(2027, { ...sample, source: { title: 'x', date: '2027-03-01' } })).toEqual([]);
    expect(problemsOf(1999, { ...sample, holidays: ['1999-10-01'], workdays: [] }).map((p) => p.field)).toEqual([
      'year',
    ]);
    expect(
      problemsOf(2027, { ...sample, workdays: [], holidays: daysOf(2027).slice(0, MAX_CALENDAR_YEAR_DAYS + 1) }).map(
        (p) => p.field,
      ),
    ).toEqual(['holidays']);
  });

  it('knows real dates and weekdays as the Gregorian calendar does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          const day = date.toISOString().slice(0, 10);
          expect(isRealDate(day)).toBe(true);
          expect(dayOfWeek(day)).toBe(date.getUTCDay());
        },
      ),
    );
    expect(isRealDate('2028-02-29')).toBe(true);
    expect(isRealDate('2027-02-29')).toBe(false);
    expect(isRealDate('2100-02-29')).toBe(false);
  });
});

describe('published years over the packaged data', () => {
  const packaged = officialCalendar();
  const next = packaged.coveredYears.to + 1;
  const year = (y: number) =>
    ok(y, { holidays: [`${y}-01-01`], workdays: [], source: { title: 'notice', date: `${y - 1}-11-01` } });

  it('replaces the package’s days of a published year and extends the covered years while they follow on', () => {
    const last = packaged.coveredYears.to;
    const republished = ok(last, {
      holidays: [`${last}-03-03`],
      workdays: [],
      source: { title: 'correction', date: `${last}-01-02` },
    });
    const calendar = mergeCalendar(packaged, [republished, year(next)], last, next);
    expect(calendar.holidays).toEqual([`${last}-03-03`, `${next}-01-01`]);
    expect(calendar.coveredYears).toEqual({ from: packaged.coveredYears.from, to: next });
    expect(isCovered(calendar, `${next}-01-01`, `${next}-12-31`)).toBe(true);
  });

  it('does not cover a year nobody published, even when a later one is', () => {
    const calendar = mergeCalendar(packaged, [year(next + 1)], next, next + 1);
    expect(calendar.coveredYears.to).toBe(packaged.coveredYears.to);
    expect(calendar.holidays).toEqual([`${next + 1}-01-01`]);
  });
});

describe('saying what is not known', () => {
  const known = (y: number) => y <= 2026;

  it('warns of each year of a term without an official schedule, in en and zh-CN', () => {
    expect(calendarWarnings({ start: '2026-09-01', end: '2027-08-31' }, known)).toEqual([
      {
        year: 2027,
        message: {
          en: '2027: the official schedule is not published yet; only weekends are days off',
          'zh-CN': '2027 年：官方节假日安排尚未发布，暂只按周末计休息日',
        },
      },
    ]);
    expect(calendarWarnings({ start: '2026-01-01', end: '2028-12-31' }, known).map((w) => w.year)).toEqual([
      2027, 2028,
    ]);
    expect(calendarWarnings({ start: '2025-01-01', end: '2026-12-31' }, known)).toEqual([]);
  });

  it('tells administrators from 1 November while next year is missing', () => {
    expect(yearToAnnounceMissing('2026-10-31', known)).toBeUndefined();
    expect(yearToAnnounceMissing('2026-11-01', known)).toBe(2027);
    expect(yearToAnnounceMissing('2026-12-31', known)).toBe(2027);
    expect(yearToAnnounceMissing('2026-11-20', (y) => y <= 2027)).toBeUndefined();
    expect(yearToAnnounceMissing('2027-03-01', known)).toBeUndefined();
  });
});
