// Schema pieces shared by several resources.
import { Type } from 'typebox';
import { ORGANIZATION_KINDS, ROLES } from '../domain/organizations';

export const OrganizationKindSchema = Type.Enum(ORGANIZATION_KINDS);
export const RoleSchema = Type.Enum(ROLES);
export const IdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
export const Timestamp = Type.String({ format: 'date-time' });
export const ErrorRef = Type.Ref('ErrorResponse');

/** The error responses a route can give, for its OpenAPI entry. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ErrorRef]));
}

// `type: [T, "null"]` rather than anyOf: the response serializer handles it without running a
// validator per value, which matters for long lists (ledgers, inboxes).
export const NullableString = () => Type.Unsafe<string | null>({ type: ['string', 'null'] });
export const NullableInteger = () => Type.Unsafe<number | null>({ type: ['integer', 'null'] });
export const NullableNumber = () => Type.Unsafe<number | null>({ type: ['number', 'null'] });
