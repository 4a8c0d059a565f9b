// Texts that quote figures say when the figures held; an escalation's "level n of m" counts only
// levels that can reach one of the contract's parties; a money step's figures now.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type Contract } from '../../domain/contract';
import { parseInstant, shanghaiDate, shanghaiDateTime } from '../../domain/dates';
import {
  DEFAULT_LADDERS,
  ESCALATION_PARTIES,
  reachableLevels,
  type EscalationLadder,
  type EscalationParty,
} from '../../domain/escalation';
import type { LedgerEntry } from '../../domain/ledger';
import {
  checkpointNotice,
  checkpointStepSummary,
  escalationNotice,
  moneyStepFigures,
  trancheNotice,
  trancheStepSummary,
} from '../../domain/notices';
import { PARTY_NAMES } from '../../domain/organizations';
import { contractFigures } from '../../domain/status';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';

function contract(): Contract {
  const result = validateContractDefinition(sCountyContract(sCountyOrgIds), (id) => sCountyKinds[id]);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}
const payment = (reference: string, amountFen: number, receivedOn: string): LedgerEntry => ({
  reference,
  kind: 'payment',
  amountFen,
  receivedOn,
  fundingSource: 'fiscal',
  recordedBy: 'usr_f',
  recordedAt: `${receivedOn}T10:00:00Z`,
});
const at = (text: string) => parseInstant(text)!;

describe('Shanghai date and time of the figures', () => {
  it('is the wall-clock minute in Shanghai', () => {
    expect(shanghaiDateTime(Date.parse('2023-07-03T01:00:00Z'))).toBe('2023-07-03 09:00');
    expect(shanghaiDateTime(Date.parse('2023-06-30T16:30:59Z'))).toBe('2023-07-01 00:30');
  });

  it('always falls on the Shanghai day of the instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }),
        (instant) => {
          const text = shanghaiDateTime(instant);
          expect(text.slice(0, 10)).toBe(shanghaiDate(instant));
          expect(text).toMatch(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/);
        },
      ),
    );
  });
});

describe('texts of a money step', () => {
  const c = contract();
  const opened = at('2023-07-03T09:00');

  it('dates the figures a checkpoint escalation quotes, in both languages', () => {
    // Written when nothing had been recorded: 0.00 arrived, 923,200.00 short.
    const [checkpoint] = contractFigures(c, [], opened).checkpoints;
    const text = checkpointStepSummary(checkpoint!, opened);
    expect(text.en).toBe(
      'Payment checkpoint june-80: 80% of the contract value (CN¥923,200.00) was due by 30 Jun 2023; CN¥0.00 arrived by then, CN¥923,200.00 short (as of 3 Jul 2023 09:00 Beijing time).',
    );
    expect(text['zh-CN']).toContain('（数据截至北京时间 2023年7月3日 09:00）');
  });

  it('tells today’s figures once money recorded later arrived before the day, or after it', () => {
    const later = at('2023-07-20T10:15');
    // The source case: 530,000.00 received before the checkpoint, recorded later.
    const recorded = [payment('p1', 30_000_000, '2022-11-20'), payment('p2', 23_000_000, '2023-03-10')];
    const now = checkpointStepSummary(contractFigures(c, recorded, later).checkpoints[0]!, later);
    expect(now.en).toContain(
      'CN¥530,000.00 arrived by then, CN¥393,200.00 short (as of 20 Jul 2023 10:15 Beijing time).',
    );
    expect(now['zh-CN']).toContain('实际到账 ¥530,000.00，缺口 ¥393,200.00（数据截至北京时间 2023年7月20日 10:15）');
    // 100,000.00 more after the day: the shortfall at the day stays, less is missing now.
    const more = [...recorded, payment('p3', 10_000_000, '2023-07-10')];
    const partly = checkpointStepSummary(contractFigures(c, more, later).checkpoints[0]!, later);
    expect(partly.en).toContain('CN¥393,200.00 short; CN¥293,200.00 still missing (as of');
    expect(partly['zh-CN']).toContain('目前仍缺 ¥293,200.00');
    // Covered in full.
    const covered = [...more, payment('p4', 29_320_000, '2023-07-15')];
    expect(checkpointStepSummary(contractFigures(c, covered, later).checkpoints[0]!, later).en).toContain(
      'covered on 15 Jul 2023 (as of',
    );
  });

  it('dates a tranche’s figures, unpaid and paid', () => {
    const when = at('2022-11-02T09:00');
    const t1 = contractFigures(c, [], when).tranches[0]!;
    expect(trancheStepSummary(t1, when).en).toBe(
      `Tranche "${t1.label}" of CN¥461,600.00 was due on 31 Oct 2022; CN¥461,600.00 has not arrived (as of 2 Nov 2022 09:00 Beijing time).`,
    );
    expect(trancheStepSummary(t1, when)['zh-CN']).toContain('数据截至北京时间 2022年11月2日 09:00');
    const paid = contractFigures(c, [payment('p', 46_160_000, '2022-11-01')], when).tranches[0]!;
    expect(trancheStepSummary(paid, when).en).toContain(
      'paid in full on 1 Nov 2022 (as of 2 Nov 2022 09:00 Beijing time)',
    );
  });

  it('dates the figures of the notices sent without the escalation engine', () => {
    const when = at('2023-07-01T09:00');
    const missed = checkpointNotice(c, contractFigures(c, [], when).checkpoints[0]!, when)!;
    expect(missed.body.en).toContain('(as of 1 Jul 2023 09:00 Beijing time)');
    expect(missed.body['zh-CN']).toContain('数据截至北京时间 2023年7月1日 09:00');
    const overdue = trancheNotice(c, contractFigures(c, [], when).tranches[0]!, when)!;
    expect(overdue.body.en).toContain('(as of 1 Jul 2023 09:00 Beijing time)');
    expect(overdue.body['zh-CN']).toContain('数据截至北京时间 2023年7月1日 09:00');
  });

  it("gives a money step's figures now: required, received toward it, still missing", () => {
    const later = at('2023-07-20T10:15');
    const figures = contractFigures(
      c,
      [payment('p1', 30_000_000, '2022-11-20'), payment('p2', 23_000_000, '2023-03-10')],
      later,
    );
    expect(moneyStepFigures('paymentShortfall', 'june-80', figures, later)).toMatchObject({
      status: 'missed',
      requiredFen: 92_320_000,
      receivedFen: 53_000_000,
      outstandingFen: 39_320_000,
    });
    // 530,000.00 covers t1 (461,600.00) and 68,400.00 of t2.
    expect(moneyStepFigures('trancheOverdue', 't2', figures, later)).toMatchObject({
      status: 'overdue',
      requiredFen: 46_160_000,
      receivedFen: 6_840_000,
      outstandingFen: 39_320_000,
    });
    expect(moneyStepFigures('trancheOverdue', 'gone', figures, later)).toBeUndefined();
    expect(moneyStepFigures('quotaShortfall', 'june-80', figures, later)).toBeUndefined();
  });
});

