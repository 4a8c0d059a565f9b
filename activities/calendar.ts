// The official calendar data, read from the chinese-days package (public holidays and adjusted
// working weekends, 2004 through the last year the State Council has published). Only activities
// and the API read it; workflows receive it through an activity, recorded in their history.
import { createRequire } from 'node:module';
import type { WorkingCalendar } from '../domain/calendar';

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let loaded: WorkingCalendar | undefined;

/** The whole calendar the package carries. */
export function officialCalendar(): WorkingCalendar {
  if (!loaded) {
    const data = createRequire(__filename)('chinese-days/dist/chinese-days.json') as ChineseDaysData;
    const holidays = Object.keys(data.holidays).sort();
    const workdays = Object.keys(data.workdays).sort();
    const years = holidays.map((d) => Number(d.slice(0, 4)));
    loaded = { holidays, workdays, coveredYears: { from: Math.min(...years), to: Math.max(...years) } };
  }
  return loaded;
}

/** The part of the calendar between two years (inclusive): what a contract's workflow needs. */
export function calendarForYears(fromYear: number, toYear: number): WorkingCalendar {
  const all = officialCalendar();
  const inRange = (d: string) => {
    const y = Number(d.slice(0, 4));
    return y >= fromYear && y <= toYear;
  };
  return { holidays: all.holidays.filter(inRange), workdays: all.workdays.filter(inRange), coveredYears: all.coveredYears };
}

export function createCalendarActivities() {
  return {
    /** Calendar data for a span of years; its result is recorded in the calling workflow's history. */
    async workingCalendar(input: { fromYear: number; toYear: number }): Promise<WorkingCalendar> {
      return calendarForYears(input.fromYear, input.toYear);
    },
  };
}
