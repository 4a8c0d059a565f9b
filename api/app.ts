// Builds the HTTP API: external plugins first, then the app's own (auth), then one plugin per resource.
import packageJson from '../package.json' with { type: 'json' };
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { NO_EXCEPTIONS, type OutboundPolicy } from '../domain/outbound';
import type { DatabaseHandle } from '../db/client';
import { textProblems } from '../domain/text';
import { say } from '../domain/messages';
import { ApiError, errorResponseSchema, firstProblemMessage, frameworkErrors, registerErrorHandling } from './errors';
import { documentExamples } from './examples';
import { documentCommonErrors } from './openapi';
import { outageOf, temporalOutage, workerOutage } from './outages';
import { adminRoutes } from './routes/admin';
import { authPlugin, type RateLimits } from './plugins/auth';
import { healthRoutes, type ReadinessProbe } from './routes/health';
import { calendarRoutes } from './routes/calendar';
import { contractCalendarRoutes } from './routes/contract-calendar';
import { contactRoutes } from './routes/contacts';
import { contractRoutes } from './routes/contracts';
import { escalationRoutes } from './routes/escalations';
import { inboxRoutes } from './routes/inbox';
import { materialRequestRoutes } from './routes/material-requests';
import { organizationRoutes } from './routes/organizations';
import { paymentRoutes } from './routes/payments';
import { paymentApplicationRoutes } from './routes/payment-applications';
import { PaymentApplicationService } from './services/payment-applications';
import { quotaRoutes } from './routes/quotas';
import { submissionRoutes } from './routes/submissions';
import { templateRoutes } from './routes/templates';
import { userRoutes } from './routes/users';
import { builtWebRoot, webRoutes } from './routes/web';
import { webhookRoutes } from './routes/webhooks';
import { CalendarService } from './services/calendar';
import { reachRunningContracts } from './services/calendar-reach';
import { ContractCalendarService } from './services/contract-calendar';
import { ContactService } from './services/contacts';
import { ContractService } from './services/contracts';
import { EscalationService } from './services/escalations';
import { IdempotencyService } from './services/idempotency';
import { InboxService } from './services/inbox';
import { MaterialRequestService } from './services/material-requests';
import { sweepTextsEvery } from './services/free-texts';
import { OperatorService } from './services/operators';
import { QuotaService } from './services/quotas';
import { LocalFileStorage, type FileStorage } from './services/file-storage';
import { IdentityService } from './services/identity';
import { SubmissionService } from './services/submissions';
import { WebhookService } from './services/webhooks';
import { WorkerService } from './services/workers';
import { DEFAULT_UPDATE_GATE, UpdateGate, withUpdateGate, type UpdateGateOptions } from './services/update-gate';
import { validatorCompiler } from './validation';

export interface AppDeps {
  database: DatabaseHandle;
  temporal: Client;
  taskQueue: string;
  logLevel?: string;
  bodyLimit?: number;
  requestTimeoutMs?: number;
  /** Where attachments are stored; default: files/ under dataDir. */
  fileStorage?: FileStorage;
  dataDir?: string;
  /** The built dashboard served at /; default: web/dist. */
  webRoot?: string;
  /** Webhook targets allowed although loopback, private or plain http; default none. */
  outbound?: OutboundPolicy;
  /** Per-minute limits on failed authentication and on writes; default DEFAULT_RATE_LIMITS. */
  rateLimits?: RateLimits;
  /** More readiness checks for /readyz (e.g. the dev server `npm start` supervises). */
  probes?: ReadinessProbe[];
  /** Deadline of each request's Temporal calls; past it the request answers 503. Default 20 s. */
  temporalDeadlineMs?: number;
  /** A worker counts as present when it polled within this window (default 90 s; see api/services/workers). */
  workerPollWindowMs?: number;
  /** How often the API looks for stuck workflows in the background (0: only when asked). Default 60 s. */
  stuckScanIntervalMs?: number;
  /** Updates in flight per workflow from this process, and the queue behind them (api/services/update-gate.ts); default DEFAULT_UPDATE_GATE. */
  updateGate?: Partial<UpdateGateOptions>;
  /** The services the routes call; default: made from `database` and `temporal` (createServices). Tests of the HTTP layer pass fakes (tests/api/). */
  services?: AppServices;
}

