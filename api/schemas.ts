// Schema pieces shared by several resources.
import { Type, type TString } from 'typebox';
import { LANGS, type Lang } from '../domain/languages';
import { ORGANIZATION_KINDS, ROLES } from '../domain/organizations';
import { ATTACHMENT_KINDS } from '../domain/templates';
import { base64Length, MAX_ATTACHMENT_BYTES } from '../domain/attachments';

// Request limits, far beyond what a real user sends (the README lists them). Every array in a
// request has a maxItems and every string a maxLength (or a pattern or enum that bounds it), so no
// request, however large, makes the API do work out of proportion to a real one.
/** Characters of an id (contract, tranche, station, organization…). */
export const MAX_ID_LENGTH = 64;
/** Characters of a name, title or label. */
export const MAX_LABEL_LENGTH = 200;
/** Characters of a payment's reference (the payer's voucher number). */
export const MAX_REFERENCE_LENGTH = 100;
/** Characters of a note, reason or explanation. */
export const MAX_NOTE_LENGTH = 2000;
/** Characters of a money amount ("1154000.00") or a date / date-time text. */
export const MAX_AMOUNT_LENGTH = 24;
export const MAX_DATE_TEXT_LENGTH = 40;
/** Characters of one section of evaluation material. */
export const MAX_SECTION_LENGTH = 50_000;
/** Characters of an attachment's base64 content: MAX_ATTACHMENT_BYTES (domain/attachments) encoded. */
export const MAX_ATTACHMENT_BASE64_LENGTH = base64Length(MAX_ATTACHMENT_BYTES);
/** Characters of an Idempotency-Key header. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
export const MAX_TRANCHES = 100;
export const MAX_CHECKPOINTS = 100;
export const MAX_STATIONS = 200;
export const MAX_VILLAGES_PER_STATION = 200;
export const MAX_BUDGET_LINES = 50;
export const MAX_MILESTONES = 50;
export const MAX_QUOTAS = 50;
/** Templates a milestone asks for, and materials in one submission. */
export const MAX_MATERIALS = 20;
/** Sections in one submitted material. */
export const MAX_SECTIONS = 50;
/** Days a contract's own calendar adds, each of holidays and workdays. */
export const MAX_CALENDAR_DAYS = 400;
export const MAX_LADDER_LEVELS = 10;
/** Attachments in one upload (a submitted material, a delivery) and in one progress record. */
export const MAX_ATTACHMENTS = 50;
export const MAX_PROGRESS_ATTACHMENTS = 20;
/** Reasons given with one returned submission. */
export const MAX_RETURN_REASONS = 50;
/** Villages, items and contacts of one material request; items of one delivery or decision. */
export const MAX_REQUEST_VILLAGES = 50;
export const MAX_REQUEST_ITEMS = 50;
export const MAX_REQUEST_CONTACTS = 50;
/** The highest row id (timeline events, notifications) a query may name: ids are exact integers. */
export const MAX_ROW_ID = Number.MAX_SAFE_INTEGER;
/** The highest `offset` of a list: far past any real list, small enough to stay exact. */
export const MAX_OFFSET = 1_000_000;

/** Longest cursor of a keyset-paged list (api/services/cursor.ts). */
export const MAX_CURSOR_LENGTH = 2048;
/** A keyset-paged list's `cursor` query parameter (issue 19). */
export const CursorQuery = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: MAX_CURSOR_LENGTH,
    pattern: '^[A-Za-z0-9_-]+$',
    description:
      "The previous page's `nextCursor`: the page after it, in the same order (opaque; positional only — your own visibility and filters apply)",
  }),
);
/** A keyset-paged list's `nextCursor`: the cursor of the next page, or null on the last. */
export const NextCursor = () =>
  Type.Unsafe<string | null>({
    type: ['string', 'null'],
    maxLength: MAX_CURSOR_LENGTH,
    description:
      'Pass as `cursor` for the next page; null when this page is the last (a full page may still be followed by an empty one)',
  });

/** Rows per page of the administrators' lists (organizations, users): the whole of a county's at once. */
export const MAX_ADMIN_PAGE = 1000;
export const AdminListQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: MAX_ADMIN_PAGE, default: MAX_ADMIN_PAGE }), cursor: CursorQuery },
  { additionalProperties: false },
);

/** A text in every language (domain/languages.ts Text): `{ en, 'zh-CN' }`. */
export const TextSchema = Type.Object(
  Object.fromEntries(LANGS.map((lang) => [lang, Type.String()])) as Record<Lang, TString>,
  {
    additionalProperties: false,
  },
);

export const OrganizationKindSchema = Type.Enum(ORGANIZATION_KINDS);
export const RoleSchema = Type.Enum(ROLES);
export const IdSchema = Type.String({
  minLength: 1,
  maxLength: MAX_ID_LENGTH,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
});
export const Timestamp = Type.String({ format: 'date-time' });
export const ErrorRef = Type.Ref('ErrorResponse');
/** The optional Idempotency-Key header of routes that create something. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, description: '1–200 visible ASCII characters' }),
  ),
});
/** A row id in a query or path: a positive exact integer. */
export const RowId = (description?: string) =>
  Type.Integer({ minimum: 1, maximum: MAX_ROW_ID, ...(description ? { description } : {}) });
/**
 * A calendar day in a query (YYYY-MM-DD, Asia/Shanghai): a real date (format, so no 2023-02-30)
 * in the years 1900–2199, which every database date column can hold (there is no year 0000).
 */
export const QueryDay = (description: string) =>
  Type.String({
    format: 'date',
    pattern: '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
    description,
  });

/** The error responses a route can give, for its OpenAPI entry (those any route can give are added by api/openapi.ts). */
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
    size: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENT_BYTES, description: 'Bytes' }),
    sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
    content: Type.String({ maxLength: MAX_ATTACHMENT_BASE64_LENGTH, description: 'The file, base64-encoded' }),
  },
  { additionalProperties: false },
);

/** A stored attachment as it is shown: the content is fetched by its sha256, never echoed. */
export const AttachmentMetaSchema = Type.Object(
  {
    name: Type.String(),
    kind: Type.Enum(ATTACHMENT_KINDS),
    contentType: Type.String(),
    size: Type.Integer(),
    sha256: Type.String(),
  },
  { additionalProperties: false },
);
