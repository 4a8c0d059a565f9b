// Integer arithmetic for amounts (fen), counts and days: exact division and scaling, so that no
// float ever decides an amount or a date. Products go through BigInt because a value in fen times
// basis points (or fen times fen) can pass 2^53, where plain numbers stop being exact.

function requireInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be a safe integer, got ${n}`);
}

/** ⌊a / b⌋ for integers (b ≠ 0), toward −∞. */
export function divFloor(a: number, b: number): number {
  return mulDivFloor(a, 1, b);
}

/** ⌈a / b⌉ for integers (b ≠ 0), toward +∞. */
export function divCeil(a: number, b: number): number {
  return -mulDivFloor(-a, 1, b);
}

/** ⌊a × b / c⌋ for integers (c ≠ 0), exact whatever the size of a × b. */
export function mulDivFloor(a: number, b: number, c: number): number {
  requireInteger('a', a);
  requireInteger('b', b);
  requireInteger('c', c);
  if (c === 0) throw new RangeError('division by zero');
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  let q = n / d; // BigInt division truncates toward zero
  if (n % d !== 0n && n < 0n !== d < 0n) q -= 1n;
  return toSafeNumber(q);
}

/** a × b / c rounded half up (…0.5 goes toward +∞), for integers (c > 0). */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  requireInteger('a', a);
  requireInteger('b', b);
  requireInteger('c', c);
  if (c <= 0) throw new RangeError('divisor must be positive');
  // ⌊(2ab + c) / 2c⌋ is a × b / c rounded half up.
  const n = 2n * BigInt(a) * BigInt(b) + BigInt(c);
  const d = 2n * BigInt(c);
  let q = n / d;
  if (n % d !== 0n && n < 0n) q -= 1n;
  return toSafeNumber(q);
}

/** a × b − c × ⌊a × b / c⌋, the remainder of ⌊a × b / c⌋ (0 ≤ rest < c for c > 0). */
export function mulDivRest(a: number, b: number, c: number): number {
  requireInteger('a', a);
  requireInteger('b', b);
  requireInteger('c', c);
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  return toSafeNumber(n - d * BigInt(mulDivFloor(a, b, c)));
}

function toSafeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))
    throw new RangeError(`${n} is beyond exact numbers`);
  return Number(n);
}
