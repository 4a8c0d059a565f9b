// A payment application filed from the page with its attachments (issue 18, after review), in a
// real browser (Debian's Chromium driven by playwright-core) against the whole engine: the
// contractor's staff choose files, remove one, see the API refuse a file whose bytes are not what
// its name says beside the field, file the application, and see it listed with its files — stored
// by the API with the sha256 the page computed. After the purchaser amends the late-payment rate,
// the page says each tranche's clock runs on the terms of the day it started.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sCountyContract } from '../fixtures/s-county';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.GRANTFLOW_REQUIRE_BROWSER) {
  throw new Error(
    `[tests/browser] no Chromium at ${CHROMIUM}, and GRANTFLOW_REQUIRE_BROWSER is set (as .ci/run sets it)`,
  );
}

// A one-page PDF (its signature is what the API identifies it by) and a text file.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const RECORD = Buffer.from('验收记录：6 月服务已验收，签字：王。\n', 'utf8');
const ROSTER = Buffer.from('name,visits\nWang,8\n', 'utf8');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!hasChromium)('a payment application with attachments, from the page', () => {
  let stack: Stack;
  let parties: Parties;
  let browser: Browser;
  let filesDir: string;
  const contractId = `S-2023-lot3-apply-${Date.now()}`;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-apply-files-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        closeGraceDays: 3650,
        // Due dates in 2022–2023: every tranche's clock started on its due date, long before today.
        paymentTerms: { basis: 'due_date', statute: 'sme_payment_2025' },
      }),
    });
    expect(created.status).toBe(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  async function contractPage(token: string, id = contractId): Promise<Page> {
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'America/New_York',
      viewport: { width: 1360, height: 900 },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('API token').fill(token);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: id }).waitFor();
    await page.goto(`${stack.baseUrl}/#/contracts/${encodeURIComponent(id)}`);
    await page.getByTestId('application-form').waitFor();
    return page;
  }

  it('files an application with its files and lists them', { timeout: 120_000 }, async () => {
    const page = await contractPage(parties.tokens.contractor);
    const form = page.getByTestId('application-form');
    await form.getByLabel('Amount (CNY)').fill('100,000.00');
    await form.getByLabel('Invoice number').fill('INV-0601');
    const files = form.getByLabel('Attachments (optional)');

    // A "PDF" that is text: the API says so beside the field, and nothing is filed.
    await files.setInputFiles([
      { name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all\n') },
    ]);
    await form.getByRole('button', { name: 'File the application' }).click();
    const field = form.locator('.field', { has: page.getByLabel('Attachments (optional)') });
    await field.locator('.field-problem', { hasText: 'fake.pdf' }).waitFor();
    expect(await page.getByTestId('applications').count()).toBe(0);
    await form.getByRole('button', { name: 'Remove fake.pdf' }).click();

    // Chosen in two goes (the input keeps adding), one removed again.
    await files.setInputFiles([
      { name: '发票-0601.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: 'roster.csv', mimeType: 'application/vnd.ms-excel', buffer: ROSTER },
    ]);
    await files.setInputFiles([{ name: '验收记录.txt', mimeType: 'text/plain', buffer: RECORD }]);
    const chosen = page.getByTestId('chosen-attachments');
    await expect.poll(() => chosen.locator('li').count()).toBe(3);
    await form.getByRole('button', { name: 'Remove roster.csv' }).click();
    await expect
      .poll(() => chosen.locator('li').allTextContents())
      .toEqual([expect.stringContaining('发票-0601.pdf'), expect.stringContaining('验收记录.txt')]);

    await form.getByRole('button', { name: 'File the application' }).click();
    await page.getByText(/^Filed for CN¥100,000\.00/).waitFor();
    expect(await chosen.count()).toBe(0);
    const row = page.getByTestId('applications').locator('tbody tr', { hasText: 'INV-0601' });
    await row.waitFor();
    const listed = row.getByRole('list', { name: 'Attachments', exact: true });
    expect(await listed.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^发票-0601\.pdf · 1 KB$/),
      expect.stringMatching(/^验收记录\.txt · 1 KB$/),
    ]);

    // The API holds them as the page sent them: the declared types and the hashes of the bytes.
    const answer = await stack.http('GET', `/v1/contracts/${encodeURIComponent(contractId)}/payment-applications`, {
      token: parties.tokens.agency,
    });
    expect(answer.body.items).toHaveLength(1);
    expect(answer.body.items[0].attachments).toEqual([
      { name: '发票-0601.pdf', kind: 'other', contentType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) },
      { name: '验收记录.txt', kind: 'other', contentType: 'text/plain', size: RECORD.length, sha256: sha256(RECORD) },
    ]);

    // The purchaser accepts it; then amends the late-payment rate. Every tranche's clock started on
    // its due date, so each keeps the statutory 0.05 % a day, and the page says so beside it.
    const applicationId = answer.body.items[0].id;
    expect(
      (
        await stack.http('POST', `/v1/payment-applications/${applicationId}/decision`, {
          token: parties.tokens.agency,
          body: { outcome: 'accept' },
        })
      ).status,
    ).toBe(200);
    const { tranches, checkpoints } = sCountyContract(parties.orgs);
    const amended = await stack.http('POST', `/v1/contracts/${encodeURIComponent(contractId)}/schedule`, {
      token: parties.tokens.agency,
      body: {
        tranches,
        checkpoints,
        paymentTerms: {
          basis: 'due_date',
          statute: 'sme_payment_2025',
          lateInterest: { kind: 'agreed', annualRatePercent: 7.3, lprAtSigningPercent: 3.45 },
        },
        reason: 'Agreed rate',
      },
    });
    expect(amended.status).toBe(200);
    await page.reload();
    const clockRow = page.getByTestId('payment-clock').locator('tbody tr', { hasText: 'Advance on signing' });
    await clockRow.waitFor();
    expect(await clockRow.textContent()).toContain(
      'Its clock started on 31 Oct 2022 and runs on the terms then in force: 30 calendar days, late money 0.05 % per day',
    );
    expect(await page.getByTestId('clock-terms').textContent()).toContain('7.3 % a year as agreed');

    // 中文: the field and the list say 附件.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: '附件（可选）' }).waitFor();
    expect(
      await page.getByTestId('applications').getByRole('list', { name: '附件', exact: true }).locator('li').count(),
    ).toBe(2);
    expect(pageErrors).toEqual([]);
  });
  /** A second contract (terms by default), for the filings below. */
  async function anotherContract(suffix: string): Promise<string> {
    const id = `S-2023-lot3-${suffix}-${Date.now()}`;
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, { id, closeGraceDays: 3650 }),
    });
    expect(created.status).toBe(201);
    return id;
  }

  /** The payment-application filings the page sends, with their headers. */
  function filings(page: Page): Array<Record<string, string>> {
    const sent: Array<Record<string, string>> = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/payment-applications')) sent.push(r.headers());
    });
    return sent;
  }

  it(
    'says every missing field and files too large together at once, naming the limit in both languages, before reading a file or sending anything',
    { timeout: 180_000 },
    async () => {
      const id = await anotherContract('limits');
      const page = await contractPage(parties.tokens.contractor, id);
      const sent = filings(page);
      const form = page.getByTestId('application-form');
      const field = (label: string) => form.locator('.field', { has: page.getByLabel(label, { exact: true }) });
      // Six scans of 9.5 MB: each under the 10 MB a file may have, together past what one request carries.
      const scans = Array.from({ length: 6 }, (_, i) => {
        const file = path.join(filesDir, `scan-${i + 1}.pdf`);
        writeFileSync(file, Buffer.alloc(9.5 * 1024 * 1024, i));
        return file;
      });
      await form.getByLabel('Attachments (optional)').setInputFiles(scans);
      await form.getByLabel('Invoice date').fill('');
      const started = Date.now();
      await form.getByRole('button', { name: 'File the application' }).click();
      await field('Attachments (optional)').locator('.field-problem').waitFor();
      const answeredMs = Date.now() - started;
      expect(await field('Amount (CNY)').locator('.field-problem').textContent()).toBe('is required');
      expect(await field('Invoice number').locator('.field-problem').textContent()).toBe('is required');
      expect(await field('Invoice date').locator('.field-problem').textContent()).toBe('is required');
      expect(await field('Attachments (optional)').locator('.field-problem').textContent()).toMatch(
        /^These files are too large together: sent, they would make the filing 76 MB, and one filing may be at most 64 MB/,
      );
      // The hint says what fits before anyone tries.
      expect(await field('Attachments (optional)').locator('.field-hint').textContent()).toContain(
        'at most 10 MB each and about 48 MB together',
      );
      expect(await page.getByTestId('attachments-reading').count()).toBe(0);
      // Not one file read: the answer comes at once (reading and hashing 57 MB took seconds).
      expect(answeredMs).toBeLessThan(3_000);

      await page.getByLabel('Language').selectOption('zh-CN');
      await form.getByRole('button', { name: '提交请款' }).click();
      await expect
        .poll(() => field('附件（可选）').locator('.field-problem').textContent())
        .toMatch(/^这些文件合计过大：发送时整份请款将达 76 MB，而一份请款最多 64 MB/);
      expect(await field('发票号码').locator('.field-problem').textContent()).toBe('为必填项');
      expect(sent).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
  );

  it(
    'files with an Idempotency-Key kept across a resend of the same application, reading the files one at a time, and says the acceptance day as a date',
    { timeout: 180_000 },
    async () => {
      const id = await anotherContract('retry');
      const page = await contractPage(parties.tokens.contractor, id);
      const sent = filings(page);
      const form = page.getByTestId('application-form');
      // Four scans of 9 MB (48 MB sent): within the limit, each a real PDF to the API.
      const scans = Array.from({ length: 4 }, (_, i) => {
        const file = path.join(filesDir, `big-${i + 1}.pdf`);
        writeFileSync(file, Buffer.concat([PDF, Buffer.alloc(9 * 1024 * 1024 - PDF.length, 0x20)]));
        return file;
      });
      await form.getByLabel('Amount (CNY)').fill('1,000.00');
      await form.getByLabel('Invoice number').fill('INV-R1');
      await form.getByLabel('Attachments (optional)').setInputFiles(scans);
      // The longest the page does not answer while it reads, hashes and sends the files.
      await page.evaluate(() => {
        const w = window as unknown as { longest: number };
        w.longest = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.longest = Math.max(w.longest, entry.duration);
        }).observe({ type: 'longtask' });
      });
      // The first attempt reaches the API, which files it, but its answer is lost on the way back.
      let lost = false;
      await page.route('**/payment-applications', async (route) => {
        if (lost || route.request().method() !== 'POST') return route.continue();
        lost = true;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await form.getByRole('button', { name: 'File the application' }).click();
      // Progress while the files are read, one at a time.
      await page
        .getByTestId('attachments-reading')
        .filter({ hasText: /^Reading the files: [0-3] of 4 ready…$/ })
        .waitFor();
      await form.locator('[role="alert"]').waitFor();
      await form.getByRole('button', { name: 'File the application' }).click();
      const done = page.getByText(/^Filed for CN¥1,000\.00/);
      await done.waitFor({ timeout: 60_000 });
      const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);

      expect(sent).toHaveLength(2);
      expect(sent[0]!['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
      expect(sent[1]!['idempotency-key']).toBe(sent[0]!['idempotency-key']);
      const listed = await stack.http('GET', `/v1/contracts/${encodeURIComponent(id)}/payment-applications`, {
        token: parties.tokens.agency,
      });
      expect(listed.body.items.map((a: { invoice: { number: string } }) => a.invoice.number)).toEqual(['INV-R1']);
      // The acceptance day as the page writes dates, not as the API sends it.
      const due = listed.body.items[0].acceptanceDueOn as string;
      const text = (await done.textContent())!;
      expect(text).not.toContain(due);
      expect(text).toMatch(/to be decided by \d{1,2} [A-Z][a-z]{2} \d{4}\.$/);
      // Nothing held the page for long: files are hashed and encoded a slice at a time, and the body
      // is sent as a Blob (reading the 4 files in one go held it 2 s at the end, on the test machine).
      expect(longest).toBeLessThan(500);

      // Another application is another attempt: a new key.
      await form.getByLabel('Amount (CNY)').fill('500.00');
      await form.getByLabel('Invoice number').fill('INV-R2');
      await form.getByRole('button', { name: 'File the application' }).click();
      await page.getByText(/^Filed for CN¥500\.00/).waitFor();
      expect(sent).toHaveLength(3);
      expect(sent[2]!['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
      expect(sent[2]!['idempotency-key']).not.toBe(sent[0]!['idempotency-key']);
      expect(pageErrors).toEqual([]);
    },
  );
});
