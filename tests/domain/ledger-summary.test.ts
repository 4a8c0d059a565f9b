// The contract workflow decides from a LedgerSummary what the API decides from the whole ledger:
// the same figures, the same duplicates and conflicts, within a bounded size.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateContractDefinition, type Contract, type FundingSource } from '../../domain/contract';
import { addDays, parseInstant } from '../../domain/dates';
import { sha256, shortDigest, utf8 } from '../../domain/digest';
import {
  addToSummary,
  checkPayment,
  checkReversal,
  emptyLedgerSummary,
  reversalEntry,
  summarize,
  type LedgerEntry,
} from '../../domain/ledger';
import { MAX_PAYMENTS_PER_CONTRACT } from '../../domain/limits';
import { formatMoney } from '../../domain/money';
import { contractFigures } from '../../domain/status';
import { sCountyContract, sCountyKinds, sCountyOrgIds } from '../fixtures/s-county';
import { reportFigure } from '../helpers/figures';

function contract(overrides: Parameters<typeof sCountyContract>[1] = {}): Contract {
  const result = validateContractDefinition(sCountyContract(sCountyOrgIds, overrides), (id) => sCountyKinds[id]);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

const SOURCES: FundingSource[] = ['fiscal', 'social_assistance_fund', 'welfare_lottery_fund', 'other'];

describe('sha256 in plain TypeScript', () => {
  it('equals Node crypto on any text, surrogates and all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const expected = createHash('sha256').update(text, 'utf8').digest();
        expect(Buffer.from(utf8(text))).toEqual(Buffer.from(text, 'utf8'));
        expect(Buffer.from(sha256(utf8(text)))).toEqual(expected);
        expect(shortDigest(text)).toBe(expected.subarray(0, 16).toString('base64url'));
      }),
      { numRuns: 300 },
    );
  });

  it('handles the padding boundaries (55, 56, 64 bytes) and long inputs', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000]) {
      const text = 'a'.repeat(n);
      expect(Buffer.from(sha256(utf8(text))).toString('hex')).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });
});

/** A random ledger of payments (some with budget lines and notes) and reversals, in recording order. */
const ledgerArbitrary = (c: Contract) =>
  fc
    .array(
      fc.record({
        amountFen: fc.integer({ min: 1, max: 5_000_000 }),
        day: fc.integer({ min: -60, max: 400 }),
        source: fc.constantFrom(...SOURCES),
        line:
          c.budgetLines.length === 0
            ? fc.constant(undefined)
            : fc.option(fc.constantFrom(...c.budgetLines.map((l) => l.id)), { nil: undefined }),
        note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        reverse: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
      }),
      { maxLength: 40 },
    )
    .map((specs) => {
      const entries: LedgerEntry[] = [];
      specs.forEach((s, i) => {
        const payment: LedgerEntry = {
          reference: `P-${i}`,
          kind: 'payment',
          amountFen: s.amountFen,
          receivedOn: addDays(c.term.start, s.day),
          fundingSource: s.source,
          ...(s.line !== undefined ? { budgetLine: s.line } : {}),
          ...(s.note !== undefined ? { note: s.note } : {}),
          recordedBy: 'usr_f',
          recordedAt: '2023-01-01T00:00:00Z',
        };
        entries.push(payment);
        if (s.reverse !== undefined) {
          entries.push(
            reversalEntry(
              payment.reference,
              { ...payment, content: '' },
              { reason: s.reverse, recordedBy: 'usr_f' },
              '2023-01-02T00:00:00Z',
            ),
          );
        }
      });
      return entries;
    });

