// Money is integer fen inside grantflow (never floats) and a decimal string at the API ("1154000.00").

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
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A share of an amount, rounded half up to the fen. `basisPoints`: 8000 = 80%. */
export function shareOf(amount: Fen, basisPoints: number): Fen {
  return Math.floor((amount * basisPoints + 5000) / 10000);
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
