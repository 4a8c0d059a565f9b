// The page speaks to people (issue 16 items 2, 3, 4, 5, 6, 7, 8), in English and in 中文, in a real
// browser against the whole engine: every timeline event labelled in the page's language (no raw
// key, no English fragment on a Chinese page), actors by name, each milestone's state per station,
// what villages still owe item by item, a payroll card that adds up and says how, and a
// disbursement curve reaching money paid after the term. And every catalog of texts (the API's, the
// notices', the page's) in the README glossary's words, one name per concept (issue 15 item 8).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

const ARTIFACTS = path.join(projectRoot, 'artifacts');
/** Two or more Latin letters in a row: an English word (station ids such as "G" are single letters). */
const ENGLISH = /[A-Za-z]{2,}/;

/** Words the README glossary replaced, each with the glossary's word: none may appear in a text people read. */
const NOT_GLOSSARY: ReadonlyArray<[RegExp, string]> = [
  [/购买方/, '采购方 (purchaser)'],
  [/承接方/, '承接机构 (contractor)'],
  [/评估机构/, '评估方 (evaluator)'],
  [/里程碑/, '评估节点 (milestone)'],
  [/催办/, '督办 (escalation)'],
  [/检查点/, '拨付节点 (checkpoint)'],
  [/批次/, '款项 (tranche)'],
  [/索取/, '资料收集请求 / 向村收集资料 (material request)'],
  [/冲销/, '冲正 (reversal)'],
  [/\bbureau\b/i, 'purchaser or payer (a party by its part in the contract)'],
];
/** The catalogs: the API's refusals, the notices, the event reasons, the party and role names, the page. */
const CATALOGS = [
  'domain/messages.ts',
  'domain/notices.ts',
  'domain/payment-clock-notices.ts',
  'domain/events.ts',
  'domain/organizations.ts',
  'web/src/i18n.ts',
];
/** "file:line: word (say …)" for each replaced word in `text` (lines of `file`, comments left out). */
function notGlossary(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    if (/^\s*(\/\/|\/\*|\*)/.test(line)) return [];
    return NOT_GLOSSARY.filter(([word]) => word.test(line)).map(
      ([word, say]) => `${file}:${index + 1}: ${word.source} (say ${say})`,
    );
  });
}

describe('the catalogs in the glossary’s words', () => {
  it.each(CATALOGS)('%s uses no word the README glossary replaced', (file) => {
    expect(notGlossary(file, readFileSync(path.join(projectRoot, file), 'utf8'))).toEqual([]);
  });

  it('catches a replaced word in a text, not in a comment', () => {
    expect(
      notGlossary('x.ts', "  // 里程碑 in a comment\n  a: t('Milestone', '里程碑'),\n  b: 'the finance bureau',"),
    ).toEqual([
      'x.ts:2: 里程碑 (say 评估节点 (milestone))',
      'x.ts:3: \\bbureau\\b (say purchaser or payer (a party by its part in the contract))',
    ]);
  });
});