/** What the routes call, one service per resource. */
export interface AppServices {
  identity: IdentityService;
  operators: OperatorService;
  contracts: ContractService;
  idempotency: IdempotencyService;
  inbox: InboxService;
  escalations: EscalationService;
  webhooks: WebhookService;
  submissions: SubmissionService;
  contacts: ContactService;
  materialRequests: MaterialRequestService;
  quotas: QuotaService;
  calendar: CalendarService;
  contractCalendars: ContractCalendarService;
  applications: PaymentApplicationService;
}

/** The services on the database and Temporal client of `deps`, as production runs them. */
export function createServices(deps: AppDeps, log: FastifyBaseLogger): AppServices {
  const { db } = deps.database;
  const identity = new IdentityService(db);
  const escalations = new EscalationService(db, deps.temporal);
  const storage = deps.fileStorage ?? new LocalFileStorage(path.join(deps.dataDir ?? './data', 'files'));
  return {
    identity,
    operators: new OperatorService(db, deps.temporal, deps.taskQueue, log),
    contracts: new ContractService(db, deps.temporal, deps.taskQueue),
    idempotency: new IdempotencyService(db),
    inbox: new InboxService(db),
    escalations,
    webhooks: new WebhookService(db, identity, deps.outbound ?? NO_EXCEPTIONS),
    submissions: new SubmissionService(db, deps.temporal, storage),
    contacts: new ContactService(db),
    materialRequests: new MaterialRequestService(db, deps.temporal, storage, escalations),
    quotas: new QuotaService(db, deps.temporal, storage),
    calendar: new CalendarService(db, Date.now, reachRunningContracts(deps.temporal, deps.taskQueue)),
    contractCalendars: new ContractCalendarService(db, deps.temporal),
    applications: new PaymentApplicationService(db, deps.temporal, storage),
  };
}

