// The API's refusals in the reader's language (issue 16 item 1): Accept-Language chooses zh-CN or en,
// English by default; schema errors in words (an enum lists its values, no regular expression is
// shown, an empty required text "is required"); schema and business-rule problems of a contract
// definition in one answer; a workflow's rejection written in the reader's language. The routes
// here run no workflow, so the API runs without Temporal (as tests/integration/roles-fit.test.ts).
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { ApiError, errorBody } from '../../api/errors';
import { PATTERN_WORDS } from '../../api/validation';
import { IdentityService } from '../../api/services/identity';
import { apiErrorFromTemporal } from '../../api/services/temporal-errors';
import { problem } from '../../domain/problems';
import { reject, REJECTION } from '../../workflows/rejection';
import { say } from '../../domain/messages';
import { sCountyContract } from '../fixtures/s-county';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { registerParties, type Parties } from '../helpers/parties';
import { httpClient, type Http } from '../helpers/stack';
import { offlineTemporalClient } from '../helpers/temporal';

/** Two or more Latin letters in a row: an English word (ids, codes and field names are checked apart). */
const ENGLISH_WORD = /[A-Za-z]{2,}/;
const EN = { 'accept-language': 'en-US,en;q=0.9' };
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9' };

describe('refusals in the reader’s words', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let http: Http;
  let admin: string;
  let parties: Parties;
  let village: string;
  let liaison: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = `gf_test_admin_${randomBytes(12).toString('hex')}`;
    await new IdentityService(database.handle.db).ensureAdmin(admin);
    app = await buildApp({
      database: database.handle,
      temporal: offlineTemporalClient(),
      taskQueue: 'unused',
      logLevel: 'silent',
      rateLimits: { writesPerMinute: 0, authFailuresPerMinute: 0 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    http = httpClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    parties = await registerParties(http, admin);
    village = parties.orgs.villages[0]!;
    const user = await http('POST', '/v1/users', {
      token: admin,
      body: { name: 'Liaison Tan', organizationId: village, roles: ['village_liaison'] },
    });
    liaison = user.body.token;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers in English without Accept-Language, and says which language it answered in', async () => {
    const res = await http('POST', '/v1/organizations', { token: admin, body: { name: 'X', kind: 'ministry' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-language')).toBe('en');
    expect(res.body.error.details).toEqual([
      { field: 'kind', reason: expect.stringMatching(/^must be one of "purchaser", /), code: 'one_of' },
    ]);
  });

  it('an enum error lists the allowed values, in each language', async () => {
    const body = { name: 'X', kind: 'ministry' };
    const en = await http('POST', '/v1/organizations', { token: admin, body, headers: EN });
    const zh = await http('POST', '/v1/organizations', { token: admin, body, headers: ZH });
    const values = '"purchaser", "payer", "contractor", "evaluator", "township", "village" or "auditor"';
    expect(en.body.error).toEqual({
      code: 'invalid_request',
      message: `kind must be one of ${values}`,
      details: [{ field: 'kind', reason: `must be one of ${values}`, code: 'one_of' }],
    });
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(zh.body.error.details).toEqual([
      {
        field: 'kind',
        reason: '必须是 "purchaser"、"payer"、"contractor"、"evaluator"、"township"、"village" 或 "auditor" 之一',
        code: 'one_of',
      },
    ]);
    expect(zh.body.error.message).toBe(`kind：${zh.body.error.details[0].reason}`);
  });

  it('a pattern is said in words, never as a regular expression; an empty required text “is required”', async () => {
    const body = { name: '', phone: 'call me', hamlet: 'Upper' };
    const en = await http('POST', `/v1/organizations/${village}/contacts`, { token: liaison, body, headers: EN });
    const zh = await http('POST', `/v1/organizations/${village}/contacts`, { token: liaison, body, headers: ZH });
    expect(en.status).toBe(400);
    expect(en.body.error.details).toEqual([
      { field: 'name', reason: 'is required', code: 'required' },
      {
        field: 'phone',
        reason: 'must be a phone number: digits, spaces or dashes, optionally starting with +',
        code: 'must_be',
      },
    ]);
    expect(zh.body.error.details).toEqual([
      { field: 'name', reason: '为必填项', code: 'required' },
      { field: 'phone', reason: '必须是电话号码：数字、空格或短横线，可以 + 开头', code: 'must_be' },
    ]);
    for (const answer of [en, zh]) expect(JSON.stringify(answer.body)).not.toMatch(/\^|\[0-9\]|must NOT|pattern/);
    // A missing field is "required" too, in the language asked for.
    const missing = await http('POST', `/v1/organizations/${village}/contacts`, {
      token: liaison,
      body: { phone: '+86 138 0000 0000', hamlet: 'Upper' },
      headers: ZH,
    });
    expect(missing.body.error.details).toEqual([{ field: 'name', reason: '为必填项', code: 'required' }]);
  });

  it('a business rule, in each language', async () => {
    const definition = sCountyContract(parties.orgs, {
      id: 'words-sum',
      tranches: [{ id: 't1', label: 'All', due: '2022-10-31', percent: 90, fundingSource: 'fiscal' }],
    });
    const en = await http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition, headers: EN });
    const zh = await http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition, headers: ZH });
    expect(en.status).toBe(422);
    expect(en.body.error).toEqual({
      code: 'unprocessable',
      message: 'The contract definition is not valid',
      details: [
        {
          field: 'tranches',
          reason: 'must add up to the contract value 1154000.00, but add up to 1038600.00',
          code: 'must_add_up',
        },
      ],
    });
    expect(zh.body.error).toEqual({
      code: 'unprocessable',
      message: '合同定义有误',
      details: [
        { field: 'tranches', reason: '合计应等于合同金额 1154000.00 元，实际合计 1038600.00 元', code: 'must_add_up' },
      ],
    });
  });

  it('a refusal replayed under its Idempotency-Key speaks the language the repeat asks for', async () => {
    const definition = sCountyContract(parties.orgs, {
      id: 'words-replay',
      tranches: [{ id: 't1', label: 'All', due: '2022-10-31', percent: 90, fundingSource: 'fiscal' }],
    });
    const key = { 'idempotency-key': `words-replay-${randomBytes(4).toString('hex')}` };
    const first = await http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: definition,
      headers: { ...EN, ...key },
    });
    const again = await http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: definition,
      headers: { ...ZH, ...key },
    });
    expect(first.status).toBe(422);
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.error).toEqual({
      code: 'unprocessable',
      message: '合同定义有误',
      details: [
        { field: 'tranches', reason: '合计应等于合同金额 1154000.00 元，实际合计 1038600.00 元', code: 'must_add_up' },
      ],
    });
  });

  it('reports the schema’s and the business rules’ problems of a contract definition in one answer', async () => {
    const definition = {
      ...sCountyContract(parties.orgs, { id: 'words-both' }),
      parties: { ...sCountyContract(parties.orgs).parties, evaluator: 'org_nobody' },
      tranches: [
        { id: 't1', label: 'Advance', due: '2022-10-31', percent: 40, fundingSource: 'lottery' },
        { id: 't2', label: 'Rest', due: '2023-06-30', percent: 40, fundingSource: 'fiscal' },
      ],
    };
    const res = await http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition, headers: ZH });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'tranches.0.fundingSource', reason: expect.stringMatching(/^必须是 "fiscal"/), code: 'one_of' },
        { field: 'parties.evaluator', reason: '不是已登记的机构（"org_nobody"）', code: 'unknown_organization' },
      ]),
    );
    // The schema's fault is not repeated by the rules: one reason per field.
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(new Set(fields).size).toBe(fields.length);
  });

  it('does not run the rules on a body past a collection’s limit (the array-length guard looks at no item)', async () => {
    const definition = sCountyContract(parties.orgs, {
      id: 'words-flood',
      stations: Array.from({ length: 5000 }, (_, i) => ({
        id: `s${i}`,
        name: 's',
        township: 't',
        villages: ['org_nobody'],
      })),
    });
    const res = await http('POST', '/v1/contracts', { token: parties.tokens.agency, body: definition, headers: EN });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        field: 'stations',
        reason: expect.stringMatching(/^must have at most \d+ items \(has 5000\)$/),
        code: 'max_items',
      },
    ]);
  });

  it('reports a calendar year’s schema and rule problems in one answer', async () => {
    const res = await http('PUT', '/v1/calendar/years/2027', {
      token: admin,
      body: { holidays: ['2026-05-01'], workdays: [], source: { title: '', date: '2026-11-12' } },
      headers: ZH,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'source.title', reason: '为必填项', code: 'required' },
      { field: 'holidays.0', reason: '2026年5月1日不在 2027 年内', code: 'day_not_in_year' },
    ]);
  });

  it('says every pattern of every schema of the API in words (a new pattern without words fails here)', async () => {
    const patterns = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'pattern' && typeof value === 'string') patterns.add(value);
          else walk(value);
        }
      }
    };
    walk(app.swagger());
    expect(patterns.size).toBeGreaterThan(3);
    for (const pattern of patterns) expect(PATTERN_WORDS, pattern).toHaveProperty([pattern]);
  });

  it('a refusal by role, and a route that does not exist, in Chinese with no English word but ids', async () => {
    const forbidden = await http('POST', '/v1/contracts', { token: parties.tokens.finance, body: {}, headers: ZH });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe('只有业务主管可以启动合同');
    const none = await http('GET', '/v1/nothing-here', { token: admin, headers: ZH });
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe('没有 GET /v1/nothing-here 这个接口');
    const unauthorized = await http('GET', '/v1/me', { headers: ZH });
    expect(unauthorized.body.error.message).not.toMatch(ENGLISH_WORD);
  });
});

