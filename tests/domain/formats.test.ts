// Money and days as each language writes them (issue 16 item 4): one format for the page and the
// API's texts, the same in every runtime.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dateTimeText, dayText, startOfShanghaiDay } from '../../domain/dates';
import { moneyText } from '../../domain/money';

describe('money text', () => {
  it('writes CNY as Intl writes it in each language, exact to the fen', () => {
    expect(moneyText(92_320_000, 'en')).toBe('CN¥923,200.00');
    expect(moneyText(92_320_000, 'zh-CN')).toBe('¥923,200.00');
    expect(moneyText(-30_000_005, 'en')).toBe('-CN¥300,000.05');
    expect(moneyText(0, 'zh-CN')).toBe('¥0.00');
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 15), max: 10 ** 15 }),
        fc.constantFrom('en' as const, 'zh-CN' as const),
        (fen, lang) => {
          const intl = new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 });
          // Below 2^53 / 100 yuan a float prints the fen exactly.
          expect(moneyText(fen, lang)).toBe(intl.format(fen / 100));
        },
      ),
    );
  });
});

describe('day text', () => {
  it('writes 30 Nov 2026 and 2026年11月30日', () => {
    expect(dayText('2026-11-30', 'en')).toBe('30 Nov 2026');
    expect(dayText('2026-11-30', 'zh-CN')).toBe('2026年11月30日');
    expect(dayText('2022-09-01', 'en')).toBe('1 Sep 2022');
    expect(dayText('not a day', 'en')).toBe('not a day');
    expect(dateTimeText(Date.parse('2023-06-30T16:30:00Z'), 'zh-CN')).toBe('2023年7月1日 00:30');
    expect(dateTimeText(Date.parse('2023-06-30T16:30:00Z'), 'en')).toBe('1 Jul 2023 00:30');
  });

  it('agrees with Intl in the Shanghai zone for every day', () => {
    const zh = new Intl.DateTimeFormat('zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    });
    const en = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (offset) => {
        const day = addDays('1970-01-01', offset);
        expect(dayText(day, 'zh-CN')).toBe(zh.format(startOfShanghaiDay(day)));
        // Day, short month, year in British order; en-US's short month names ("Sep", not en-GB's newer "Sept").
        const part = (type: string) => en.formatToParts(startOfShanghaiDay(day)).find((p) => p.type === type)!.value;
        expect(dayText(day, 'en')).toBe(`${part('day')} ${part('month')} ${part('year')}`);
      }),
    );
  });
});