describe.skipIf(!hasChromium)('the page in the reader’s words', () => {
  let stack: Stack;
  let parties: Parties;
  let browser: Browser;
  const contractId = `S-2023-lot3-words-${Date.now()}`;
  const pageErrors: string[] = [];

  async function open(locale: 'en-US' | 'zh-CN', token: string): Promise<Page> {
    const context = await browser.newContext({
      locale,
      timezoneId: 'America/New_York',
      viewport: { width: 1360, height: 900 },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel(locale === 'en-US' ? 'API token' : 'API 令牌').fill(token);
    await page.keyboard.press('Enter');
    await page
      .locator('table.contracts tbody tr', { hasText: contractId })
      .getByRole('link', { name: contractId })
      .click();
    await page.locator('#timeline tbody tr').first().waitFor();
    return page;
  }

  const figure = (page: Page, section: string, label: string) =>
    page
      .locator(`#${section} dl.figures > div`)
      .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
      .locator('dd');
  /** The timeline's rows of one event label, once they are there. */
  const timelineRows = (page: Page, label: string) =>
    page
      .locator('#timeline tbody tr')
      .filter({ has: page.locator('td:nth-child(2)', { hasText: new RegExp(`^${label}$`) }) });
  const pay = (reference: string, amount: string, receivedOn: string) =>
    stack.http('POST', `/v1/contracts/${contractId}/payments`, {
      token: parties.tokens.finance,
      body: { reference, amount, receivedOn, fundingSource: 'fiscal' },
    });

  beforeAll(async () => {
    stack = await startStack();
    parties = await registerParties(stack.http, stack.adminToken);
    const { agency, contractor } = parties.tokens;
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
            stations: ['G', 'B', 'L'],
            materials: ['midterm_report'],
            reviewWorkingDays: 5,
            maxRounds: 3,
          },
          {
            id: 'final',
            title: 'Final evaluation',
            due: '2023-08-31',
            stations: [],
            materials: ['midterm_report'],
            reviewWorkingDays: 5,
            maxRounds: 3,
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    // The overdue tranches reach the escalation engine before any money arrives.
    await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/escalations`, { token: parties.tokens.finance }),
      (r) => r.body.items.some((e: any) => e.step.kind === 'trancheOverdue' && e.step.reference === 't1'),
      30_000,
    );
    // The advance paid in full (its escalation resolves: "tranche paid"), then part of the mid-term.
    expect((await pay('CZ-2022-118', '461600.00', '2022-11-20')).status).toBe(201);
    expect((await pay('CZ-2023-031', '230000.00', '2023-03-10')).status).toBe(201);
    // Station B bounces at the pre-check (round 1 returned); station G waits for the evaluator; L and the final nothing.
    const submit = (station: string, goals?: string) =>
      stack.http('POST', `/v1/contracts/${contractId}/milestones/midterm/submissions`, {
        token: contractor,
        body: { station, materials: [completeMaterial('midterm_report', goals ? { goals } : {})] },
      });
    expect((await submit('B', '【请填写服务目标】')).body.status).toBe('returned');
    expect((await submit('G')).body.status).toBe('in_review');
    // Village A owes twelve signed sheets and one household roster: two items, not "13".
    const asked = await stack.http('POST', `/v1/contracts/${contractId}/material-requests`, {
      token: contractor,
      body: {
        station: 'G',
        villages: [parties.orgs.villages[0]],
        title: 'May records',
        items: [
          { id: 'sheets', kind: 'sign_in_sheets', quantity: 12 },
          { id: 'roster', kind: 'household_roster', quantity: 1 },
        ],
        due: '2023-05-12',
      },
    });
    expect(asked.status).toBe(201);
    expect(
      (
        await stack.http('POST', `/v1/contracts/${contractId}/progress`, {
          token: contractor,
          body: { station: 'G', metric: 'village_visits', count: 6, date: '2023-08-20' },
        })
      ).status,
    ).toBe(201);
    await eventually(
      () => stack.http('GET', `/v1/contracts/${contractId}/events?limit=500`, { token: parties.tokens.finance }),
      (r) =>
        ['escalation.step_resolved', 'material_request.created', 'progress.recorded', 'submission.in_review'].every(
          (k) => r.body.items.some((e: any) => e.kind === k),
        ),
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
  });

  it('labels every timeline event in Chinese, with no English word from the engine, and actors by name', async () => {
    const page = await open('zh-CN', parties.tokens.finance);
    const events = page.locator('#timeline tbody td:nth-child(2)');
    await timelineRows(page, '向村发出资料收集请求').waitFor();
    await timelineRows(page, '登记指标进展').waitFor();
    // The whole page, the engine's texts (escalations, steps held) included, in the glossary's Chinese
    // words (the English ones are left out: organizations' own names, "S County Finance Bureau", may hold them).
    const shown = (await page.locator('body').textContent()) ?? '';
    const chinese = NOT_GLOSSARY.filter(([word]) => !ENGLISH.test(word.source));
    expect(chinese.filter(([word]) => word.test(shown)).map(([word]) => word.source)).toEqual([]);
    const labels = await events.allTextContents();
    expect(labels.length).toBeGreaterThan(8);
    expect(labels.filter((l) => ENGLISH.test(l))).toEqual([]);
    // The resolved advance: "款项已付清 · 14 个工作日", not "tranche paid · 14 个工作日".
    const resolved = timelineRows(page, '停滞环节已解决').locator('td:nth-child(4)');
    await expect
      .poll(() => resolved.allTextContents())
      .toContainEqual(expect.stringMatching(/^款项已付清 · \d+ 个工作日$/));
    expect((await resolved.allTextContents()).filter((d) => ENGLISH.test(d))).toEqual([]);
    // Engine events say who in Chinese; a person by name, the id beside it on one line.
    expect(await timelineRows(page, '发起督办').first().locator('td:nth-child(3)').textContent()).toBe(
      'grantflow（自动）',
    );
    const submitted = timelineRows(page, '材料通过预审，进入评审').first().locator('td:nth-child(3)');
    expect(await submitted.textContent()).toMatch(/^Project Lead Huang usr_/);
    expect(await submitted.locator('.mono').evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
    // The progress recorded, in Chinese: station, indicator and count.
    expect(await timelineRows(page, '登记指标进展').first().locator('td:nth-child(4)').textContent()).toContain(
      '站点 G · 入村走访 6',
    );
    await page.locator('#timeline').screenshot({ path: path.join(ARTIFACTS, 'timeline.zh-CN.png') });
    await page.locator('#submissions').screenshot({ path: path.join(ARTIFACTS, 'milestones.zh-CN.png') });
    await page.locator('#payroll').screenshot({ path: path.join(ARTIFACTS, 'payroll.zh-CN.png') });
    await page.context().close();
  });

  it('labels the same events in English, and the actor by name', async () => {
    const page = await open('en-US', parties.tokens.finance);
    await timelineRows(page, 'Materials requested from villages').waitFor();
    const labels = await page.locator('#timeline tbody td:nth-child(2)').allTextContents();
    // No raw key such as material_request.created or progress.recorded.
    expect(labels.filter((l) => /^[a-z_]+\.[a-z_]+$/.test(l) || l.includes('Other event'))).toEqual([]);
    expect(labels).toContain('Progress recorded');
    const resolved = await timelineRows(page, 'Stalled step resolved').locator('td:nth-child(4)').allTextContents();
    expect(resolved).toContainEqual(expect.stringMatching(/^tranche paid · \d+ working days$/));
    expect(
      await timelineRows(page, 'Materials passed pre-check, in review')
        .first()
        .locator('td:nth-child(3)')
        .textContent(),
    ).toMatch(/^Project Lead Huang usr_/);
    await page.context().close();
  });

  it('shows each milestone’s state per station, and people by name, in both languages', async () => {
    for (const [locale, expected] of [
      [
        'en-US',
        {
          G: 'Station G: in review (round 1)',
          B: 'Station B: returned in round 1',
          L: 'Station L: not submitted',
          whole: 'not submitted',
        },
      ],
      ['zh-CN', { G: '站点 G：评审中（第 1 轮）', B: '站点 B：第 1 轮被退回', L: '站点 L：未提交', whole: '未提交' }],
    ] as const) {
      const page = await open(locale, parties.tokens.agency);
      const midterm = page.locator('#submissions ul.milestones > li', { hasText: 'Mid-term evaluation' });
      await midterm.waitFor();
      for (const station of ['G', 'B', 'L'] as const)
        expect(await midterm.locator(`li[data-station="${station}"]`).textContent()).toBe(expected[station]);
      const final = page.locator('#submissions ul.milestones > li', { hasText: 'Final evaluation' });
      expect(await final.locator('li[data-station=""]').textContent()).toBe(expected.whole);
      if (locale === 'zh-CN')
        expect(ENGLISH.test((await midterm.locator('ul.milestone-states').textContent()) ?? '')).toBe(false);
      // People by name where the API gives their ids: who submitted, who recorded a payment.
      const submitted = page
        .locator('#submissions tbody tr', { hasText: /^Mid-term evaluationG/ })
        .locator('td:nth-child(5) > div');
      await expect.poll(() => submitted.textContent()).toMatch(/^Project Lead Huang usr_\w+$/);
      const recorder = page.locator('#ledger tbody tr', { hasText: 'CZ-2022-118' }).locator('td:nth-child(6)');
      await expect.poll(() => recorder.textContent()).toMatch(/^Finance Officer Li usr_\w+/);
      await page.context().close();
    }
  });

  it('says what each village still owes item by item, in both languages', async () => {
    for (const [locale, expected] of [
      ['en-US', 'Village A Committee: 12 sign-in sheets, 1 household roster'],
      ['zh-CN', 'Village A Committee：签到表 12、户籍花名册 1'],
    ] as const) {
      const page = await open(locale, parties.tokens.contractor);
      const row = page.locator('#material-requests tbody tr', { hasText: 'May records' });
      await row.waitFor();
      expect(await row.locator('ul.owed li').allTextContents()).toEqual([expected]);
      // Beside the curve, the stalled request names the village, and its id never breaks midway.
      const held = page.locator('#holding li', {
        hasText: locale === 'en-US' ? 'Material request overdue' : '资料收集逾期',
      });
      expect(await held.textContent()).toContain('Village A Committee');
      expect(await held.locator('.mono').evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
      await page.context().close();
    }
  });

  it('shows a payroll card that adds up and says how the personnel share is counted, in both languages', async () => {
    // 691,600.00 received, none naming a budget line: 900,000 / 1,154,000 of each is personnel money,
    // 539,376.08 in all: 7.19 months of 75,000.00; of the term's 12 months, 4 have no money at all.
    for (const [locale, labels, explained] of [
      [
        'en-US',
        ['Months of payroll covered', 'Months so far without money'],
        ['CN¥900,000.00 of CN¥1,154,000.00 = 78%', 'at most the term’s 12 months'],
      ],
      ['zh-CN', ['可覆盖工资月数', '至今无经费月数'], ['¥900,000.00 / ¥1,154,000.00 = 78%', '最多为服务期的 12 个月']],
    ] as const) {
      const page = await open(locale, parties.tokens.finance);
      expect(await figure(page, 'payroll', labels[0]).textContent()).toBe(
        locale === 'en-US' ? '7.2 of 12' : '7.2 / 12',
      );
      expect(await figure(page, 'payroll', labels[1]).textContent()).toBe('4');
      const rule = (await page.locator('#payroll .payroll-rule').textContent()) ?? '';
      for (const words of explained) expect(rule).toContain(words);
      await page.context().close();
    }
    const detail = await stack.http('GET', `/v1/contracts/${contractId}`, { token: parties.tokens.finance });
    expect(detail.body.payroll).toMatchObject({ monthsCovered: 7.19, monthsUnfunded: 4, termMonths: 12 });
  });

  it('writes dates as each language does, and money in one format in figures and escalation texts alike', async () => {
    for (const [locale, day, amount, wrongMoney] of [
      ['en-US', '20 Nov 2022', 'CN¥461,600.00', /\d CNY/],
      ['zh-CN', '2022年11月20日', '¥461,600.00', /\d 元/],
    ] as const) {
      const page = await open(locale, parties.tokens.finance);
      const row = page.locator('#ledger tbody tr', { hasText: 'CZ-2022-118' });
      expect(await row.textContent()).toContain(day);
      expect(await row.textContent()).toContain(amount);
      const escalations = page.locator('#escalations');
      await escalations.locator('tbody tr').first().waitFor();
      const texts = (await escalations.textContent()) ?? '';
      // The escalations' own texts (written by the engine) use the page's money format, never "923200.00 CNY".
      expect(texts).toContain(locale === 'en-US' ? 'CN¥923,200.00' : '¥923,200.00');
      expect(texts).not.toMatch(wrongMoney);
      // Days written by domain/notices.ts read as the language writes them (texts composed in
      // workflows/review.ts and material-request.ts still write YYYY-MM-DD: not this job's files).
      expect(texts).toContain(locale === 'en-US' ? 'was due by 30 Jun 2023' : '截至 2023年6月30日');
      await page.context().close();
    }
  });

  it('draws the curve up to money paid after the term, so the shortfall closes', async () => {
    // The rest arrives on 15 July 2025, nearly two years after the term ended: the chart runs a
    // twentieth of its span past that day (to 5 September 2025), the step standing inside it.
    expect((await pay('CZ-2025-201', '462400.00', '2025-07-15')).status).toBe(201);
    for (const [locale, span, shortfall] of [
      ['en-US', 'The chart runs from 1 Sep 2022 to 5 Sep 2025.', 'Shortfall: CN¥0.00.'],
      ['zh-CN', '图表时间范围：2022年9月1日 至 2025年9月5日。', '缺口 ¥0.00。'],
    ] as const) {
      const page = await open(locale, parties.tokens.finance);
      const caption = page.locator('figure.curve figcaption');
      await expect.poll(() => caption.textContent()).toContain(span);
      expect(await caption.textContent()).toContain(shortfall);
      if (locale === 'en-US')
        await page.locator('.curve-row').screenshot({ path: path.join(ARTIFACTS, 'curve-after-term.png') });
      await page.context().close();
    }
  });

  it('raised no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
