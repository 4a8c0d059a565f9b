// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the whole
// engine: a finance officer records a payment and sees the curve and arrears change, acknowledges
// an escalation and reads the inbox; an evaluator returns a submission with a reason. The contract
// page is saved to artifacts/ as screenshots.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/temporal-binaries';
import { completeMaterial } from '../fixtures/materials';
import { sCountyContract } from '../fixtures/s-county';
import { eventually } from '../helpers/eventually';
import { registerParties, type Parties } from '../helpers/parties';
import { startStack, type Stack } from '../helpers/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.GRANTFLOW_REQUIRE_BROWSER) {
  throw new Error(
    `[tests/browser] no Chromium at ${CHROMIUM}, and GRANTFLOW_REQUIRE_BROWSER is set (as .ci/run sets it)`,
  );
}
if (!hasChromium) {
  console.warn(
    `\n[tests/browser] SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH; ` +
      '.ci/run installs it, so CI always runs these tests.\n',
  );
}

const ARTIFACTS = path.join(projectRoot, 'artifacts');

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  let stack: Stack;
  let parties: Parties;
  /** A village liaison of village A. */
  let liaison: string;
  let browser: Browser;
  let filesDir: string;
  const contractId = `S-2023-lot3-web-${Date.now()}`;
  const pageErrors: string[] = [];

  /** A browser tab of its own (own session storage) in a time zone far from Shanghai. */
  async function openTab(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      locale,
      timezoneId: 'America/New_York',
      viewport: { width: 1360, height: 900 },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) pageErrors.push(message.text());
    });
    return { context, page };
  }

  async function signIn(page: Page, token: string, label: string) {
    await page.goto(`${stack.baseUrl}/`);
    // Keyboard only: the token field, then Enter.
    await page.getByLabel(label).focus();
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
  }

  const figure = (page: Page, label: string) =>
    page
      .locator('dl.figures > div')
      .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
      .locator('dd');

  /** Every form control on the page has a label (or an accessible name of its own). Runs in the page. */
  const unlabelledControls = (page: Page) =>
    page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('input, select, textarea')]
        .filter((el: any) => el.labels?.length === 0 && !el.getAttribute('aria-label'))
        .map((el: any) => el.outerHTML as string),
    );
  const pixels = (canvas: ReturnType<Page['locator']>) => canvas.evaluate((c: any) => c.toDataURL() as string);

  beforeAll(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-web-files-'));
    stack = await startStack({ filesDir });
    parties = await registerParties(stack.http, stack.adminToken);
    const { agency, finance, contractor } = parties.tokens;
    const created = await stack.http('POST', '/v1/contracts', {
      token: agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        closeGraceDays: 3650,
        quotas: [{ id: 'visits', metric: 'village_visits', perStation: true, period: 'month', target: 8 }],
        milestones: [
          {
            id: 'midterm',
            title: 'Mid-term evaluation',
            due: '2023-03-31',
            stations: ['G', 'B'],
            materials: ['midterm_report', 'casework_record'],
            reviewWorkingDays: 5,
            maxRounds: 2,
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    // The source case: 530,000 of 1,154,000 arrived.
    for (const payment of [
      { reference: 'CZ-2022-118', amount: '300000.00', receivedOn: '2022-11-20', fundingSource: 'fiscal' },
      { reference: 'CZ-2023-031', amount: '230000.00', receivedOn: '2023-03-10', fundingSource: 'fiscal' },
    ]) {
      expect(
        (await stack.http('POST', `/v1/contracts/${contractId}/payments`, { token: finance, body: payment })).status,
      ).toBe(201);
    }
    // Station B's first round bounces at the pre-check; station G's waits for the evaluator.
    const submit = (body: object) =>
      stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, { token: contractor, body });
    expect(
      (await submit({ station: 'B', materials: [completeMaterial('midterm_report', { goals: '【请填写服务目标】' })] }))
        .body.status,
    ).toBe('returned');
    expect(
      (
        await submit({
          station: 'G',
          materials: [completeMaterial('midterm_report'), completeMaterial('casework_record')],
        })
      ).body.status,
    ).toBe('in_review');
    liaison = (
      await stack.http('POST', '/v1/users', {
        token: stack.adminToken,
        body: { name: 'Liaison Lan', organizationId: parties.orgs.villages[0], roles: ['village_liaison'] },
      })
    ).body.token;
    // Station G asked village A for visit records by 12 May 2023, still owed; it recorded 6 visits in August.
    const asked = await stack.http('POST', `/v1/contracts/${contractId}/material-requests`, {
      token: contractor,
      body: {
        station: 'G',
        villages: [parties.orgs.villages[0]],
        title: 'May visit records',
        items: [{ id: 'visits', kind: 'visit_records', quantity: 12 }],
        due: '2023-05-12',
      },
    });
    expect(asked.status).toBe(201);
    const visits = await stack.http('POST', `/v1/contracts/${contractId}/progress`, {
      token: contractor,
      body: { station: 'G', metric: 'village_visits', count: 6, date: '2023-08-20' },
    });
    expect(visits.status).toBe(201);
    // The overdue steps reach the escalation engine.
    await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: finance }),
      (r) =>
        r.body.items.some((e: any) => e.step.kind === 'paymentShortfall') &&
        r.body.items.some((e: any) => e.step.kind === 'trancheOverdue'),
      30_000,
    );

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
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  it('serves the page at / without a token, from local files only', async () => {
    const page = await stack.http('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const assets = [...String(page.body).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      expect(asset.startsWith('/'), `${asset} is served by the API, not a CDN`).toBe(true);
      const answer = await fetch(`${stack.baseUrl}${asset}`);
      expect(answer.status, asset).toBe(200);
    }
    // The API behind it still wants a token.
    expect((await stack.http('GET', '/v1/contracts')).status).toBe(401);
  });

  it('lets a finance officer record a payment and shows the curve and the arrears change', async () => {
    const { context, page } = await openTab('en-US');
    await signIn(page, 'not-a-token', 'API token');
    await page.getByText('The API does not accept this token.').waitFor();
    await signIn(page, parties.tokens.finance, 'API token');

    // My contracts: received against due, arrears, open escalations; filtered and sorted.
    const row = page.locator('table.contracts tbody tr', { hasText: contractId });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('CN¥624,000.00');
    expect(await row.textContent()).toContain('CN¥530,000.00');
    await page.getByLabel('Search id or title').fill('no such contract');
    await page.getByText('No contract matches.').waitFor();
    await page.getByLabel('Search id or title').fill('');
    await page.getByLabel('Only contracts in arrears').check();
    await row.waitFor();
    const arrearsHeader = page.locator('th', { hasText: 'Arrears' });
    const sortedBefore = await arrearsHeader.getAttribute('aria-sort');
    await page.getByRole('button', { name: /^Arrears/ }).click();
    await expect.poll(() => arrearsHeader.getAttribute('aria-sort')).not.toBe(sortedBefore);
    expect(await arrearsHeader.getAttribute('aria-sort')).toMatch(/ascending|descending/);

    await row.getByRole('link', { name: contractId }).click();
    await page.getByRole('heading', { level: 1, name: /Township Social Work/ }).waitFor();
    const arrears = figure(page, 'Arrears');
    await expect.poll(() => arrears.textContent()).toBe('CN¥624,000.00');
    expect(await figure(page, 'Received').textContent()).toBe('CN¥530,000.00');
    const caption = page.locator('figure.curve figcaption');
    expect(await caption.textContent()).toContain('Received: CN¥530,000.00');
    expect(await caption.textContent()).toContain('Checkpoint 80% by 30 Jun 2023: Missed.');
    const checkpoint = page.locator('#checkpoints tbody tr').first();
    expect(await checkpoint.textContent()).toContain('Missed');
    // Who holds what, beside the curve: the payer holds the shortfall.
    await page.locator('#holding li', { hasText: 'Payment shortfall' }).first().waitFor();
    expect(await page.locator('#holding').textContent()).toContain('S County Finance Bureau');
    const canvas = page.locator('.curve-canvas canvas');
    await canvas.waitFor();
    const curveBefore = await pixels(canvas);

    // The API refuses what is wrong, and says why beside each field.
    await page.getByLabel('Voucher reference').fill('CZ-2023-077');
    await page.getByLabel('Amount (CNY)').fill('393200.005');
    await page.getByLabel('Received on (Asia/Shanghai)').fill('2099-01-01');
    await page.getByRole('button', { name: 'Record payment' }).click();
    const amountField = page.locator('.field', { has: page.getByLabel('Amount (CNY)') });
    await amountField.getByText('must have at most two decimals (fen)').waitFor();
    expect(await page.getByLabel('Amount (CNY)').getAttribute('aria-invalid')).toBe('true');
    const dateField = page.locator('.field', { has: page.getByLabel('Received on (Asia/Shanghai)') });
    expect(await dateField.locator('.field-problem').textContent()).toContain('is in the future');
    // Focus goes to the first field refused, so a keyboard user is where the problem is.
    await expect.poll(() => page.locator(':focus').getAttribute('name')).toBe('amount');
    expect(await arrears.textContent()).toBe('CN¥624,000.00');

    // The shortfall of the June checkpoint arrives on 15 July.
    await page.getByLabel('Amount (CNY)').fill('393,200.00');
    await page.getByLabel('Received on (Asia/Shanghai)').fill('2023-07-15');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByText('Payment CZ-2023-077 of CN¥393,200.00 recorded.').waitFor();
    await expect.poll(() => page.locator(':focus').textContent()).toContain('Payment CZ-2023-077');
    await expect.poll(() => arrears.textContent()).toBe('CN¥230,800.00');
    expect(await figure(page, 'Received').textContent()).toBe('CN¥923,200.00');
    await expect.poll(() => caption.textContent()).toContain('Received: CN¥923,200.00');
    await expect.poll(() => pixels(canvas)).not.toBe(curveBefore);
    await expect.poll(() => checkpoint.textContent()).toContain('Recovered late');
    expect(await caption.textContent()).toContain('Checkpoint 80% by 30 Jun 2023: Recovered late.');
    // A day in Shanghai stays that day in a browser in New York.
    expect(await page.locator('#ledger tr', { hasText: 'CZ-2023-077' }).textContent()).toContain('15 Jul 2023');
    await page
      .locator('#timeline tr', { hasText: 'CZ-2023-077' })
      .filter({ hasText: 'Payment recorded' })
      .filter({ hasText: 'Finance Officer Li (you)' })
      .waitFor();
    expect(await unlabelledControls(page)).toEqual([]);

    // Milestones are listed with their titles, reviewer and rounds.
    expect(await page.locator('#submissions ul.milestones').textContent()).toContain('Mid-term evaluation');
    expect(await page.locator('#submissions ul.milestones').textContent()).toContain('at most 2 rounds');

    // The village chain: the request village A still owes, and station G's visits.
    const requestRow = page.locator('#material-requests tbody tr', { hasText: 'May visit records' });
    await requestRow.waitFor();
    expect(await requestRow.textContent()).toMatch(/overdue/i);
    expect(await requestRow.textContent()).toContain('Village A Committee: 12');
    const quotaRow = page
      .locator('#quotas tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: 'G', exact: true }) });
    await quotaRow.waitFor();
    expect(await quotaRow.textContent()).toContain('2023-08');
    expect(await quotaRow.textContent()).toContain('6 / 8');

    // The API agrees with what the page shows.
    const detail = await stack.http('GET', `/v1/contracts/${contractId}`, { token: parties.tokens.finance });
    expect(detail.body).toMatchObject({
      received: '923200.00',
      arrears: '230800.00',
      checkpoints: [{ status: 'recovered' }],
    });

    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'contract-page.png'), fullPage: true });
    await page.locator('.curve-row').screenshot({ path: path.join(ARTIFACTS, 'curve.png') });

    // 中文: labels, CNY and dates switch with the language (30 Jun 2023, 2023年6月30日).
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '拨付曲线' }).waitFor();
    expect(await figure(page, '欠款').textContent()).toBe('¥230,800.00');
    expect(await page.locator('#ledger tr', { hasText: 'CZ-2023-077' }).textContent()).toContain('2023年7月15日');
    await page.getByRole('button', { name: '登记到账' }).waitFor();
    await page.getByText('已登记到账 CZ-2023-077，金额 ¥393,200.00。').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'contract-page.zh-CN.png'), fullPage: true });
    await context.close();
  });

  it('lets a finance officer acknowledge an escalation and mark a notification read', async () => {
    const { finance } = parties.tokens;
    // The final tranche stays unpaid: its escalation stays open while the test acknowledges it.
    const forPayer = (e: any) =>
      e.contractId === contractId &&
      e.step.kind === 'trancheOverdue' &&
      e.step.reference === 't3' &&
      e.notifiedOrganizationIds.includes(parties.orgs.payer);
    const open = await eventually(
      () => stack.http('GET', '/v1/escalations?status=open', { token: finance }),
      (r) => r.body.items.some(forPayer),
    );
    const escalation = open.body.items.find(forPayer);
    const unreadBefore = (await stack.http('GET', '/v1/inbox?unread=true&limit=200', { token: finance })).body.items
      .length;
    expect(unreadBefore).toBeGreaterThan(0);

    const { context, page } = await openTab('en-US');
    await signIn(page, finance, 'API token');
    await page.getByRole('link', { name: /^Inbox/ }).click();
    await page.getByRole('heading', { level: 1, name: 'My inbox' }).waitFor();
    const form = page.getByRole('form', { name: 'Acknowledge: Tranche overdue t3' }).first();
    await form.getByLabel('Note (what you will do)').fill('Treasury transfer scheduled for Friday');
    await form.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Escalation acknowledged; the climb pauses for the grace period.').waitFor();
    const after = await stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: finance });
    expect(after.body.items.find((e: any) => e.id === escalation.id)).toMatchObject({
      state: 'acknowledged',
      acknowledgementNote: 'Treasury transfer scheduled for Friday',
    });

    await page
      .getByRole('button', { name: /^Mark read: / })
      .first()
      .click();
    await page
      .getByText(/^read /)
      .first()
      .waitFor();
    await expect
      .poll(
        async () => (await stack.http('GET', '/v1/inbox?unread=true&limit=200', { token: finance })).body.items.length,
      )
      .toBe(unreadBefore - 1);
    await context.close();
  });

  it('lets an evaluator return a submission with a reason from the checklist, then approve the next round', async () => {
    const { context, page } = await openTab('zh-CN');
    await signIn(page, parties.tokens.evaluator, 'API 令牌');
    await page.getByRole('link', { name: '评审队列' }).click();
    const item = page.getByRole('article').filter({ hasText: '站点 G' });
    await item.waitFor();

    await page.screenshot({ path: path.join(ARTIFACTS, 'review-queue.zh-CN.png'), fullPage: true });

    // A return without a reason: the API's answer appears at the checklist, in the page's language.
    await item.getByRole('button', { name: '按所选原因退回' }).click();
    await item.locator('fieldset .field-problem', { hasText: '至少要给出一条理由' }).waitFor();

    // Keyboard: tick the reason with Space, pick its section, explain, submit with Enter.
    await item.getByLabel('目标模糊', { exact: true }).focus();
    await page.keyboard.press('Space');
    await item.getByLabel('涉及章节（目标模糊）').selectOption({ label: '中期评估报告 › 服务目标与指标' });
    await item.getByLabel('给站点的说明（目标模糊，可选）').fill('Name measurable goals: households visited per month');
    await page.keyboard.press('Enter');
    await page.getByText(/：退回。$/).waitFor();
    await page.getByText('暂无待评审材料。').waitFor();

    const submissions = await stack.http('GET', `/v1/contracts/${contractId}/submissions?station=G`, {
      token: parties.tokens.evaluator,
    });
    expect(submissions.body.items).toEqual([
      expect.objectContaining({
        status: 'returned',
        decision: expect.objectContaining({
          outcome: 'return',
          reasons: [
            {
              code: 'goals_vague',
              templateId: 'midterm_report',
              sectionId: 'goals',
              text: 'Name measurable goals: households visited per month',
            },
          ],
        }),
      }),
    ]);

    // The contract page shows the round with its reason, in the evaluator's language.
    await page.goto(`${stack.baseUrl}/#/contracts/${contractId}`);
    const round = page.locator('#submissions tr', { hasText: '目标模糊' });
    await round.waitFor();
    expect(await round.textContent()).toContain('中期评估报告 › 服务目标与指标');
    expect(await round.textContent()).toContain('已退回');
    expect(await unlabelledControls(page)).toEqual([]);

    // The station rewrites its goals; round 2 shows what changed, and the evaluator approves it.
    const goals = '目标：每月走访 20 户低保家庭，覆盖 5 个村，建立 30 份个案档案，开展 4 次小组活动。'.repeat(2);
    const resubmitted = await stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, {
      token: parties.tokens.contractor,
      body: {
        station: 'G',
        materials: [completeMaterial('midterm_report', { goals }), completeMaterial('casework_record')],
      },
    });
    expect(resubmitted.body).toMatchObject({ round: 2, status: 'in_review' });
    await page.getByRole('link', { name: '评审队列' }).click();
    const round2 = page.getByRole('article').filter({ hasText: '第 2 轮' });
    await round2.waitFor();
    expect(await round2.locator('details', { hasText: '较上一轮的修改' }).textContent()).toContain('每月走访 20 户');
    await round2.getByRole('button', { name: '通过', exact: true }).click();
    await page.getByText(/：通过。$/).waitFor();
    const approved = await stack.http('GET', `/v1/submissions/${resubmitted.body.id}`, {
      token: parties.tokens.evaluator,
    });
    expect(approved.body).toMatchObject({ status: 'approved', decision: { outcome: 'approve' } });
    await context.close();
  });

  it('lets a village liaison deliver part of what the village owes, with the API refusing more than is owed', async () => {
    const { context, page } = await openTab('en-US');
    await signIn(page, liaison, 'API token');
    const row = page.locator('table.contracts tbody tr', { hasText: contractId });
    await row.getByRole('link', { name: contractId }).click();
    const request = page.locator('#material-requests tbody tr', { hasText: 'May visit records' });
    await request.waitFor();
    const quantity = request.getByLabel('visit records (still owed: 12)');
    await quantity.fill('13');
    await request.getByRole('button', { name: 'Deliver' }).click();
    await request.getByText('is more than the 12 still owed').waitFor();
    await quantity.fill('5');
    await request.getByLabel('Note (optional)').fill('First five sheets, signed');
    await request.getByRole('button', { name: 'Deliver' }).click();
    await expect.poll(() => request.textContent()).toContain('Village A Committee: 7');
    expect(await request.textContent()).toContain('Partially delivered');
    const read = await stack.http('GET', `/v1/contracts/${contractId}/material-requests`, { token: liaison });
    expect(read.body.items[0].deliveries).toEqual([
      expect.objectContaining({ note: 'First five sheets, signed', items: [expect.objectContaining({ quantity: 5 })] }),
    ]);
    expect(await unlabelledControls(page)).toEqual([]);
    await context.close();

    // The station's staff send the five sheets back with a reason: the village owes twelve again.
    const station = await openTab('en-US');
    await signIn(station.page, parties.tokens.contractor, 'API token');
    await station.page
      .locator('table.contracts tbody tr', { hasText: contractId })
      .getByRole('link', { name: contractId })
      .click();
    const pending = station.page.locator('#material-requests tbody tr', { hasText: 'May visit records' });
    await pending.getByText('5 × visit records').waitFor();
    await pending.getByRole('button', { name: 'Send back' }).click();
    await pending.getByText('Say why the items are sent back.').waitFor();
    await pending.getByLabel('Why send it back').fill('Two sheets are not signed');
    await pending.getByRole('button', { name: 'Send back' }).click();
    await expect.poll(() => pending.textContent()).toContain('Village A Committee: 12');
    // Station G's two more visits in August complete its month.
    const quotaRow = station.page
      .locator('#quotas tbody tr')
      .filter({ has: station.page.getByRole('rowheader', { name: 'G', exact: true }) });
    expect(await quotaRow.textContent()).toContain('6 / 8');
    const progress = station.page.locator('form.progress-form');
    await progress.getByLabel('How many', { exact: true }).fill('0');
    await progress.getByRole('button', { name: 'Record progress' }).click();
    await progress.getByText('must be a whole number between 1 and 10000').waitFor();
    await progress.getByLabel('How many', { exact: true }).fill('2');
    await progress.getByLabel('Done on (Asia/Shanghai)').fill('2023-08-21');
    await progress.getByLabel('Evidence note (optional)').fill('Visited two households in Banli');
    await progress.getByRole('button', { name: 'Record progress' }).click();
    await progress.getByText('Recorded: 2 village visits at station G on 21 Aug 2023.').waitFor();
    await expect.poll(() => quotaRow.textContent()).toContain('8 / 8');
    expect(await quotaRow.textContent()).toContain('Met');

    // And ask village A for three sign-in sheets; a quantity of 0 is refused beside its field.
    const ask = station.page.locator('form.request-form');
    await ask.getByLabel('Village A Committee').check();
    await ask.getByLabel('What is asked for').fill('September sign-in sheets');
    await ask.getByLabel('Item 1: kind').selectOption('sign_in_sheets');
    await ask.getByLabel('Item 1: how many each village owes').fill('0');
    await ask.getByLabel('Due on (Asia/Shanghai)').fill('2023-08-30');
    await ask.getByRole('button', { name: 'Send the request' }).click();
    await ask.getByText('must be a whole number between 1 and 10000').waitFor();
    await ask.getByLabel('Item 1: how many each village owes').fill('3');
    await ask.getByRole('button', { name: 'Send the request' }).click();
    await ask.getByText('Request "September sign-in sheets" sent to Village A Committee.').waitFor();
    await station.page.locator('#material-requests tbody tr', { hasText: 'September sign-in sheets' }).waitFor();
    await station.page.locator('#quotas').screenshot({ path: path.join(ARTIFACTS, 'quotas.png') });
    await station.page.locator('#material-requests').screenshot({ path: path.join(ARTIFACTS, 'village-chain.png') });

    const decided = await stack.http('GET', `/v1/contracts/${contractId}/material-requests`, { token: liaison });
    const may = decided.body.items.find((r: any) => r.title === 'May visit records');
    expect(may.deliveries[0].items[0]).toMatchObject({ status: 'returned', reason: 'Two sheets are not signed' });
    expect(await unlabelledControls(station.page)).toEqual([]);
    await station.context.close();
  });

  it('raised no script error and no Content-Security-Policy violation', () => {
    expect(pageErrors).toEqual([]);
  });
});
