// A running contract's own days (issue 17): the purchaser's agency officer amends them through the
// contract's workflow (amendCalendarUpdate), which keeps the versions (who, when, why), writes the
// timeline event and passes the change on to what has not happened yet. Checked here first by the
// same domain rule the workflow applies (domain/calendar-changes validateCalendarAmendment).
import { say } from '../../domain/messages';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/client';
import { resolveTexts } from '../../db/free-texts';
import type { Resolved } from '../../domain/free-text';
import { contractCalendarYears, validateCalendarAmendment } from '../../domain/calendar-changes';
import type { Contract } from '../../domain/contract';
import { shanghaiDate } from '../../domain/dates';
import type { Actor } from '../../domain/organizations';
import { amendCalendarUpdate, type CalendarAmendment } from '../../workflows/calendar-messages';
import { contractWorkflowId } from '../../workflows/contract-messages';
import { ApiError, forbidden, unprocessable } from '../errors';
import { withTexts } from './free-texts';
import type { StoredResponse } from './idempotency';
import { sendToWorkflow } from './temporal-errors';
import { loadVisibleContract } from './visibility';

export interface CalendarAmendmentBody {
  holidays?: string[];
  workdays?: string[];
  reason: string;
}

export class ContractCalendarService {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
  ) {}

  /**
   * Amends contract `id`'s own days: 201 with the new version, 200 with the version in force when
   * the days are already those (nothing changes). 404 not visible, 403 not an agency_officer of its
   * purchaser, 422 naming each field, 409 when the contract has ended (or started before its
   * calendar could change).
   */
  async amend(actor: Actor, id: string, body: CalendarAmendmentBody): Promise<StoredResponse> {
    const row = await loadVisibleContract(this.db, actor, id);
    if (actor.organizationId !== row.purchaserId || !actor.roles.includes('agency_officer')) {
      throw forbidden(
        say('only_party_may', {
          role: 'agency_officer',
          party: 'the purchaser',
          contract: id,
          action: 'amend its calendar',
        }),
      );
    }
    const checked = validateCalendarAmendment(body, contractCalendarYears(row.definition as Contract), {
      current: (row.definition as Contract).calendar,
      today: shanghaiDate(Date.now()),
    });
    if (!checked.ok) throw unprocessable(say('contract_calendar_invalid'), checked.problems);
    const { holidays, workdays, reason } = checked.value;
    // The reason is stored first and travels by reference (claim check, domain/free-text).
    const amendment: Resolved<CalendarAmendment> = await withTexts(
      this.db,
      id,
      [reason],
      ([stored]) =>
        sendToWorkflow(
          contractWorkflowId(id),
          async () =>
            resolveTexts(
              this.db,
              await this.temporal.workflow.getHandle(contractWorkflowId(id)).executeUpdate(amendCalendarUpdate, {
                args: [{ holidays, workdays, reason: stored!, amendedBy: actor.userId }],
              }),
            ),
          {
            // Each amendment is answered by the workflow; once it has ended nothing can change.
            recorded: async () => undefined,
            closed: async () => {
              const ended = await loadVisibleContract(this.db, actor, id);
              return new ApiError(409, 'contract_not_active', say('contract_has_ended', { id, status: ended.status }));
            },
          },
        ),
      (answer) => answer.created,
    );
    return { statusCode: amendment.created ? 201 : 200, body: amendment };
  }
}
