// TypeBox schemas of material requests. Field names are the public contract of the API.
import { LINE_STATUSES, VILLAGE_STATUSES } from '../../domain/material-requests';
import { Type } from 'typebox';
import { ACCEPTANCE_DECISIONS } from '../../domain/decisions';
import { MATERIAL_KINDS, REQUEST_STATUSES } from '../../domain/material-requests';
import {
  AttachmentMetaSchema,
  IdSchema,
  MAX_ATTACHMENTS,
  MAX_DATE_TEXT_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_REQUEST_CONTACTS,
  MAX_REQUEST_ITEMS,
  MAX_REQUEST_VILLAGES,
  NullableString,
  UploadedAttachmentSchema,
} from '../schemas';

const closed = { additionalProperties: false } as const;

export const MaterialRequestInput = Type.Object(
  {
    station: IdSchema,
    villages: Type.Array(IdSchema, { minItems: 1, maxItems: MAX_REQUEST_VILLAGES }),
    title: Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH }),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
    items: Type.Array(
      Type.Object(
        {
          id: IdSchema,
          kind: Type.Enum(MATERIAL_KINDS),
          quantity: Type.Integer({ description: 'How many each village owes' }),
          description: Type.Optional(Type.String({ maxLength: 500 })),
        },
        closed,
      ),
      { minItems: 1, maxItems: MAX_REQUEST_ITEMS },
    ),
    due: Type.String({
      maxLength: MAX_DATE_TEXT_LENGTH,
      description: 'ISO 8601 date (end of that day in Asia/Shanghai) or date-time',
    }),
    contacts: Type.Optional(
      Type.Array(IdSchema, {
        maxItems: MAX_REQUEST_CONTACTS,
        description: 'Hamlet volunteers holding the materials (contact ids of the villages asked)',
      }),
    ),
  },
  closed,
);

export const DeliveryInput = Type.Object(
  {
    village: Type.Optional(IdSchema),
    items: Type.Array(Type.Object({ itemId: IdSchema, quantity: Type.Integer() }, closed), {
      minItems: 1,
      maxItems: MAX_REQUEST_ITEMS,
    }),
    attachments: Type.Optional(Type.Array(UploadedAttachmentSchema, { maxItems: MAX_ATTACHMENTS })),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
  },
  closed,
);

export const DeliveryDecisionInput = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          itemId: IdSchema,
          outcome: Type.Enum(ACCEPTANCE_DECISIONS),
          reason: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
        },
        closed,
      ),
      { minItems: 1, maxItems: MAX_REQUEST_ITEMS },
    ),
  },
  closed,
);

const ItemStanding = Type.Object(
  {
    itemId: Type.String(),
    requested: Type.Integer(),
    delivered: Type.Integer(),
    accepted: Type.Integer(),
    pending: Type.Integer(),
    returned: Type.Integer(),
    outstanding: Type.Integer(),
  },
  closed,
);

export const MaterialRequestView = Type.Object(
  {
    id: Type.String(),
    contractId: Type.String(),
    station: Type.String(),
    villages: Type.Array(Type.String()),
    title: Type.String(),
    note: NullableString(),
    items: Type.Array(
      Type.Object(
        { id: Type.String(), kind: Type.Enum(MATERIAL_KINDS), quantity: Type.Integer(), description: NullableString() },
        closed,
      ),
    ),
    due: Type.String(),
    dueAt: Type.String(),
    contacts: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          village: Type.String(),
          name: Type.String(),
          phone: Type.Unsafe<string | null>({
            type: ['string', 'null'],
            description: "null unless you may read the village's contacts (GET /v1/organizations/:id/contacts)",
          }),
          hamlet: Type.String(),
        },
        closed,
      ),
    ),
    status: Type.Enum(REQUEST_STATUSES),
    overdue: Type.Boolean(),
    villageStatus: Type.Array(
      Type.Object(
        { village: Type.String(), status: Type.Enum(VILLAGE_STATUSES), items: Type.Array(ItemStanding) },
        closed,
      ),
    ),
    deliveries: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          village: Type.String(),
          items: Type.Array(
            Type.Object(
              {
                itemId: Type.String(),
                quantity: Type.Integer(),
                status: Type.Enum(LINE_STATUSES),
                reason: NullableString(),
              },
              closed,
            ),
          ),
          attachments: Type.Array(AttachmentMetaSchema),
          note: NullableString(),
          deliveredBy: Type.String(),
          deliveredAt: Type.String(),
          reviewedBy: NullableString(),
          reviewedAt: NullableString(),
        },
        closed,
      ),
    ),
    remindedAt: NullableString(),
    cancelled: Type.Union([
      Type.Object({ reason: Type.String(), cancelledBy: Type.String(), cancelledAt: Type.String() }, closed),
      Type.Null(),
    ]),
    closedAt: NullableString(),
    requestedBy: Type.String(),
    requestedAt: Type.String(),
  },
  closed,
);

export const VillageSummary = Type.Object(
  {
    village: Type.String(),
    name: Type.String(),
    station: Type.String(),
    requests: Type.Integer(),
    open: Type.Integer(),
    overdue: Type.Integer(),
    workingDaysHeld: Type.Integer({
      description:
        "The sum of the village's overdue requests' working days held: requests overdue at once each add their days",
    }),
    workingDaysHoldingAnyRequest: Type.Integer({
      description:
        'Working days on which the village held at least one overdue request: the delay attributed to the village',
    }),
    overdueSteps: Type.Array(
      Type.Object(
        {
          stepId: Type.String(),
          reference: Type.String(),
          since: Type.String(),
          resolvedAt: NullableString(),
          workingDays: Type.Integer(),
        },
        closed,
      ),
    ),
  },
  closed,
);
