// A validation problem names the field (dotted path, e.g. "tranches.2.amount") and the reason.
// `reason` is English; `code` and `params` say the same through the message catalog
// (domain/messages.ts), so the API writes it in the reader's language.
import { render, say, type MessageCode, type MessageParams, type Said } from './messages';
import type { MoneyProblem } from './money';

export interface Problem {
  field: string;
  reason: string;
  code?: MessageCode;
  params?: unknown;
}

type ParamsArg<C extends MessageCode> =
  Record<string, never> extends MessageParams<C> ? [params?: MessageParams<C>] : [params: MessageParams<C>];

/** `problem('tranches.2.amount', 'above_zero')`: a problem with its reason in English and its code for other languages. */
export function problem<C extends MessageCode>(field: string, code: C, ...params: ParamsArg<C>): Problem {
  const said = say(code, ...(params as ParamsArg<C>));
  return said.params === undefined
    ? { field, reason: render(said, 'en'), code }
    : { field, reason: render(said, 'en'), code, params: said.params };
}

const MONEY_CODES = {
  not_a_number: 'money_not_a_number',
  negative: 'money_negative',
  too_precise: 'money_too_precise',
  too_large: 'money_too_large',
} as const satisfies Record<MoneyProblem, MessageCode>;

/** What is wrong with a money text (domain/money moneyProblem), as a problem of `field`. */
export function moneyTextProblem(field: string, wrong: MoneyProblem): Problem {
  return problem(field, MONEY_CODES[wrong]);
}

/** A problem of `field` from a message already said. */
export function saidProblem(field: string, said: Said): Problem {
  return said.params === undefined
    ? { field, reason: render(said, 'en'), code: said.code }
    : { field, reason: render(said, 'en'), code: said.code, params: said.params };
}

/** Whether a problem's `field` ("tranches.0.amount") is `within` ("tranches") or that field itself. */
export function isFieldWithin(field: string | undefined, within: string): boolean {
  return field === within || (field?.startsWith(`${within}.`) ?? false);
}
