// What a payment application (请款, issue 18) must hold before it is filed: the rules the API
// applies to a filing (api/services/payment-applications, and api/routes' alsoCheck when the body
// fails its schema) and the page applies before it sends one, so that a form is told every field it
// misses at once, in the same words. What the contract's workflow decides (what the tranche still
// owes, whether it is released) stays the workflow's.
import { dayWithinYearsProblem } from './limits';
import { moneyProblem } from './money';
import { moneyTextProblem, problem, type Problem } from './problems';

/** The fields of an application that are judged before it is filed. */
export interface ApplicationFields {
  tranche: string;
  /** CNY as a decimal text ("393200.00"). */
  amount: string;
  invoice: { number: string; date: string };
}

/**
 * Every problem of an application's fields, each naming its field (`amount`, `invoice.number`,
 * `invoice.date`, `tranche`). `tranches`: the ids of the contract's tranches; without them the
 * tranche is not judged (the API's schema check, which has no contract at hand).
 */
export function applicationProblems(fields: ApplicationFields, tranches?: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const blank = (text: string) => text.trim() === '';
  if (blank(fields.tranche)) problems.push(problem('tranche', 'required'));
  else if (tranches && !tranches.includes(fields.tranche))
    problems.push(problem('tranche', 'not_a_tranche', { id: fields.tranche }));
  const amount = blank(fields.amount) ? 'required' : moneyProblem(fields.amount);
  if (amount === 'required') problems.push(problem('amount', 'required'));
  else if (amount) problems.push(moneyTextProblem('amount', amount));
  if (blank(fields.invoice.number)) problems.push(problem('invoice.number', 'required'));
  if (blank(fields.invoice.date)) problems.push(problem('invoice.date', 'required'));
  else {
    const day = dayWithinYearsProblem('invoice.date', fields.invoice.date);
    if (day) problems.push(day);
  }
  return problems;
}
