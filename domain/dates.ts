// Dates live in Asia/Shanghai (UTC+8 all year; China has had no daylight saving since 1991).
// A date without a time means the end of that day there.
import { divFloor } from './integers';
import type { Lang } from './languages';

const OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

export type IsoDate = string; // YYYY-MM-DD, a calendar day in Asia/Shanghai

/**
 * Epoch ms of a UTC date and time, the year read literally. Date.UTC reads years 0–99 as
 * 1900–1999 (so "0050-01-01" became 1950); setUTCFullYear does not. Months and days overflow
 * as in Date.UTC (month 12 is January of the next year, day 0 the last day of the month before).
 */
export function utcInstant(
  year: number,
  monthIndex: number,
  day = 1,
  hours = 0,
  minutes = 0,
  seconds = 0,
  ms = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  return date.getTime();
}

/** Days in a month (1–12) of a year, read literally. */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcInstant(year, month, 0)).getUTCDate();
}

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

/**
 * The instant (epoch ms) an ISO 8601 date or date-time stands for. A date alone is the last
 * millisecond of that day in Asia/Shanghai; a date-time without offset is Shanghai local time.
 * undefined when the text is not such a date.
 */
export function parseInstant(text: string): number | undefined {
  const date = DATE_ONLY.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!validDay(y, m, d)) return undefined;
    return utcInstant(y, m - 1, d + 1) - OFFSET_MS - 1;
  }
  const dt = DATE_TIME.exec(text);
  if (!dt) return undefined;
  const [y, m, d, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDay(y, m, d) || hh > 23 || mm > 59 || ss > 59) return undefined;
  const ms = Number((dt[7] ?? '').padEnd(3, '0'));
  const local = utcInstant(y, m - 1, d, hh, mm, ss, ms);
  const zone = dt[8];
  if (!zone) return local - OFFSET_MS;
  if (zone === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [offsetHours, offsetMinutes] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
  if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  const offset = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return local - offset;
}

/** The Shanghai calendar day of an instant. */
export function shanghaiDate(instant: number): IsoDate {
  return isoDay(instant + OFFSET_MS);
}

/**
 * The UTC day of an instant as YYYY-MM-DD. toISOString writes years past 9999 as "+010000", which
 * slice(0, 10) would cut into a wrong date: those (and years before 0000) are written in full.
 */
function isoDay(instant: number): IsoDate {
  const text = new Date(instant).toISOString();
  return text.length === 24 ? text.slice(0, 10) : text.slice(0, 13);
}

/** The Shanghai wall-clock minute of an instant, "YYYY-MM-DD HH:mm", for texts that date their figures. */
export function shanghaiDateTime(instant: number): string {
  return new Date(instant + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The first millisecond of a Shanghai calendar day. */
export function startOfShanghaiDay(day: IsoDate): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return utcInstant(y, m - 1, d) - OFFSET_MS;
}

/**
 * The day number of a calendar day: days since 1970-01-01 (negative before). Integer arithmetic
 * on year, month and day only (the civil-to-days count of the proleptic Gregorian calendar).
 */
export function dayNumber(day: IsoDate): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Years start in March, so the leap day is the last day of its year.
  const year = m <= 2 ? y - 1 : y;
  const era = divFloor(year, 400);
  const yearOfEra = year - era * 400;
  const marchMonth = m > 2 ? m - 3 : m + 9;
  const dayOfYear = divFloor(153 * marchMonth + 2, 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + divFloor(yearOfEra, 4) - divFloor(yearOfEra, 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Whole calendar days from `from` to `to` (Shanghai days; negative when `to` is earlier). */
export function calendarDaysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(day: IsoDate, days: number): IsoDate {
  return shanghaiDate(startOfShanghaiDay(day) + days * DAY_MS);
}

/** Adds whole months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: IsoDate, months: number): IsoDate {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(utcInstant(y, m - 1 + months, 1));
  const last = daysInMonth(target.getUTCFullYear(), target.getUTCMonth() + 1);
  target.setUTCDate(Math.min(d, last));
  return isoDay(target.getTime());
}

/** Complete months from `start` up to `day` (a month completes on the same day-of-month). */
export function completedMonths(start: IsoDate, day: IsoDate): number {
  if (day < start) return 0;
  const [sy, sm] = start.split('-').map(Number) as [number, number];
  const [dy, dm] = day.split('-').map(Number) as [number, number];
  let months = (dy - sy) * 12 + (dm - sm);
  while (months > 0 && addMonths(start, months) > day) months -= 1;
  return months;
}

export const DAY = DAY_MS;

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * A calendar day as each language writes it (issue 16 item 4): en "30 Nov 2026", zh-CN
 * "2026年11月30日". Written by hand, not by Intl, so every runtime (browser, Node, workflow
 * sandbox) writes the same; the text unchanged when it is not a YYYY-MM-DD day.
 */
export function dayText(day: IsoDate, lang: Lang): string {
  const match = DATE_ONLY.exec(day);
  if (!match) return day;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return lang === 'en' ? `${d} ${MONTHS_EN[m - 1]} ${y}` : `${y}年${m}月${d}日`;
}

/** An instant's Shanghai day and minute as each language writes them: "30 Nov 2026 14:05", "2026年11月30日 14:05". */
export function dateTimeText(instant: number, lang: Lang): string {
  return `${dayText(shanghaiDate(instant), lang)} ${shanghaiDateTime(instant).slice(11)}`;
}
