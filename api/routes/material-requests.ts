import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../domain/attachments';
import { REQUEST_STATUSES } from '../../domain/material-requests';
import { CONTRACTOR_STAFF_ROLES } from '../../domain/organizations';
import { actorOf, onlyRoles } from '../plugins/auth';
import { errors, IdempotencyHeaders, IdSchema, MAX_NOTE_LENGTH } from '../schemas';
import type { IdempotencyService } from '../services/idempotency';
import { sendIdempotently } from './idempotent';
import type { MaterialRequestService } from '../services/material-requests';
import {
  DeliveryDecisionInput,
  DeliveryInput,
  MaterialRequestInput,
  MaterialRequestView,
  VillageSummary,
} from './material-requests.schemas';

const closed = { additionalProperties: false } as const;
const ContractParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const RequestParams = Type.Object({ rid: IdSchema });

export const materialRequestRoutes: FastifyPluginAsyncTypebox<{
  materialRequests: MaterialRequestService;
  idempotency: IdempotencyService;
}> = async (app, { materialRequests, idempotency }) => {
  app.post(
    '/v1/contracts/:id/material-requests',
    {
      config: onlyRoles(CONTRACTOR_STAFF_ROLES, 'ask villages for materials'),
      schema: {
        tags: ['village chain'],
        summary:
          'Ask villages of a station for materials by a due date (station_staff or contractor_staff of the contractor). The villages are reminded the working day before; after the due day each village still owing climbs the materialRequestOverdue ladder. Honours Idempotency-Key.',
        params: ContractParams,
        headers: IdempotencyHeaders,
        body: MaterialRequestInput,
        response: { 201: MaterialRequestView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const key = request.headers['idempotency-key'];
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { contract: request.params.id, body: request.body },
        // A request made again under the same key (its first answer lost) is the creation that key asked for.
        async () => ({
          statusCode: 201,
          body: (await materialRequests.create(actor, request.params.id, request.body, key)).request,
        }),
      );
    },
  );

  app.get(
    '/v1/contracts/:id/material-requests',
    {
      schema: {
        tags: ['village chain'],
        summary:
          "A contract's material requests, by due date; a village's users see only those addressed to their village.",
        params: ContractParams,
        querystring: Type.Object(
          {
            station: Type.Optional(IdSchema),
            village: Type.Optional(IdSchema),
            status: Type.Optional(Type.Enum(REQUEST_STATUSES)),
            overdue: Type.Optional(Type.Boolean()),
          },
          closed,
        ),
        response: { 200: Type.Object({ items: Type.Array(MaterialRequestView) }, closed), ...errors(400, 401, 404) },
      },
    },
    async (request) => materialRequests.list(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/v1/material-requests/:rid',
    {
      schema: {
        tags: ['village chain'],
        summary: 'One material request with what each village delivered and still owes.',
        params: RequestParams,
        response: { 200: MaterialRequestView, ...errors(401, 404) },
      },
    },
    async (request) => materialRequests.get(actorOf(request), request.params.rid),
  );

  app.post(
    '/v1/material-requests/:rid/deliveries',
    {
      // Attachments travel inside the JSON body, base64-encoded.
      bodyLimit: MAX_UPLOAD_REQUEST_BYTES,
      config: onlyRoles(['village_liaison'], 'deliver materials'),
      schema: {
        tags: ['village chain'],
        summary:
          'Deliver some or all of the items (village_liaison of a village asked, for that village only). Partial deliveries add up; nothing beyond what is still owed is accepted. Honours Idempotency-Key.',
        params: RequestParams,
        headers: IdempotencyHeaders,
        body: DeliveryInput,
        response: { 201: MaterialRequestView, ...errors(400, 401, 403, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const key = request.headers['idempotency-key'];
      return sendIdempotently(
        reply,
        idempotency,
        actor.userId,
        { request: request.params.rid, body: request.body },
        async () => ({
          statusCode: 201,
          body: await materialRequests.deliver(actor, request.params.rid, request.body, key),
        }),
      );
    },
  );

  app.post(
    '/v1/material-requests/:rid/deliveries/:did/decision',
    {
      config: onlyRoles(CONTRACTOR_STAFF_ROLES, 'accept or send back deliveries'),
      schema: {
        tags: ['village chain'],
        summary:
          'Accept delivered items or send them back with a reason (station_staff or contractor_staff of the contractor). An item sent back is owed again.',
        params: Type.Object({ rid: IdSchema, did: IdSchema }),
        body: DeliveryDecisionInput,
        response: { 200: MaterialRequestView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      materialRequests.review(actorOf(request), request.params.rid, request.params.did, request.body.items),
  );

  app.post(
    '/v1/material-requests/:rid/cancellation',
    {
      config: onlyRoles(CONTRACTOR_STAFF_ROLES, 'cancel material requests'),
      schema: {
        tags: ['village chain'],
        summary:
          'Withdraw a request with a reason (station_staff or contractor_staff of the contractor); its escalations close.',
        params: RequestParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH }) }, closed),
        response: { 200: MaterialRequestView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => materialRequests.cancel(actorOf(request), request.params.rid, request.body.reason),
  );

  app.get(
    '/v1/contracts/:id/villages',
    {
      schema: {
        tags: ['village chain'],
        summary:
          'Each village of the contract: its requests, those overdue, and the working days it held requests past due (the delay attributed to the village), longest first.',
        params: ContractParams,
        response: { 200: Type.Object({ items: Type.Array(VillageSummary) }, closed), ...errors(401, 404) },
      },
    },
    async (request) => materialRequests.villages(actorOf(request), request.params.id),
  );
};
