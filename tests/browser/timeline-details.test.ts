// A timeline event's particulars in the page's language (web/src/timeline-details.ts), without
// a browser: no English word written by the engine on a Chinese page ("tranche paid · 849 个工作日").
import { describe, expect, it } from 'vitest';
import { detailsOf } from '../../web/src/timeline-details';
import { createI18n } from '../../web/src/i18n';
import type { TimelineEvent } from '../../web/src/types';

const zh = createI18n('zh-CN', () => {});
const en = createI18n('en', () => {});
const orgName = (id: string) => ({ org_a: 'Village A Committee', org_b: 'Village B Committee' })[id] ?? id;
const event = (kind: string, payload: Record<string, unknown>): TimelineEvent => ({
  id: 1,
  kind,
  actorId: null,
  actorName: null,
  occurredAt: '2023-07-01T01:00:00Z',
  payload,
});

describe('timeline details', () => {
  it('words a resolved step in the page’s language, and leaves out a reason it does not know on a Chinese page', () => {
    const resolved = event('escalation.step_resolved', { reason: 'tranche paid', workingDaysHeld: 849 });
    expect(detailsOf(resolved, zh, orgName)).toBe('款项已付清 · 849 个工作日');
    expect(detailsOf(resolved, en, orgName)).toBe('tranche paid · 849 working days');
    const unknown = event('escalation.step_resolved', { reason: 'something new', workingDaysHeld: 3 });
    expect(detailsOf(unknown, zh, orgName)).toBe('3 个工作日');
    expect(detailsOf(unknown, en, orgName)).toBe('something new · 3 working days');
  });

  it('words the payer’s clock’s reasons in Chinese, the interest of a paid tranche too', () => {
    const paid = event('escalation.step_resolved', { reason: 'paid; interest 1530.00', workingDaysHeld: 12 });
    expect(detailsOf(paid, zh, orgName)).toBe('已付清；利息 ¥1,530.00 · 12 个工作日');
    expect(detailsOf(paid, en, orgName)).toBe('paid; interest CN¥1,530.00 · 12 working days');
    const accepted = event('escalation.step_resolved', { reason: 'application accept', workingDaysHeld: 2 });
    expect(detailsOf(accepted, zh, orgName)).toBe('请款已验收通过 · 2 个工作日');
    const amended = event('escalation.step_resolved', {
      reason: 'tranche no longer on the payer’s clock (amended)',
      workingDaysHeld: 4,
    });
    expect(detailsOf(amended, zh, orgName)).toBe('合同变更后款项不再适用法定付款期限 · 4 个工作日');
  });

  it('says levels, rounds, stations, villages and indicators in Chinese', () => {
    expect(detailsOf(event('escalation.opened', { level: 2, notified: ['org_a', 'org_b'] }), zh, orgName)).toBe(
      '第 2 级 · Village A Committee、Village B Committee',
    );
    expect(
      detailsOf(
        event('submission.returned', { milestoneId: 'midterm', station: 'G', round: 2 }),
        zh,
        orgName,
        () => '中期评估',
      ),
    ).toBe('中期评估 · 站点 G · 第 2 轮');
    expect(
      detailsOf(
        event('progress.recorded', { station: 'G', metric: 'village_visits', count: 6, date: '2023-08-20' }),
        zh,
        orgName,
      ),
    ).toBe('站点 G · 入村走访 6 · 2023年8月20日');
    expect(detailsOf(event('material_request.overdue', { villages: ['org_a'] }), zh, orgName)).toBe(
      'Village A Committee',
    );
    expect(detailsOf(event('material_request.closed', { status: 'contract ended' }), zh, orgName)).toBe('合同已结束');
    expect(
      detailsOf(
        event('payment.recorded', { reference: 'CZ-1', amountFen: 46_160_000, receivedOn: '2022-11-20' }),
        zh,
        orgName,
      ),
    ).toBe('CZ-1 · ¥461,600.00 · 2022年11月20日');
  });
});