describe('levels an escalation can reach', () => {
  const withoutOversight: Partial<Record<EscalationParty, string>> = {
    purchaser: 'org_p',
    payer: 'org_f',
    contractor: 'org_c',
    evaluator: 'org_e',
  };
  const message = (ladder: EscalationLadder, parties: Partial<Record<EscalationParty, string>>, rank: number) =>
    escalationNotice({
      contractTitle: 'Lot 3',
      summary: { en: 'X.', 'zh-CN': 'X。' },
      since: '2023-06-30',
      level: rank,
      levels: reachableLevels(ladder, parties).length,
      holder: 'payer',
    });

  it('does not count a last level for oversight on a contract without oversight: "level 3 of 3"', () => {
    const ladder = DEFAULT_LADDERS.paymentShortfall;
    expect(reachableLevels(ladder, withoutOversight).map((l) => l.index)).toEqual([0, 1, 2]);
    expect(message(ladder, withoutOversight, 3).subject.en).toBe(
      'Lot 3: stalled since 30 Jun 2023 — escalation level 3 of 3',
    );
    expect(message(ladder, withoutOversight, 3).subject['zh-CN']).toContain('第 3/3 级督办');
    // With an oversight body named, all four count.
    expect(message(ladder, { ...withoutOversight, oversight: 'org_o' }, 3).subject.en).toContain('level 3 of 4');
  });

  it('names the holder by its one name (README glossary), which starts the English sentence', () => {
    for (const holder of ESCALATION_PARTIES) {
      const notice = escalationNotice({
        contractTitle: 'Lot 3',
        summary: { en: 'X.', 'zh-CN': 'X。' },
        since: '2023-06-30',
        level: 1,
        levels: 1,
        holder,
      });
      expect(notice.body.en).toBe(
        `X. It has been stalled since 30 Jun 2023. The ${PARTY_NAMES[holder].en} can unblock it.`,
      );
      expect(notice.body['zh-CN']).toBe(`X。自 2023年6月30日 起未办结，需由${PARTY_NAMES[holder]['zh-CN']}处理。`);
    }
    expect(message(DEFAULT_LADDERS.paymentShortfall, withoutOversight, 1).body.en).toContain(
      'The payer can unblock it.',
    );
    expect(PARTY_NAMES.purchaser['zh-CN']).toBe('采购方');
    expect(PARTY_NAMES.contractor['zh-CN']).toBe('承接机构');
    expect(PARTY_NAMES.evaluator['zh-CN']).toBe('评估方');
  });

  it('skips an unreachable level in the middle, keeping each level’s place in the ladder', () => {
    const ladder: EscalationLadder = {
      levels: [
        { afterWorkingDays: 0, notify: ['payer'], severity: 'warning' },
        { afterWorkingDays: 5, notify: ['oversight'], severity: 'critical' },
        { afterWorkingDays: 10, notify: ['purchaser', 'oversight'], severity: 'critical' },
      ],
    };
    expect(reachableLevels(ladder, withoutOversight).map((l) => l.index)).toEqual([0, 2]);
    expect(message(ladder, withoutOversight, 2).subject.en).toContain('level 2 of 2');
    // A village request's ladder where the station names no township government.
    expect(
      reachableLevels(DEFAULT_LADDERS.materialRequestOverdue, { village: 'org_v', purchaser: 'org_p' }).map(
        (l) => l.index,
      ),
    ).toEqual([0, 1, 3]);
  });

  it('keeps exactly the levels some notified party of which the contract has, in ladder order', () => {
    const levelArb = fc.record({
      afterWorkingDays: fc.nat(30),
      notify: fc.subarray([...ESCALATION_PARTIES], { minLength: 1 }),
      severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const),
    });
    fc.assert(
      fc.property(fc.array(levelArb, { maxLength: 6 }), fc.subarray([...ESCALATION_PARTIES]), (levels, present) => {
        const parties = Object.fromEntries(present.map((p) => [p, `org_${p}`])) as Partial<
          Record<EscalationParty, string>
        >;
        const reachable = reachableLevels({ levels }, parties);
        expect(reachable.map((r) => r.index)).toEqual(
          levels.flatMap((l, i) => (l.notify.some((p) => present.includes(p)) ? [i] : [])),
        );
        for (const r of reachable) expect(r.level).toBe(levels[r.index]);
      }),
    );
  });
});
