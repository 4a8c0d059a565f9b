// Organizations, users and their tokens.
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { appendEvent } from '../../db/events';
import { organizations, users } from '../../db/schema';
import { organizationEventKey, userEventKey } from '../../domain/ids';
import {
  organizationKindsFor,
  roleRuleText,
  rolesNotFitting,
  type Actor,
  type OrganizationKind,
  type Role,
} from '../../domain/organizations';
import { unprocessable } from '../errors';
import { hashToken, newId, newToken } from './tokens';
import { say } from '../../domain/messages';
import { atMicros, beyond, decodeCursor, encodeCursor, microsOf } from './cursor';

/** One page of an administrators' list: `limit` rows after the `cursor` a previous page gave. */
export interface AdminPage {
  limit: number;
  cursor?: string;
}
import { problem } from '../../domain/problems';

export const ADMIN_USER_ID = 'usr_admin';

export interface OrganizationView {
  id: string;
  name: string;
  kind: OrganizationKind;
  createdAt: string;
}

export interface UserView {
  id: string;
  name: string;
  organizationId: string | null;
  roles: Role[];
  email: string | null;
  createdAt: string;
}

const orgView = (row: typeof organizations.$inferSelect): OrganizationView => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  createdAt: row.createdAt.toISOString(),
});

const userView = (row: typeof users.$inferSelect): UserView => ({
  id: row.id,
  name: row.name,
  organizationId: row.organizationId,
  roles: row.roles,
  email: row.email,
  createdAt: row.createdAt.toISOString(),
});

/**
 * One page of an administrators' list ordered by (created_at, id): `read` gets the position after
 * the cursor (as SQL values for `beyond`), or undefined on the first page; the cursor names the
 * page's last row when the page is full.
 */
async function byCreation<R extends { id: string }, V>(
  list: string,
  page: AdminPage,
  view: (row: R) => V,
  read: (after: [SQL, string] | undefined) => Promise<Array<{ row: R; micros: number }>>,
): Promise<{ items: V[]; nextCursor: string | null }> {
  const position =
    page.cursor === undefined ? undefined : decodeCursor(list, page.cursor, ['integer', 'string'] as const);
  const rows = await read(position && [atMicros(position[0]), position[1]]);
  const last = rows.length === page.limit ? rows[rows.length - 1] : undefined;
  return {
    items: rows.map((r) => view(r.row)),
    nextCursor: last ? encodeCursor(list, [last.micros, last.row.id]) : null,
  };
}

export class IdentityService {
  // Every authenticated request runs this lookup: a prepared statement saves its planning.
  private readonly userByTokenHash;

  constructor(private readonly db: Database) {
    this.userByTokenHash = db
      .select()
      .from(users)
      .where(eq(users.tokenHash, sql.placeholder('tokenHash')))
      .prepare('user_by_token_hash');
  }

