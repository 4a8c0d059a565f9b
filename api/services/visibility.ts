// Who may see a contract: administrators, and users of an organization the contract names.
// Everyone else is told it does not exist (404), so its existence is not leaked.
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { contracts } from '../../db/schema';
import { isAdmin, type Actor } from '../../domain/organizations';
import { notFound } from '../errors';

export type ContractRow = typeof contracts.$inferSelect;

export function maySee(actor: Actor, row: Pick<ContractRow, 'partyOrganizationIds'>): boolean {
  return isAdmin(actor) || (actor.organizationId !== null && row.partyOrganizationIds.includes(actor.organizationId));
}

export function requireVisible(actor: Actor, id: string, row: ContractRow | undefined): ContractRow {
  if (!row || !maySee(actor, row)) throw notFound(`Contract ${id} does not exist or is not shared with your organization`);
  return row;
}

export async function loadVisibleContract(db: Database, actor: Actor, id: string): Promise<ContractRow> {
  const [row] = await db.select().from(contracts).where(eq(contracts.id, id));
  return requireVisible(actor, id, row);
}
