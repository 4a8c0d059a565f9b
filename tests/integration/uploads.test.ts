// Uploads over the API: a refused request stores nothing (whether the API or the workflow refuses
// it), and every attachment is identified from its bytes, refused when they are not the type
// declared.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { submissionContents } from '../../db/schema';
import { addDays, shanghaiDate } from '../../domain/dates';
import { attachment, completeMaterial, PNG_1X1, upload } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

describe('uploads', () => {
  let stack: Stack;
  let parties: Parties;
  let filesDir: string;
  const contractId = `uploads-${Date.now()}`;
  const today = shanghaiDate(Date.now());
  const tokens = { station: '', liaison: '' };
  let requestId = '';

  /** Every regular file under the store (files and their holds). */
  const storeFiles = () =>
    (readdirSync(filesDir, { recursive: true }) as string[])
      .filter((p) => statSync(path.join(filesDir, p)).isFile())
      .sort();
  const stored = (sha256: string) => existsSync(path.join(filesDir, sha256.slice(0, 2), sha256));
  const deliver = (body: object) =>
    stack.http('POST', `/v1/material-requests/${requestId}/deliveries`, { token: tokens.liaison, body });

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-files-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
    const [village] = parties.orgs.villages as [string];
    const user = async (name: string, organizationId: string, roles: string[]) =>
      (await stack.http('POST', '/v1/users', { token: stack.adminToken, body: { name, organizationId, roles } })).body
        .token as string;
    tokens.station = await user('Station G worker', parties.orgs.contractor, ['station_staff']);
    tokens.liaison = await user('Village A liaison', village, ['village_liaison']);
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        term: { start: addDays(today, -30), end: addDays(today, 300) },
        tranches: [{ id: 't1', label: 'All', due: addDays(today, 300), percent: 100, fundingSource: 'fiscal' }],
        checkpoints: [],
        quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 20 }],
        milestones: [
          {
            id: 'midterm',
            title: 'Mid-term',
            due: addDays(today, 200),
            stations: ['G'],
            materials: ['midterm_report', 'casework_record'],
            reviewWorkingDays: 5,
            maxRounds: 2,
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const made = await stack.http('POST', `/v1/contracts/${contractId}/material-requests`, {
      token: tokens.station,
      body: {
        station: 'G',
        villages: [village],
        title: 'Visit records',
        items: [{ id: 'visits', kind: 'visit_records', quantity: 2 }],
        due: addDays(today, 10),
      },
    });
    expect(made.status).toBe(201);
    requestId = made.body.id;
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('stores nothing for deliveries the workflow refuses, and keeps a file an accepted delivery shares', async () => {
    const before = storeFiles();
    const refused = Array.from({ length: 5 }, (_, i) =>
      attachment('sign_in_sheet', `sheet-${i}.png`, `refused sheet ${i}`),
    );
    for (const sheet of refused) {
      // More than the 2 owed: the workflow refuses it after the API has checked the files.
      const res = await deliver({ items: [{ itemId: 'visits', quantity: 5 }], attachments: [sheet] });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toMatchObject([
        { field: 'items.0.quantity', reason: 'is more than the 2 still owed' },
      ]);
    }
    expect(storeFiles()).toEqual(before);
    for (const sheet of refused) expect(stored(sheet.sha256)).toBe(false);

    // A real CSV (CRLF, a byte-order mark, Chinese names) declared text/csv is accepted.
    const csv = upload(
      'other',
      'visits.csv',
      'text/csv',
      Buffer.from('\uFEFFhousehold,visited on,visitor\r\n王家,2026-11-02,"Li, Na"\r\n赵家,2026-11-03,Wang Li\r\n'),
    );
    const accepted = await deliver({ items: [{ itemId: 'visits', quantity: 1 }], attachments: [csv] });
    expect(accepted.status).toBe(201);
    expect(accepted.body.deliveries[0].attachments[0]).toMatchObject({
      name: 'visits.csv',
      contentType: 'text/csv',
      sha256: csv.sha256,
    });
    expect(stored(csv.sha256)).toBe(true);
    // Refused again with the same file beside a new one: the new one goes, the shared one stays.
    const again = await deliver({
      items: [{ itemId: 'visits', quantity: 2 }],
      attachments: [csv, attachment('photo', 'new.png', 'new photo')],
    });
    expect(again.status).toBe(422);
    expect(stored(csv.sha256)).toBe(true);
    expect(stored(attachment('photo', 'new.png', 'new photo').sha256)).toBe(false);
  });

  it('refuses attachments whose bytes are not the type declared, naming them, and stores none', async () => {
    const before = storeFiles();
    const exe = upload(
      'photo',
      'setup.png',
      'image/png',
      Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000b8', 'hex'), Buffer.alloc(120)]),
    );
    const pngAsPdf = upload('other', 'report.pdf', 'application/pdf', PNG_1X1);
    const binaryAsText = upload('other', 'notes.txt', 'text/plain', PNG_1X1);
    const res = await deliver({
      items: [{ itemId: 'visits', quantity: 1 }],
      attachments: [exe, pngAsPdf, binaryAsText],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject([
      {
        field: 'attachments.0.contentType',
        reason: '"setup.png" is declared image/png but its content is application/x-msdownload',
      },
      {
        field: 'attachments.1.contentType',
        reason: '"report.pdf" is declared application/pdf but its content is image/png',
      },
      {
        field: 'attachments.2.contentType',
        reason: expect.stringMatching(/^"notes.txt" is declared text\/plain but its content /),
      },
    ]);
    expect(storeFiles()).toEqual(before);
    // The same kind of check on progress evidence and on evaluation materials.
    const progress = await stack.http('POST', `/v1/contracts/${contractId}/progress`, {
      token: tokens.station,
      body: { station: 'G', metric: 'village_visits', count: 1, date: today, evidence: { attachments: [exe] } },
    });
    expect(progress.status).toBe(422);
    expect(progress.body.error.details).toMatchObject([
      { field: 'evidence.attachments.0.contentType', reason: expect.stringContaining('"setup.png"') },
    ]);
    const materials = completeMaterial('casework_record');
    const submission = await stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, {
      token: parties.tokens.contractor,
      body: {
        station: 'G',
        materials: [
          completeMaterial('midterm_report'),
          { ...materials, attachments: [...materials.attachments, pngAsPdf] },
        ],
      },
    });
    expect(submission.status).toBe(422);
    expect(submission.body.error.details).toMatchObject([
      {
        field: `materials.1.attachments.${materials.attachments.length}.contentType`,
        reason: expect.stringContaining('"report.pdf"'),
      },
    ]);
    expect(storeFiles()).toEqual(before);
  });

  it('stores nothing for a submission the workflow refuses', async () => {
    const submit = (materials: object[]) =>
      stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, {
        token: parties.tokens.contractor,
        body: { station: 'G', materials },
      });
    const first = await submit([completeMaterial('midterm_report'), completeMaterial('casework_record')]);
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('in_review');
    const before = storeFiles();
    // While round 1 is in review, another round is refused (409) — with a file of its own.
    const rescanned = attachment('case_record', 'casework_record-case_record-1.png', 'scanned again');
    const casework = completeMaterial('casework_record');
    const second = await submit([
      completeMaterial('midterm_report'),
      { ...casework, attachments: [rescanned, ...casework.attachments.slice(1)] },
    ]);
    expect(second.status).toBe(409);
    expect(stored(rescanned.sha256)).toBe(false);
    expect(storeFiles()).toEqual(before);
    // Nor its texts (claim check): only the accepted submission's content is stored, once, even
    // when the accepted request is retried under its Idempotency-Key and the refused one is too.
    const contents = async () =>
      (
        await stack.database.handle.db
          .select({ id: submissionContents.submissionId })
          .from(submissionContents)
          .where(eq(submissionContents.contractId, contractId))
      ).map((r) => r.id);
    expect(await contents()).toEqual([first.body.id]);
    const keyed = (station: string, materials: object[], key: string) =>
      stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, {
        token: parties.tokens.contractor,
        headers: { 'idempotency-key': key },
        body: { station, materials },
      });
    const returned = await stack.http('POST', `/v1/submissions/${first.body.id}/decision`, {
      token: parties.tokens.evaluator,
      body: { outcome: 'return', reasons: [{ code: 'goals_vague', templateId: 'midterm_report', sectionId: 'goals' }] },
    });
    expect(returned.status).toBe(200);
    const round2 = () => [
      completeMaterial('midterm_report', { goals: '目标：每月走访 20 户家庭。'.repeat(10) }),
      completeMaterial('casework_record'),
    ];
    const accepted = await keyed('G', round2(), 'uploads-g-2');
    expect(accepted.status).toBe(201);
    const retried = await keyed('G', round2(), 'uploads-g-2');
    expect([retried.status, retried.body.id]).toEqual([201, accepted.body.id]);
    // Refused by the workflow (a station this milestone does not have), twice under one key.
    for (let i = 0; i < 2; i++) expect((await keyed('Y', round2(), 'uploads-y-1')).status).toBe(422);
    expect((await contents()).sort()).toEqual([first.body.id, accepted.body.id].sort());
  });
});
