import { describe, expect, it } from 'vitest';
import { addMonths, calendarDaysBetween, completedMonths, parseInstant, shanghaiDate } from '../../domain/dates';
import { formatMoney, moneyProblem, parseMoney, percentToBasisPoints, shareOf } from '../../domain/money';

describe('money in fen', () => {
  it('parses decimal strings exactly', () => {
    expect(parseMoney('1154000.00')).toBe(115_400_000);
    expect(parseMoney('0.1')).toBe(10);
    expect(parseMoney('530000')).toBe(53_000_000);
    expect(formatMoney(39_320_000)).toBe('393200.00');
    expect(formatMoney(-5)).toBe('-0.05');
  });

  it('names what is wrong with an amount', () => {
    expect(moneyProblem('-1.00')).toBe('negative');
    expect(moneyProblem('1.005')).toBe('too_precise');
    expect(moneyProblem('abc')).toBe('not_a_number');
    expect(moneyProblem('01.00')).toBe('not_a_number');
    expect(moneyProblem('99999999999999')).toBe('too_large');
  });

  it('takes percentages with at most two decimals', () => {
    expect(percentToBasisPoints(80)).toBe(8000);
    expect(percentToBasisPoints(33.33)).toBe(3333);
    expect(percentToBasisPoints(100.5)).toBeUndefined();
    expect(percentToBasisPoints(12.345)).toBeUndefined();
    expect(shareOf(115_400_000, 8000)).toBe(92_320_000);
  });
});

describe('dates in Asia/Shanghai', () => {
  it('reads a bare date as the end of that day in Shanghai', () => {
    expect(new Date(parseInstant('2023-06-30')!).toISOString()).toBe('2023-06-30T15:59:59.999Z');
    expect(new Date(parseInstant('2023-06-30T09:00')!).toISOString()).toBe('2023-06-30T01:00:00.000Z');
    expect(new Date(parseInstant('2023-06-30T09:00:00Z')!).toISOString()).toBe('2023-06-30T09:00:00.000Z');
    expect(parseInstant('2023-02-30')).toBeUndefined();
    expect(parseInstant('30/06/2023')).toBeUndefined();
    expect(parseInstant('2023-06-30T09:00+99:99')).toBeUndefined();
  });

  it('counts days and months on the Shanghai calendar', () => {
    expect(shanghaiDate(Date.parse('2023-06-30T16:30:00Z'))).toBe('2023-07-01');
    expect(calendarDaysBetween('2023-06-30', '2023-08-14')).toBe(45);
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(completedMonths('2022-09-01', '2023-01-31')).toBe(4);
    expect(completedMonths('2022-09-01', '2023-02-01')).toBe(5);
  });
});
