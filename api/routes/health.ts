import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RETRY_AFTER_SECONDS } from '../outages';

export interface ReadinessProbe {
  name: string;
  /** Rejects when the dependency is not ready; may resolve to a detail worth showing (e.g. a count). */
  check(): Promise<string | void>;
}

const Check = Type.Object(
  {
    name: Type.String(),
    ok: Type.Boolean(),
    error: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
  },
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
        summary:
          'Ready (200) when the database and Temporal answer and a worker polls the task queue; else 503 naming the failing check. Stuck workflows are a detail, not a failure.',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const checks = await Promise.all(
        probes.map(async (probe) => {
          try {
            const detail = await withTimeout(probe.check(), 3000);
            return detail ? { name: probe.name, ok: true, detail } : { name: probe.name, ok: true };
          } catch (error) {
            request.log.warn({ err: error, probe: probe.name }, 'readiness check failed');
            return { name: probe.name, ok: false, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const ready = checks.every((c) => c.ok);
      if (!ready) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );
};
