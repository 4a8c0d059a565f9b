// Hamlet volunteers are contacts of their village: the village's own users (and administrators)
// keep the list; the contractor's staff of a contract that works with the village may read it, to
// name the volunteers holding the materials they ask for. Who may read contact details is
// domain/contacts.ts's rule, applied here and wherever else a contact appears.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { appendEvent } from '../../db/events';
import { contracts, organizations, villageContacts } from '../../db/schema';
import { contactEventKey } from '../../domain/ids';
import { mayReadVillageContacts } from '../../domain/contacts';
import { hasRole, isAdmin, type Actor } from '../../domain/organizations';
import { forbidden, notFound, unprocessable } from '../errors';
import { newId } from './tokens';
import { say } from '../../domain/messages';
import { problem } from '../../domain/problems';

type ContactRow = typeof villageContacts.$inferSelect;

const contactView = (row: ContactRow) => ({
  id: row.id,
  village: row.villageId,
  name: row.name,
  phone: row.phone,
  hamlet: row.hamlet,
  createdAt: row.createdAt.toISOString(),
});

export class ContactService {
  constructor(private readonly db: Database) {}

  private async village(villageId: string) {
    const [org] = await this.db.select().from(organizations).where(eq(organizations.id, villageId));
    if (!org) throw notFound(say('organization_missing', { id: villageId }));
    return org;
  }

  async create(actor: Actor, villageId: string, input: { name: string; phone: string; hamlet: string }) {
    // Refused before the lookup, so whether an organization exists is not told to outsiders.
    if (!isAdmin(actor) && !(actor.organizationId === villageId && hasRole(actor, 'village_liaison'))) {
      throw forbidden(say('only_village_adds_contacts'));
    }
    const org = await this.village(villageId);
    if (org.kind !== 'village')
      throw unprocessable(say('contacts_belong_to_villages'), [
        problem('id', 'of_kind_not', { kind: org.kind, expected: 'village' }),
      ]);
    const id = newId('ct');
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(villageContacts)
        .values({
          id,
          villageId,
          name: input.name.trim(),
          phone: input.phone.trim(),
          hamlet: input.hamlet.trim(),
          createdBy: actor.userId,
        })
        .returning();
      await appendEvent(tx, {
        idempotencyKey: contactEventKey(id, 'created'),
        kind: 'village_contact.created',
        actorId: actor.userId,
        organizationId: villageId,
        occurredAt: row!.createdAt.toISOString(),
        payload: { id, hamlet: row!.hamlet },
      });
      return contactView(row!);
    });
  }

  async list(actor: Actor, villageId: string) {
    if (!mayReadVillageContacts(actor, villageId, await this.contractorsWorkingWith(actor, villageId))) {
      throw forbidden(say('only_village_reads_contacts'));
    }
    await this.village(villageId);
    const rows = await this.db
      .select()
      .from(villageContacts)
      .where(eq(villageContacts.villageId, villageId))
      .orderBy(asc(villageContacts.hamlet), asc(villageContacts.name));
    return { items: rows.map(contactView) };
  }

  /**
   * The actor's organization if it is the contractor of a contract one of whose stations works
   * with the village (the only contractor the rule needs to know of for this actor), else none.
   */
  private async contractorsWorkingWith(actor: Actor, villageId: string): Promise<string[]> {
    if (!actor.organizationId || isAdmin(actor) || actor.organizationId === villageId) return [];
    const rows = await this.db
      .select({ id: contracts.id })
      .from(contracts)
      .where(
        and(
          sql`${villageId} = any(${contracts.partyOrganizationIds})`,
          sql`${contracts.definition}->'parties'->>'contractor' = ${actor.organizationId}`,
        ),
      )
      .limit(1);
    return rows.length > 0 ? [actor.organizationId] : [];
  }
}