describe('LedgerSummary', () => {
  const withLines = contract();
  const withoutLines = { ...contract(), budgetLines: [] };

  it('gives the same contract figures as the entries it summarises, at any instant', () => {
    for (const c of [withLines, withoutLines]) {
      fc.assert(
        fc.property(ledgerArbitrary(c), fc.integer({ min: -30, max: 500 }), (ledger, day) => {
          const now = parseInstant(addDays(c.term.start, day))! + 3_600_000;
          expect(contractFigures(c, summarize(c, ledger), now)).toEqual(contractFigures(c, ledger, now));
        }),
        { numRuns: 150 },
      );
    }
  });

  it('keeps totals per funding source and budget line', () => {
    fc.assert(
      fc.property(ledgerArbitrary(withLines), (ledger) => {
        const summary = summarize(withLines, ledger);
        expect(summary.count).toBe(ledger.length);
        expect(summary.receivedFen).toBe(ledger.reduce((s, e) => s + e.amountFen, 0));
        for (const source of SOURCES) {
          const sum = ledger.filter((e) => e.fundingSource === source).reduce((s, e) => s + e.amountFen, 0);
          expect(summary.byFundingSource[source] ?? 0).toBe(sum);
        }
        for (const line of [...withLines.budgetLines.map((l) => l.id), '']) {
          const sum = ledger.filter((e) => (e.budgetLine ?? '') === line).reduce((s, e) => s + e.amountFen, 0);
          expect(summary.byBudgetLine[line] ?? 0).toBe(sum);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('tells a repeat from a conflict and a reversal from its repeat, as the entries do', () => {
    const c = withLines;
    fc.assert(
      fc.property(ledgerArbitrary(c), fc.nat(), fc.string({ maxLength: 20 }), (ledger, pick, otherNote) => {
        const summary = summarize(c, ledger);
        const payments = ledger.filter((e) => e.kind === 'payment');
        const now = parseInstant(addDays(c.term.start, 500))!;
        if (payments.length === 0) return;
        const p = payments[pick % payments.length]!;
        const request = {
          reference: p.reference,
          amount: formatMoney(p.amountFen),
          receivedOn: p.receivedOn,
          fundingSource: p.fundingSource,
          ...(p.budgetLine !== undefined ? { budgetLine: p.budgetLine } : {}),
          ...(p.note !== undefined ? { note: p.note } : {}),
        };
        expect(checkPayment(c, summary, request, now)).toEqual({ outcome: 'duplicate' });
        const changed = (p.note ?? '') === otherNote ? `${otherNote}!` : otherNote;
        expect(checkPayment(c, summary, { ...request, note: changed }, now).outcome).toBe('conflict');
        const reversal = ledger.find((e) => e.reverses === p.reference);
        const reversalCheck = checkReversal(c, summary, p.reference, reversal?.reason ?? 'any');
        if (reversal) {
          expect(reversalCheck).toEqual({ outcome: 'duplicate' });
          expect(checkReversal(c, summary, p.reference, `${reversal.reason}?`).outcome).toBe('conflict');
        } else {
          expect(reversalCheck).toMatchObject({
            outcome: 'new',
            original: { amountFen: p.amountFen, receivedOn: p.receivedOn, fundingSource: p.fundingSource },
          });
        }
        expect(checkReversal(c, summary, `${p.reference}-none`, 'x')).toEqual({ outcome: 'not_found' });
      }),
      { numRuns: 150 },
    );
  });

  it('stays under a quarter of 2 MB at the most payments allowed, with the longest references, notes and ids', () => {
    const lineId = 'l'.repeat(64);
    const c = contract({
      value: '100000000.00',
      budgetLines: [
        { id: lineId, kind: 'personnel', amount: '60000000.00' },
        { id: 'other', kind: 'activities', amount: '40000000.00' },
      ],
    });
    const summary = emptyLedgerSummary();
    for (let i = 0; i < MAX_PAYMENTS_PER_CONTRACT; i++) {
      const reference = `${String(i).padStart(6, '0')}${'R'.repeat(94)}`;
      const entry: LedgerEntry = {
        reference,
        kind: 'payment',
        amountFen: 4_999_999_999 + i,
        // Every payment on its own day: the per-day aggregate at its largest.
        receivedOn: addDays('2020-01-01', i),
        fundingSource: 'social_assistance_fund',
        budgetLine: lineId,
        note: '注'.repeat(2000),
        recordedBy: 'usr_f',
        recordedAt: '2026-01-01T00:00:00Z',
      };
      addToSummary(c, summary, entry);
      // Half are reversed too: more entries than the limit allows (a reversal counts as one).
      if (i % 2 === 1)
        addToSummary(
          c,
          summary,
          reversalEntry(reference, { ...entry, content: '' }, { reason: '因'.repeat(2000), recordedBy: 'usr_f' }, 'x'),
        );
    }
    const bytes = Buffer.byteLength(JSON.stringify(summary));
    reportFigure(`LedgerSummary at ${MAX_PAYMENTS_PER_CONTRACT} payments (half reversed): ${bytes} bytes`);
    expect(bytes).toBeLessThan(0.25 * 2 * 1024 * 1024);
    // ~0.1 KB per payment, however long its note.
    expect(bytes / MAX_PAYMENTS_PER_CONTRACT).toBeLessThan(200);
  });
});
