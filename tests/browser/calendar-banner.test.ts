// The contract page says when its term reaches into a year with no official calendar (issue 17):
// a banner while 2027 is unpublished, in the reader's language, gone once an administrator
// publishes 2027.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/temporal-binaries';
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

describe.skipIf(!hasChromium)('the calendar banner of a contract page', () => {
  let stack: Stack;
  let parties: Parties;
  let browser: Browser;
  const contractId = `CAL-web-${Date.now()}`;

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    const created = await stack.http('POST', '/v1/contracts', {
      token: parties.tokens.agency,
      body: sCountyContract(parties.orgs, {
        id: contractId,
        term: { start: '2026-09-01', end: '2027-08-31' },
        tranches: [
          { id: 't1', label: 'Advance', due: '2026-10-31', percent: 50, fundingSource: 'fiscal' },
          { id: 't2', label: 'Final', due: '2027-08-31', percent: 50, fundingSource: 'fiscal' },
        ],
        checkpoints: [{ id: 'c1', by: '2027-02-04', minPercent: 50 }],
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
  });

  it('shows the missing year in en and zh-CN, and drops it once the year is published', async () => {
    const open = async (locale: string, label: string) => {
      const context = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      await page.goto(`${stack.baseUrl}/`);
      await page.getByLabel(label).focus();
      await page.keyboard.type(parties.tokens.agency);
      await page.keyboard.press('Enter');
      // Signed in once the contracts list shows (navigating before that could race the sign-in).
      await page
        .locator('table.contracts tbody tr', { hasText: contractId })
        .getByRole('link', { name: contractId })
        .click();
      await page.getByRole('heading', { level: 1, name: /Township Social Work/ }).waitFor();
      return { context, page };
    };

    const en = await open('en-US', 'API token');
    const banner = en.page.getByTestId('calendar-warnings');
    await banner.waitFor();
    expect(await banner.textContent()).toBe(
      '2027: the official schedule is not published yet; only weekends are days off',
    );
    mkdirSync(path.join(projectRoot, 'artifacts'), { recursive: true });
    await en.page.screenshot({ path: path.join(projectRoot, 'artifacts', 'contract-calendar-banner.png') });
    await en.context.close();

    const zh = await open('zh-CN', 'API 令牌');
    await zh.page.getByTestId('calendar-warnings').waitFor();
    expect(await zh.page.getByTestId('calendar-warnings').textContent()).toBe(
      '2027 年：官方节假日安排尚未发布，暂只按周末计休息日',
    );
    await zh.context.close();

    const published = await stack.http('PUT', '/v1/calendar/years/2027', {
      token: stack.adminToken,
      body: {
        holidays: ['2027-01-01', '2027-02-05'],
        workdays: [],
        source: { title: 'Test notice (invented data)', date: '2026-12-15' },
      },
    });
    expect(published.status).toBe(201);
    const after = await open('en-US', 'API token');
    // The page has loaded its figures; the banner is not there.
    await after.page.locator('#checkpoints').waitFor();
    expect(await after.page.getByTestId('calendar-warnings').count()).toBe(0);
    await after.context.close();
  });
});