export const DEFAULT_TEMPORAL_DEADLINE_MS = 20_000;
const DEFAULT_STUCK_SCAN_INTERVAL_MS = 60_000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel ?? 'info',
      redact: ['req.headers.authorization'],
    },
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    requestTimeout: deps.requestTimeoutMs ?? 30_000,
    // Node's own 16 KB for the request line and headers is less than a query its schema admits
    // (100 ids of 64 characters, percent-encoded: up to 9 bytes a character), and past it Node
    // answers 431 before Fastify sees the request. 128 KB holds every query the schemas bound.
    http: { maxHeaderSize: 128 * 1024 },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Escalation ids in paths are derived from several business ids (domain/ids keeps them under
    // 1000 bytes); the router's default of 100 characters would answer 414 for long ones.
    routerOptions: { maxParamLength: 1000 },
    // The router's own refusals (a malformed URL, a parameter past that length: 414) in the error shape.
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(errorResponseSchema);
  registerErrorHandling(app, outageOf);
  app.addHook('onRoute', documentCommonErrors);
  app.addHook('onRoute', documentExamples);

  // Outages: every /v1 request's Temporal calls share one deadline, so a workflow that cannot be
  // reached (no worker, Temporal down) answers 503 with Retry-After instead of hanging; the 503
  // names the worker when none polls the task queue.
  const workers = new WorkerService(deps.temporal, deps.taskQueue, deps.workerPollWindowMs);
  const deadlineMs = deps.temporalDeadlineMs ?? DEFAULT_TEMPORAL_DEADLINE_MS;
  // And every Update a request sends waits for a slot on its workflow (or is answered 429).
  const updateGate = new UpdateGate({ ...DEFAULT_UPDATE_GATE, ...deps.updateGate });
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const handler = route.handler;
    route.handler = async function withTemporalDeadline(request, reply) {
      try {
        return await deps.temporal.withDeadline(Date.now() + deadlineMs, async () =>
          withUpdateGate(updateGate, () => handler.call(this, request, reply)),
        );
      } catch (error) {
        const outage = outageOf(error);
        // A 503 a service said in its own words (a contract handing over, Temporal refusing an Update
        // for its Updates in flight) stands; only a bare "Temporal did not answer" is judged here.
        if (outage?.down !== 'temporal' || outage.said !== undefined) throw error;
        throw (await workers.isAbsent()) ? workerOutage(deps.taskQueue) : temporalOutage(Math.round(deadlineMs / 1000));
      }
    };
  });
  // Text no person writes (NUL and other control characters, unpaired surrogates) is refused at
  // the boundary, in every route's params, query and body, before anything stores or forwards it.
  app.addHook('preValidation', async (request) => {
    const problems = [
      ...textProblems(request.params, 'params'),
      ...textProblems(request.query, 'querystring'),
      ...textProblems(request.body),
    ];
    if (problems.length > 0) {
      throw new ApiError(400, 'invalid_request', firstProblemMessage(problems, say('invalid_request')), problems);
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'grantflow API',
        version: packageJson.version,
        description: 'Durable workflows for grant-funded government service contracts.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const services = deps.services ?? createServices(deps, app.log);
  const { identity, operators, idempotency, escalations } = services;
  const scanEvery = deps.stuckScanIntervalMs ?? DEFAULT_STUCK_SCAN_INTERVAL_MS;
  if (scanEvery > 0) {
    const stop = operators.every(scanEvery);
    app.addHook('onClose', async () => stop());
  }
  const stopSweep = sweepTextsEvery(deps.database.db, 60 * 60 * 1000, app.log);
  app.addHook('onClose', async () => stopSweep());
  await app.register(healthRoutes, {
    probes: [
      { name: 'database', check: () => deps.database.ping() },
      {
        name: 'temporal',
        check: async () => {
          await deps.temporal.workflowService.describeNamespace({ namespace: deps.temporal.options.namespace });
        },
      },
      { name: 'worker', check: () => workers.check() },
      {
        // A detail, never a failure: one stuck contract must not take the API out of a balancer.
        name: 'workflows',
        check: async () => {
          const last = operators.latest;
          if (!last) {
            operators.scan().catch(() => {});
            return 'stuck workflows: not scanned yet';
          }
          return `${last.items.length} stuck workflow(s) among ${last.scanned} running, as of ${last.scannedAt} (GET /v1/admin/stuck-workflows)`;
        },
      },
      ...(deps.probes ?? []),
    ],
  });

  // The dashboard page is public; it calls /v1 with the token the user signs in with.
  await app.register(webRoutes, { root: deps.webRoot ?? builtWebRoot });

  // Everything under /v1 needs a bearer token; health, OpenAPI, docs and the dashboard stay public.
  await app.register(async (v1) => {
    await v1.register(authPlugin, { identity, rateLimits: deps.rateLimits });
    await v1.register(organizationRoutes, { identity });
    await v1.register(userRoutes, { identity });
    await v1.register(adminRoutes, { operators });
    await v1.register(contractRoutes, { contracts: services.contracts, idempotency });
    await v1.register(paymentRoutes, { contracts: services.contracts });
    await v1.register(inboxRoutes, { inbox: services.inbox });
    await v1.register(escalationRoutes, { escalations });
    await v1.register(webhookRoutes, { webhooks: services.webhooks });
    await v1.register(templateRoutes);
    await v1.register(submissionRoutes, { submissions: services.submissions, idempotency });
    await v1.register(contactRoutes, { contacts: services.contacts, idempotency });
    await v1.register(materialRequestRoutes, { materialRequests: services.materialRequests, idempotency });
    await v1.register(quotaRoutes, { quotas: services.quotas, idempotency });
    await v1.register(calendarRoutes, { calendar: services.calendar, idempotency });
    await v1.register(contractCalendarRoutes, { contractCalendars: services.contractCalendars, idempotency });
    await v1.register(paymentApplicationRoutes, { applications: services.applications, idempotency });
  });

  return app;
}