  async createOrganization(actor: Actor, input: { name: string; kind: OrganizationKind }): Promise<OrganizationView> {
    const id = newId('org');
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(organizations)
        .values({ id, name: input.name.trim(), kind: input.kind })
        .returning();
      await appendEvent(tx, {
        idempotencyKey: organizationEventKey(id, 'created'),
        kind: 'organization.created',
        actorId: actor.userId,
        organizationId: id,
        occurredAt: row!.createdAt.toISOString(),
        payload: { name: row!.name, kind: row!.kind },
      });
      return orgView(row!);
    });
  }

  /** Organizations oldest first (created_at, id), a page at a time by cursor (issue 19). */
  async listOrganizations(page: AdminPage): Promise<{ items: OrganizationView[]; nextCursor: string | null }> {
    return byCreation('organizations', page, orgView, (after) =>
      this.db
        .select({ row: organizations, micros: microsOf(organizations.createdAt) })
        .from(organizations)
        .where(after && beyond([organizations.createdAt, organizations.id], after))
        .orderBy(asc(organizations.createdAt), asc(organizations.id))
        .limit(page.limit),
    );
  }

  async getOrganization(id: string): Promise<OrganizationView | undefined> {
    const [row] = await this.db.select().from(organizations).where(eq(organizations.id, id));
    return row ? orgView(row) : undefined;
  }

  async createUser(
    actor: Actor,
    input: { name: string; organizationId?: string; roles: Role[]; email?: string },
  ): Promise<UserView & { token: string }> {
    const roles = [...new Set(input.roles)];
    if (!input.organizationId && roles.some((r) => r !== 'admin')) {
      throw unprocessable(say('administrators_only_without_org'), [problem('organizationId', 'org_required_for_role')]);
    }
    const organization = input.organizationId ? await this.getOrganization(input.organizationId) : undefined;
    if (input.organizationId && !organization) {
      throw unprocessable(say('organization_missing', { id: input.organizationId }), [
        problem('organizationId', 'unknown_organization_plain'),
      ]);
    }
    // Roles fit organizations (domain/organizations.ts ROLE_ORGANIZATION_KINDS): a role its
    // organization can never play in a contract grants nothing and only misleads.
    if (organization) {
      const misfits = rolesNotFitting(organization.kind, roles);
      if (misfits.length > 0) {
        const kind = organization.kind;
        throw unprocessable(
          say('roles_misfit', { kind, roles: misfits, rules: misfits.map(roleRuleText) }),
          misfits.map((role) => {
            const kinds = organizationKindsFor(role);
            return problem(`roles.${input.roles.indexOf(role)}`, 'role_kinds', {
              kind,
              rule: roleRuleText(role),
              ...(kinds ? { kinds } : {}),
            });
          }),
        );
      }
    }
    const token = newToken();
    const id = newId('usr');
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          id,
          name: input.name.trim(),
          organizationId: input.organizationId ?? null,
          roles,
          email: input.email ?? null,
          tokenHash: hashToken(token),
        })
        .returning();
      await appendEvent(tx, {
        idempotencyKey: userEventKey(id, 'created'),
        kind: 'user.created',
        actorId: actor.userId,
        organizationId: row!.organizationId,
        occurredAt: row!.createdAt.toISOString(),
        payload: { name: row!.name, roles },
      });
      return { ...userView(row!), token };
    });
  }

  /** The names of the users among `ids` (at most a hundred; unknown ids left out). */
  async userNames(ids: readonly string[]): Promise<Array<{ id: string; name: string }>> {
    if (ids.length === 0) return [];
    return this.db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(inArray(users.id, [...ids]))
      .orderBy(asc(users.id));
  }

  /** Users oldest first (created_at, id), a page at a time by cursor (issue 19). */
  async listUsers(page: AdminPage): Promise<{ items: UserView[]; nextCursor: string | null }> {
    return byCreation('users', page, userView, (after) =>
      this.db
        .select({ row: users, micros: microsOf(users.createdAt) })
        .from(users)
        .where(after && beyond([users.createdAt, users.id], after))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(page.limit),
    );
  }

  /** Issues a new token for a user; the old one stops working at once. */
  async rotateToken(actor: Actor, userId: string): Promise<(UserView & { token: string }) | undefined> {
    const token = newToken();
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ tokenHash: hashToken(token) })
        .where(eq(users.id, userId))
        .returning();
      if (!row) return undefined;
      await appendEvent(tx, {
        idempotencyKey: userEventKey(userId, 'token', hashToken(token)),
        kind: 'user.token_rotated',
        actorId: actor.userId,
        organizationId: row.organizationId,
        occurredAt: new Date().toISOString(),
        payload: {},
      });
      return { ...userView(row), token };
    });
  }

  async actorForToken(token: string): Promise<(Actor & { name: string }) | undefined> {
    const [row] = await this.userByTokenHash.execute({ tokenHash: hashToken(token) });
    if (!row) return undefined;
    return { userId: row.id, organizationId: row.organizationId, roles: row.roles, name: row.name };
  }

  async getUser(id: string): Promise<UserView | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row ? userView(row) : undefined;
  }

  /**
   * Makes sure a platform administrator exists. With a configured token, that token is (re)bound to
   * the administrator. Without one, a token is generated on the very first start and returned so the
   * caller can print it once; later starts return undefined.
   */
  async ensureAdmin(configuredToken?: string): Promise<{ generatedToken?: string }> {
    const [existing] = await this.db.select().from(users).where(eq(users.id, ADMIN_USER_ID));
    if (configuredToken) {
      const tokenHash = hashToken(configuredToken);
      if (!existing) {
        await this.db
          .insert(users)
          .values({ id: ADMIN_USER_ID, name: 'Administrator', organizationId: null, roles: ['admin'], tokenHash })
          .onConflictDoUpdate({ target: users.id, set: { tokenHash } });
      } else if (existing.tokenHash !== tokenHash) {
        await this.db.update(users).set({ tokenHash }).where(eq(users.id, ADMIN_USER_ID));
      }
      return {};
    }
    if (existing) return {};
    const token = newToken();
    const inserted = await this.db
      .insert(users)
      .values({
        id: ADMIN_USER_ID,
        name: 'Administrator',
        organizationId: null,
        roles: ['admin'],
        tokenHash: hashToken(token),
      })
      .onConflictDoNothing({ target: users.id })
      .returning({ id: users.id });
    // Another process may have won the race; then its token is the one that was printed.
    return inserted.length > 0 ? { generatedToken: token } : {};
  }
}
