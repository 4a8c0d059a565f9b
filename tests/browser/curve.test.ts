// The disbursement curve's numbers (web/src/curve.ts), without a browser: planned against received,
// cumulative, on Shanghai days; the shortfall's lower edge; the span drawn.
import { describe, expect, it } from 'vitest';
import type { ContractDetail } from '../../web/src/types';
import { disbursementCurve, fenOf } from '../../web/src/curve';

const at = (iso: string) => Date.parse(iso) / 1000;

function detail(
  asOf: string,
  ledger: Array<{ reference: string; amount: string; receivedOn: string; kind?: 'payment' | 'reversal' }>,
): ContractDetail {
  return {
    asOf,
    value: '1154000.00',
    term: { start: '2022-09-01', end: '2023-08-31' },
    tranches: [
      { id: 't1', label: 'Advance', due: '2022-10-31', amount: '461600.00' },
      { id: 't2', label: 'Mid-term', due: '2023-06-30', amount: '461600.00' },
      { id: 't3', label: 'Final', due: '2023-08-31', amount: '230800.00' },
    ],
    checkpoints: [{ id: 'june-80', by: '2023-06-30', minPercent: 80, required: '923200.00', status: 'missed' }],
    ledger: ledger.map((e) => ({ kind: 'payment', ...e })),
  } as unknown as ContractDetail;
}

/** The value of a stepped series at instant `t` (the last point at or before it). */
function valueAt(xs: number[], ys: Array<number | null>, t: number) {
  let found: number | null | undefined;
  xs.forEach((x, i) => {
    if (x <= t) found = ys[i];
  });
  return found;
}

describe('disbursement curve', () => {
  const source = detail('2023-07-01T04:00:00.000Z', [
    { reference: 'CZ-2022-118', amount: '300000.00', receivedOn: '2022-11-20' },
    { reference: 'CZ-2023-031', amount: '230000.00', receivedOn: '2023-03-10' },
  ]);
  const curve = disbursementCurve(source);

  it('puts instants in ascending order, once each', () => {
    expect(curve.xs).toEqual([...new Set(curve.xs)].sort((a, b) => a - b));
    expect(curve.xs[0]).toBe(at('2022-08-31T16:00:00Z')); // 1 September 2022, 00:00 in Shanghai
  });

  it('plans money as tranches fall due at the end of their Shanghai day', () => {
    expect(valueAt(curve.xs, curve.planned, at('2022-10-31T15:59:58Z'))).toBe(0);
    expect(valueAt(curve.xs, curve.planned, at('2022-10-31T15:59:59Z'))).toBe(461600);
    expect(valueAt(curve.xs, curve.planned, at('2023-06-30T15:59:59Z'))).toBe(923200);
    expect(curve.planned.at(-1)).toBe(1154000);
  });

  it('counts money received from the start of its Shanghai day, up to now only', () => {
    expect(valueAt(curve.xs, curve.received, at('2023-03-09T15:59:59Z'))).toBe(300000);
    expect(valueAt(curve.xs, curve.received, at('2023-03-09T16:00:00Z'))).toBe(530000);
    const afterNow = curve.xs.findIndex((x) => x > curve.now);
    expect(curve.received.slice(afterNow).every((v) => v === null)).toBe(true);
  });

  it('shades the shortfall down to what was received, and nothing where nothing is known yet', () => {
    const june = curve.checkpoints[0]!;
    expect(june).toMatchObject({ required: 923200, minPercent: 80, x: at('2023-06-30T15:59:59Z') });
    const i = curve.xs.indexOf(june.x);
    expect(curve.planned[i]! - curve.floor[i]!).toBe(393200);
    curve.xs.forEach((x, k) => {
      expect(curve.floor[k]).toBe(x <= curve.now ? Math.min(curve.planned[k]!, curve.received[k]!) : curve.planned[k]);
    });
  });

  it('shades nothing after now, where the steps hold the last value until the next instant', () => {
    const second = curve.now + 1;
    expect(valueAt(curve.xs, curve.floor, second)).toBe(valueAt(curve.xs, curve.planned, second));
    expect(valueAt(curve.xs, curve.received, second)).toBeNull();
    expect(valueAt(curve.xs, curve.planned, curve.now)! - valueAt(curve.xs, curve.floor, curve.now)!).toBe(
      923200 - 530000,
    );
  });

  it('takes reversals off what was received', () => {
    const reversed = disbursementCurve(
      detail('2023-07-01T04:00:00.000Z', [
        { reference: 'CZ-2022-118', amount: '300000.00', receivedOn: '2022-11-20' },
        { reference: 'CZ-2022-118~reversal', amount: '-300000.00', receivedOn: '2022-11-20', kind: 'reversal' },
      ]),
    );
    expect(Math.max(...reversed.received.filter((v): v is number => v !== null))).toBe(0);
    expect(fenOf('-300000.00')).toBe(-30000000);
  });

  it('draws the term, and after it at most a quarter of the term more', () => {
    expect(curve.end).toBe(at('2023-08-31T15:59:59Z'));
    const years = disbursementCurve(detail('2026-11-29T00:00:00.000Z', []));
    const term = at('2023-08-31T15:59:59Z') - at('2022-08-31T16:00:00Z');
    expect(years.end).toBe(at('2023-08-31T15:59:59Z') + Math.round(term / 4));
  });

  it('reaches past the last day money arrived when that is after the term, so the shortfall closes on the chart', () => {
    // The rest of the value arrived on 15 July 2025, two years after the term; today is 29 Nov 2026.
    const late = disbursementCurve(
      detail('2026-11-29T00:00:00.000Z', [
        { reference: 'CZ-2022-118', amount: '300000.00', receivedOn: '2022-11-20' },
        { reference: 'CZ-2025-201', amount: '854000.00', receivedOn: '2025-07-15' },
      ]),
    );
    // A twentieth of the span past the day it arrived (1 Sep 2022 to 15 Jul 2025: 1048 days, so 52.4 more).
    const arrived = at('2025-07-14T16:00:00Z');
    expect(late.end).toBe(arrived + Math.round((arrived - at('2022-08-31T16:00:00Z')) / 20));
    const last = late.xs.indexOf(late.end);
    expect(late.received[last]).toBe(1154000);
    expect(late.floor[last]).toBe(late.planned[last]);
    // The day before it arrived, the shortfall was still open.
    expect(valueAt(late.xs, late.received, at('2025-07-14T15:59:59Z'))).toBe(300000);
    // A payment recorded today reaches only as far as now.
    const today = disbursementCurve(
      detail('2026-11-29T00:00:00.000Z', [{ reference: 'X', amount: '1154000.00', receivedOn: '2026-11-29' }]),
    );
    expect(today.end).toBe(at('2026-11-29T00:00:00Z'));
    // Money arriving within the quarter after the term changes nothing of the span.
    const soon = disbursementCurve(
      detail('2026-11-29T00:00:00.000Z', [{ reference: 'X', amount: '1154000.00', receivedOn: '2023-09-20' }]),
    );
    expect(soon.end).toBe(
      at('2023-08-31T15:59:59Z') + Math.round((at('2023-08-31T15:59:59Z') - at('2022-08-31T16:00:00Z')) / 4),
    );
    expect(today.received[today.xs.indexOf(today.end)]).toBe(1154000);
  });
});
