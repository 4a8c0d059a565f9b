import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

const Check = Type.Object(
  { name: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const Readiness = Type.Object(
  { status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]), checks: Type.Array(Check) },
  { additionalProperties: false },
);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ probes: ReadinessProbe[] }> = async (app, { probes }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The process is alive.',
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Temporal and the database are reachable (200), or not (503).',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const checks = await Promise.all(
        probes.map(async (probe) => {
          try {
            await withTimeout(probe.check(), 3000);
            return { name: probe.name, ok: true };
          } catch (error) {
            request.log.warn({ err: error, probe: probe.name }, 'readiness check failed');
            return { name: probe.name, ok: false, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const ready = checks.every((c) => c.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );
};
