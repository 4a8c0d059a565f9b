// A validation problem names the field (dotted path, e.g. "tranches.2.amount") and the reason.
// `reason` is English; `code` and `params` say the same through the message catalog
// (domain/messages.ts), so the API writes it in the reader's language.
import { render, say, type MessageCode, type MessageParams } from './messages';

export interface Problem {
  field: string;
  reason: string;
  code?: MessageCode;
  params?: unknown;
}

type ParamsArg<C extends MessageCode> = Record<string, never> extends MessageParams<C> ? [params?: MessageParams<C>] : [params: MessageParams<C>];

/** `problem('tranches.2.amount', 'above_zero')`: a problem with its reason in English and its code for other languages. */
export function problem<C extends MessageCode>(field: string, code: C, ...params: ParamsArg<C>): Problem {
  const said = say(code, ...(params as ParamsArg<C>));
  return said.params === undefined ? { field, reason: render(said, 'en'), code } : { field, reason: render(said, 'en'), code, params: said.params };
}
