// Schema pieces shared by several resources.
import { Type } from 'typebox';
import { ORGANIZATION_KINDS, ROLES } from '../domain/organizations';
import { ATTACHMENT_KINDS } from '../domain/templates';

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

/** An uploaded file inside a JSON body, checked against its size and sha256 before it is stored. */
export const UploadedAttachmentSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    kind: Type.Enum(ATTACHMENT_KINDS),
    contentType: Type.String({ maxLength: 100 }),
    size: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
    content: Type.String({ description: 'The file, base64-encoded' }),
  },
  { additionalProperties: false },
);

/** A stored attachment as it is shown: the content is fetched by its sha256, never echoed. */
export const AttachmentMetaSchema = Type.Object(
  { name: Type.String(), kind: Type.Enum(ATTACHMENT_KINDS), contentType: Type.String(), size: Type.Integer(), sha256: Type.String() },
  { additionalProperties: false },
);