describe('a workflow’s rejection, as the API answers it', () => {
  /** What the client sees when an Update's validator rejects with `reject(...)` (workflows/rejection.ts). */
  function rejectedUpdate(run: () => never): WorkflowUpdateFailedError {
    try {
      run();
    } catch (failure) {
      return new WorkflowUpdateFailedError('rejected', failure as ApplicationFailure);
    }
    throw new Error('reject() did not throw');
  }

  it('writes the message and the problems in the reader’s language, English by default', () => {
    const error = apiErrorFromTemporal(
      rejectedUpdate(() =>
        reject(REJECTION.invalid, say('payment_invalid'), [
          problem('receivedOn', 'in_future', { today: '2023-06-30' }),
        ]),
      ),
      'The payment',
    ) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.statusCode).toBe(422);
    expect(errorBody(error.code, error.message, error.details, 'en', error.said)).toEqual({
      error: {
        code: 'unprocessable',
        message: 'The payment cannot be recorded',
        details: [
          { field: 'receivedOn', reason: 'is in the future (today is 2023-06-30 in Asia/Shanghai)', code: 'in_future' },
        ],
      },
    });
    expect(errorBody(error.code, error.message, error.details, 'zh-CN', error.said)).toEqual({
      error: {
        code: 'unprocessable',
        message: '无法登记这笔到账',
        details: [{ field: 'receivedOn', reason: '是将来的日期（北京时间今天是2023年6月30日）', code: 'in_future' }],
      },
    });
  });

  it('a conflict without problems, and a rejection from before the catalog (text only) keeps its text in English', () => {
    const conflict = apiErrorFromTemporal(
      rejectedUpdate(() =>
        reject(REJECTION.notActive, say('contract_not_active', { id: 'S-1', status: 'terminated' })),
      ),
      'x',
    ) as ApiError;
    expect(conflict.statusCode).toBe(409);
    expect(errorBody(conflict.code, conflict.message, conflict.details, 'zh-CN', conflict.said).error.message).toBe(
      '合同 S-1 当前已终止',
    );
    const old = apiErrorFromTemporal(
      new WorkflowUpdateFailedError(
        'rejected',
        ApplicationFailure.create({ type: REJECTION.conflict, message: 'Old words', nonRetryable: true }),
      ),
      'x',
    ) as ApiError;
    expect(errorBody(old.code, old.message, old.details, 'en', old.said).error.message).toBe('Old words');
    // A reader of Chinese gets what the code means rather than an English sentence.
    expect(errorBody(old.code, old.message, old.details, 'zh-CN', old.said).error.message).toBe('与已记录的内容冲突');
  });
});
