import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TEMPLATES } from '../../domain/templates';
import { actorOf } from '../plugins/auth';
import { errors } from '../schemas';

const closed = { additionalProperties: false } as const;
const Text = Type.Object({ en: Type.String(), 'zh-CN': Type.String() }, closed);

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
              items: Type.Array(
                Type.Object(
                  {
                    id: Type.String(),
                    version: Type.Integer(),
                    title: Text,
                    sections: Type.Array(
                      Type.Object(
                        { id: Type.String(), title: Text, minLength: Type.Integer(), placeholder: Type.Optional(Type.String()) },
                        closed,
                      ),
                    ),
                    evidence: Type.Array(Type.Object({ kind: Type.String(), min: Type.Integer(), label: Text }, closed)),
                  },
                  closed,
                ),
              ),
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
