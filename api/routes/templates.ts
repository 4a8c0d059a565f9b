import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ATTACHMENT_KINDS, TEMPLATES } from '../../domain/templates';
import { actorOf } from '../plugins/auth';
import { errors, TextSchema } from '../schemas';

const closed = { additionalProperties: false } as const;

/** A material template: its sections with their rules, and the evidence it requires. */
export const TemplateView = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    title: TextSchema,
    sections: Type.Array(
      Type.Object(
        { id: Type.String(), title: TextSchema, minLength: Type.Integer(), placeholder: Type.Optional(Type.String()) },
        closed,
      ),
    ),
    evidence: Type.Array(
      Type.Object({ kind: Type.Enum(ATTACHMENT_KINDS), min: Type.Integer(), label: TextSchema }, closed),
    ),
  },
  closed,
);

export const templateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/templates',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'The material templates the pre-check applies: sections with their rules, and required evidence.',
        response: {
          200: Type.Object(
            {
              items: Type.Array(TemplateView),
            },
            closed,
          ),
          ...errors(401),
        },
      },
    },
    async (request) => {
      actorOf(request);
      return { items: TEMPLATES };
    },
  );
};
