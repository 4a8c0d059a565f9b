// The calendar of a running contract (issue 17): an official year published (a signal) or the
// purchaser's amendment of the contract's own days (an Update) makes the contract read the calendar
// in force and pass what changed on to its open steps and its children, which recompute what has
// not happened yet.
import { setHandler } from '@temporalio/workflow';
import {
  calendarPatch,
  contractCalendarYears,
  sameOverrides,
  validateCalendarAmendment,
} from '../../domain/calendar-changes';
import { shanghaiDate } from '../../domain/dates';
import type { FreeText } from '../../domain/free-text';
import { say } from '../../domain/messages';
import { amendCalendarUpdate, calendarPublishedSignal, type CalendarAmendment } from '../calendar-messages';
import { tellCalendar } from '../calendar-updates';
import { reject, REJECTION } from '../rejection';
import { childWorkflowIds } from './children';
import { calendarInForce, type ContractRun } from './run';

export function installCalendar(run: ContractRun): void {
  const { state } = run;
  /** Calendar refreshes run one at a time, in the order asked, so an older read never wins. */
  let refreshes: Promise<void> = Promise.resolve();

  /**
   * Reads the calendar in force and, when it differs from the one held, passes the years that
   * changed on to every open step and every child. Idempotent: the same calendar again changes nothing.
   */
  const refresh = (cause: string): Promise<void> => {
    refreshes = refreshes.then(async () => {
      const next = await calendarInForce(state.contract);
      const patch = calendarPatch(state.calendar!, next);
      if (!patch) return;
      state.calendar = next;
      // The loop judges the payer's clock and its next wake-up again with the new days.
      run.changed = true;
      await tellCalendar([...run.steps.openWorkflowIds(), ...childWorkflowIds(state)], patch, cause);
    });
    return refreshes;
  };

  setHandler(calendarPublishedSignal, async ({ year, version }) => {
    // Before its calendar is read the contract has nothing to recompute: the read takes the
    // publication, or the fan-out's second pass tells it again (workflows/calendar-updates.ts).
    if (!state.calendar || state.status !== 'active') return;
    await refresh(`calendar ${year} published (version ${version})`);
  });

  const ownCalendar = (created: boolean): CalendarAmendment => ({
    version: state.ownCalendar?.version ?? 1,
    holidays: state.contract.calendar?.holidays ?? [],
    workdays: state.contract.calendar?.workdays ?? [],
    reason: state.ownCalendar?.reason ?? '',
    amendedBy: state.ownCalendar?.amendedBy ?? state.createdBy,
    amendedAt: state.ownCalendar?.amendedAt ?? state.createdAt,
    created,
  });

  /** The contract's own days as amended; refused when the contract has ended or the days break a rule. */
  const amendmentCheck = (request: { holidays: string[]; workdays: string[]; reason: FreeText }) => {
    run.requireActive();
    // No day before today changes: the working days already counted stay as counted.
    const checked = validateCalendarAmendment(request, contractCalendarYears(state.contract), {
      current: state.contract.calendar,
      today: shanghaiDate(Date.now()),
    });
    if (!checked.ok) reject(REJECTION.invalid, say('contract_calendar_invalid'), checked.problems);
    return checked.value;
  };

  setHandler(
    amendCalendarUpdate,
    async (request) => {
      await run.untilRegistered();
      const { reason, ...overrides } = amendmentCheck(request);
      // The days in force already: no new version (a repeat whose answer was lost is answered too).
      if (sameOverrides(state.contract.calendar, overrides)) return ownCalendar(false);
      const amendedAt = new Date().toISOString();
      state.ownCalendar = {
        version: (state.ownCalendar?.version ?? 1) + 1,
        reason,
        amendedBy: request.amendedBy,
        amendedAt,
      };
      run.amendDefinition({ ...state.contract, calendar: overrides });
      const amendment = ownCalendar(true);
      const { created: _created, ...payload } = amendment;
      await run.projectChange([], run.event('contract.calendar_amended', request.amendedBy, payload));
      await refresh(`own calendar amended (version ${amendment.version})`);
      return amendment;
    },
    {
      validator: (request) => {
        run.handover.refuseWhileHandingOver();
        amendmentCheck(request);
      },
    },
  );
}
