// What the parties are told when the payer's legal clock (domain/payment-terms) runs late, in
// zh-CN and en: the purchaser late deciding an application, the payer late paying after the
// statute's deadline — naming the statute, the days and the interest so far.
import { dayText } from './dates';
import { moneyText, type Fen } from './money';
import type { LateInterest, PaymentTerms } from './payment-terms';
import type { Text } from './languages';

const STATUTE_NAME = {
  en: 'the Regulation on Ensuring Payments to SMEs (State Council Order No. 802)',
  'zh-CN': '《保障中小企业款项支付条例》',
};

function rateText(rate: LateInterest): Text {
  if (rate.kind === 'statutory_daily') return { en: '0.05 % per day (statutory)', 'zh-CN': '每日万分之五（法定）' };
  if (rate.kind === 'agreed')
    return { en: `${rate.annualRatePercent} % a year (agreed)`, 'zh-CN': `年利率 ${rate.annualRatePercent}%（约定）` };
  return { en: 'no interest agreed', 'zh-CN': '未约定逾期利息' };
}

/** The acceptanceOverdue step's text: an application of `amountFen` filed on `filedOn`, not decided by `acceptanceDueOn`. */
export function acceptanceStepSummary(input: {
  trancheLabel: string;
  applicationId: string;
  amountFen: Fen;
  filedOn: string;
  acceptanceDueOn: string;
  /** The payer's deadline counted from the window's end, where applications drive it (else null). */
  paymentDueOn: string | null;
}): Text {
  const { trancheLabel, applicationId, amountFen, filedOn, acceptanceDueOn, paymentDueOn } = input;
  const tail =
    paymentDueOn === null
      ? { en: '', 'zh-CN': '' }
      : {
          en: ` Under ${STATUTE_NAME.en} late acceptance does not delay payment: the payer's deadline runs from that day, to ${dayText(paymentDueOn, 'en')}.`,
          'zh-CN': `依${STATUTE_NAME['zh-CN']}，迟延验收的，付款期限自约定验收期限届满之日起算，至 ${dayText(paymentDueOn, 'zh-CN')}。`,
        };
  return {
    en:
      `Payment application ${applicationId} for tranche "${trancheLabel}" (${moneyText(amountFen, 'en')}), filed on ${dayText(filedOn, 'en')}, ` +
      `was to be accepted or returned by ${dayText(acceptanceDueOn, 'en')}.${tail.en}`,
    'zh-CN':
      `款项「${trancheLabel}」的请款申请 ${applicationId}（${moneyText(amountFen, 'zh-CN')}）于 ${dayText(filedOn, 'zh-CN')} 提交，` +
      `应于 ${dayText(acceptanceDueOn, 'zh-CN')} 前验收或退回。${tail['zh-CN']}`,
  };
}

/** The paymentOverdue step's text, with the figures as of `asOf` (a day). */
export function paymentOverdueSummary(input: {
  trancheLabel: string;
  terms: PaymentTerms;
  /** A tranche released after a milestone's approval: the milestone's title and the day it was approved. */
  released?: { milestoneTitle: string; on: string };
  paymentDueOn: string;
  outstandingFen: Fen;
  daysOverdue: number;
  interestFen: Fen;
  asOf: string;
}): Text {
  const { trancheLabel, terms, released, paymentDueOn, outstandingFen, daysOverdue, interestFen, asOf } = input;
  const rate = rateText(terms.lateInterest);
  const statute = terms.statute === 'sme_payment_2025' ? STATUTE_NAME : { en: 'the contract', 'zh-CN': '合同' };
  const since = released
    ? {
        en: ` (payable since milestone "${released.milestoneTitle}" was approved on ${dayText(released.on, 'en')})`,
        'zh-CN': `（评估节点「${released.milestoneTitle}」于 ${dayText(released.on, 'zh-CN')}通过评审后应付）`,
      }
    : { en: '', 'zh-CN': '' };
  return {
    en:
      `Tranche "${trancheLabel}"${since.en}: under ${statute.en} the payer was to pay by ${dayText(paymentDueOn, 'en')}; ${moneyText(outstandingFen, 'en')} is unpaid, ` +
      `overdue by ${daysOverdue} ${daysOverdue === 1 ? 'day' : 'days'} as of ${dayText(asOf, 'en')}, late-payment interest so far ${moneyText(interestFen, 'en')} at ${rate.en}.`,
    'zh-CN':
      `款项「${trancheLabel}」${since['zh-CN']}：依${statute['zh-CN']}，付款方应于 ${dayText(paymentDueOn, 'zh-CN')} 前支付；尚欠 ${moneyText(outstandingFen, 'zh-CN')}，` +
      `截至 ${dayText(asOf, 'zh-CN')} 已逾期 ${daysOverdue} 天，逾期利息已达 ${moneyText(interestFen, 'zh-CN')}（${rate['zh-CN']}）。`,
  };
}
