// Money is integer fen inside grantflow (never floats) and a decimal string at the API ("1154000.00").
import { divFloor, mulDivFloor, mulDivRest, mulDivRoundHalfUp } from './integers';
import type { Lang } from './languages';

export type Fen = number;

const MONEY = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/;

export type MoneyProblem = 'not_a_number' | 'negative' | 'too_precise' | 'too_large';

export function moneyProblem(text: string): MoneyProblem | undefined {
  if (MONEY.test(text)) return undefined;
  if (/^-/.test(text)) return 'negative';
  if (/^(0|[1-9]\d*)\.\d{3,}$/.test(text)) return 'too_precise';
  if (/^\d{14,}(\.\d{1,2})?$/.test(text)) return 'too_large';
  return 'not_a_number';
}

export const moneyProblemText: Record<MoneyProblem, string> = {
  not_a_number: 'must be a decimal amount in CNY such as "1154000.00"',
  negative: 'must not be negative',
  too_precise: 'must have at most two decimals (fen)',
  too_large: 'is too large',
};

/** "1154000.5" → 115400050. Throws on anything but a non-negative amount with ≤ 2 decimals. */
export function parseMoney(text: string): Fen {
  const match = MONEY.exec(text);
  if (!match) throw new Error(`"${text}" ${moneyProblemText[moneyProblem(text) ?? 'not_a_number']}`);
  const yuan = Number(match[1]);
  const fen = Number((match[2] ?? '').padEnd(2, '0'));
  return yuan * 100 + fen;
}

/** 115400050 → "1154000.50"; negative amounts keep their sign. */
export function formatMoney(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${divFloor(abs, 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Basis points in a whole: 10000 = 100 %. */
export const WHOLE_BASIS_POINTS = 10000;

/**
 * The one rounding rule for shares of a value (fen): `amount` × `basisPoints` / 10000, rounded
 * half up to the fen, once. A checkpoint's requirement is such a share; so is the cumulative
 * amount of the tranches due by any day (see `scheduleAmounts`). Rounding is monotonic, so a
 * checkpoint never asks for more than the tranches due by its day at the same or a higher share.
 */
export function shareOf(amount: Fen, basisPoints: number): Fen {
  return mulDivRoundHalfUp(amount, basisPoints, WHOLE_BASIS_POINTS);
}

/** A part of a schedule: a fixed amount (fen) or a share of the value (basis points). */
export type SchedulePart = { fen: Fen } | { basisPoints: number };

/**
 * The amounts (fen) of consecutive parts of `valueFen`, given in the order they fall due. The
 * cumulative amount after each part is the fixed fen so far plus `shareOf` the value at the
 * basis points so far — rounded once — and each part is the difference of two cumulative
 * amounts. So fixed parts keep their amount exactly, parts that add up to the value add up to it
 * to the fen, and the money due by any day is the rounded share of what is due by then.
 */
export function scheduleAmounts(valueFen: Fen, parts: readonly SchedulePart[]): Fen[] {
  let fixedFen = 0;
  let basisPoints = 0;
  let previous = 0;
  return parts.map((part) => {
    if ('fen' in part) fixedFen += part.fen;
    else basisPoints += part.basisPoints;
    const cumulative = fixedFen + shareOf(valueFen, basisPoints);
    const amount = cumulative - previous;
    previous = cumulative;
    return amount;
  });
}

/**
 * The exact total of schedule parts as a decimal string in yuan (up to six decimals: a share may
 * end in a fraction of a fen), and whether it equals `valueFen` exactly.
 */
export function scheduleTotal(valueFen: Fen, parts: readonly SchedulePart[]): { exact: boolean; text: string } {
  const fixedFen = parts.reduce((s, p) => s + ('fen' in p ? p.fen : 0), 0);
  const basisPoints = parts.reduce((s, p) => s + ('fen' in p ? 0 : p.basisPoints), 0);
  const wholeFen = fixedFen + mulDivFloor(valueFen, basisPoints, WHOLE_BASIS_POINTS);
  // The rest is in 1/10000 fen.
  const rest = mulDivRest(valueFen, basisPoints, WHOLE_BASIS_POINTS);
  const digits = rest === 0 ? '' : String(rest).padStart(4, '0').replace(/0+$/, '');
  return { exact: rest === 0 && wholeFen === valueFen, text: `${formatMoney(wholeFen)}${digits}` };
}

const PERCENT = /^(100|[1-9]?\d)(?:\.(\d{1,2}))?$/;

/** 80 → 8000 basis points; up to two decimals (33.33). undefined when not a percentage in [0, 100]. */
export function percentToBasisPoints(percent: number): number | undefined {
  if (!Number.isFinite(percent)) return undefined;
  const text = String(percent);
  const match = PERCENT.exec(text);
  if (!match) return undefined;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : undefined;
}

/**
 * Money as people read it, the one format of every text and the page (issue 16 item 4): thousands
 * separated, two decimals, the currency as each language writes it — en "CN¥923,200.00",
 * zh-CN "¥923,200.00" (as Intl.NumberFormat's CNY currency style writes them, but in integers).
 */
export function moneyText(fen: Fen, lang: Lang): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(divFloor(abs, 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${lang === 'en' ? 'CN¥' : '¥'}${whole}.${String(abs % 100).padStart(2, '0')}`;
}
