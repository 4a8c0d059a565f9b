// What a contract announces as time and money move its checkpoints and tranches
// (domain/announcements.ts): each state change once, notices for recoveries and payments, and the
// money steps handed to the escalation engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractAnnouncements, type PayerClockView } from '../../domain/announcements';
import { addDays, parseInstant, shanghaiDate, startOfShanghaiDay } from '../../domain/dates';
import { stepDueAt } from '../../domain/escalation';
import { announcedKey, stepKey, stepReference } from '../../domain/ids';
import type { LedgerEntry } from '../../domain/ledger';
import { moneyStepHeldUntil } from '../../domain/status';
import { relativeContract } from '../fixtures/relative-contract';

const DAY = 24 * 3600 * 1000;
const START = Date.parse('2024-01-01T02:00:00Z');
const contract = relativeContract(START, 'A-1');
const t1 = contract.tranches.find((t) => t.id === 't1')!;
const eighty = contract.checkpoints.find((c) => c.id === 'eighty')!;
const dayOf = (at: number) => shanghaiDate(at);

/** t1's trancheOverdue step, opened as the escalation engine takes it. */
const t1Opened = {
  key: stepKey('trancheOverdue', stepReference(['t1'])),
  open: {
    contractId: 'A-1',
    contractTitle: contract.title,
    kind: 'trancheOverdue',
    reference: stepReference(['t1']),
    dueAt: stepDueAt(t1.dueAt),
    summary: expect.any(Object),
  },
};

const payment = (reference: string, amountFen: number, receivedOn: string): LedgerEntry => ({
  reference,
  kind: 'payment',
  amountFen,
  receivedOn,
  fundingSource: 'fiscal',
  recordedBy: 'usr_finance',
  recordedAt: '2024-01-01T00:00:00.000Z',
});

describe('contract announcements', () => {
  it('announces nothing while everything is pending or upcoming', () => {
    const out = contractAnnouncements(contract, [], {}, START + DAY);
    expect(out).toEqual({ announced: {}, events: [], notices: [], steps: [] });
  });

  it('a tranche past due unpaid: its event and an open trancheOverdue step, told by the ladder (no notice)', () => {
    const now = t1.dueAt + DAY;
    const out = contractAnnouncements(contract, [], {}, now);
    const key = announcedKey('tranche', 't1');
    expect(out.announced[key]).toBe('overdue');
    expect(out.events.map((e) => [e.kind, e.subject])).toEqual([['tranche.overdue', key]]);
    expect(out.notices).toEqual([]);
    expect(out.steps).toEqual([t1Opened]);
    // Announced once: the same instant again, or a later one, announces nothing more.
    expect(contractAnnouncements(contract, [], out.announced, now).events).toEqual([]);
    expect(contractAnnouncements(contract, [], out.announced, now + 3 * DAY).steps).toEqual([]);
  });

  it('paid late: the tranche is announced paid, and its step held until the day the money arrived', () => {
    const overdue = contractAnnouncements(contract, [], {}, t1.dueAt + DAY).announced;
    const arrived = addDays(dayOf(t1.dueAt), 3);
    const now = startOfShanghaiDay(addDays(arrived, 5)) + 3600_000;
    const out = contractAnnouncements(contract, [payment('P-1', t1.amountFen, arrived)], overdue, now);
    expect(out.events.map((e) => e.kind)).toEqual(['tranche.paid']);
    expect(out.notices).toEqual([]);
    expect(out.steps).toEqual([
      {
        key: stepKey('trancheOverdue', stepReference(['t1'])),
        resolve: { reason: 'tranche paid', at: moneyStepHeldUntil(arrived, now) },
      },
    ]);
    expect(out.steps[0]!.resolve!.at).toBeLessThan(now);
  });

  it('a missed checkpoint opens a paymentShortfall step due at its time', () => {
    const now = eighty.byAt + DAY;
    const out = contractAnnouncements(contract, [payment('P-1', contract.valueFen / 2, dayOf(START))], {}, now);
    const missed = out.steps.find((s) => s.key === stepKey('paymentShortfall', stepReference(['eighty'])));
    expect(missed?.open?.dueAt).toBe(stepDueAt(eighty.byAt));
    expect(out.events.map((e) => e.kind)).toContain('checkpoint.missed');
    expect(out.notices.map((n) => n.subject)).not.toContain(announcedKey('checkpoint', 'eighty'));
  });

  it('a missed checkpoint recovered: announced with a notice to the parties, its step held until the money covered it', () => {
    const short = [payment('P-1', contract.valueFen / 2, dayOf(START))];
    const missed = contractAnnouncements(contract, short, {}, eighty.byAt + DAY).announced;
    const arrived = addDays(dayOf(eighty.byAt), 4);
    const now = startOfShanghaiDay(addDays(arrived, 2));
    const out = contractAnnouncements(
      contract,
      [...short, payment('P-2', contract.valueFen / 2, arrived)],
      missed,
      now,
    );
    const key = announcedKey('checkpoint', 'eighty');
    expect(out.events.find((e) => e.subject === key)?.kind).toBe('checkpoint.recovered');
    expect(out.notices.map((n) => [n.subject, n.status, n.notice.kind])).toEqual([
      [key, 'recovered', 'checkpoint.recovered'],
    ]);
    expect(out.steps.find((s) => s.key === stepKey('paymentShortfall', stepReference(['eighty'])))?.resolve).toEqual({
      reason: 'checkpoint recovered',
      at: moneyStepHeldUntil(arrived, now),
    });
  });

  it('forgets a checkpoint or tranche an amendment removed, and resolves its step', () => {
    const announced = {
      [announcedKey('checkpoint', 'gone~with/odd.id')]: 'missed',
      [announcedKey('tranche', 'old')]: 'overdue',
    };
    const now = START + DAY;
    const out = contractAnnouncements(contract, [], announced, now);
    expect(out.announced).toEqual({});
    expect(out.steps).toEqual([
      {
        key: stepKey('paymentShortfall', stepReference(['gone~with/odd.id'])),
        resolve: { reason: 'checkpoint removed by amendment', at: now },
      },
      {
        key: stepKey('trancheOverdue', stepReference(['old'])),
        resolve: { reason: 'tranche removed by amendment', at: now },
      },
    ]);
  });

  it('announces each change once, whatever the payments and however often it is asked', () => {
    const days = fc.integer({ min: 0, max: 400 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(days, fc.integer({ min: 1, max: 60_000_000 })), { maxLength: 6 }),
        fc.array(days, { minLength: 1, maxLength: 4 }),
        (paid, asked) => {
          const entries = paid.map(([day, fen], i) => payment(`P-${i}`, fen, addDays(dayOf(START), day)));
          let announced: Record<string, string> = {};
          const opened = new Map<string, number>();
          for (const day of [...asked].sort((a, b) => a - b)) {
            const now = parseInstant(addDays(dayOf(START), day))!;
            // Money is recorded on or before the day it is asked about.
            const known = entries.filter((e) => e.receivedOn <= dayOf(now));
            const out = contractAnnouncements(contract, known, announced, now);
            const again = contractAnnouncements(contract, known, out.announced, now);
            expect([again.events, again.notices, again.steps]).toEqual([[], [], []]);
            // A step is opened only when not open already, and resolved only when open.
            for (const step of out.steps) {
              const open = opened.get(step.key) ?? 0;
              if (step.open) expect(open).toBe(0);
              opened.set(step.key, step.open ? 1 : 0);
            }
            announced = out.announced;
          }
        },
      ),
    );
  });
});

describe('contract announcements beside the payer’s clock (PayerClockView)', () => {
  const key = stepKey('trancheOverdue', stepReference(['t1']));
  const overdueAt = t1.dueAt + DAY;
  const view = (watched: string[], open: string[] = [], queued: string[] = []): PayerClockView => ({
    watched: new Set(watched),
    isOpen: (k) => open.includes(k),
    queued: new Set(queued),
  });

  it('a watched tranche past its due day: announced overdue, but no notice and no trancheOverdue step (the clock’s paymentOverdue climbs instead)', () => {
    const out = contractAnnouncements(contract, [], {}, overdueAt, view(['t1']));
    expect(out.announced[announcedKey('tranche', 't1')]).toBe('overdue');
    expect(out.events.map((e) => e.kind)).toEqual(['tranche.overdue']);
    expect(out.notices).toEqual([]);
    // (Resolving a step never opened changes nothing: workflows/step-book resolveInBook.)
    expect(out.steps).toEqual([{ key, resolve: { reason: 'tranche overdue', at: overdueAt } }]);
    // Unwatched, the same tranche opens its step.
    expect(contractAnnouncements(contract, [], {}, overdueAt, view([])).steps.map((s) => [s.key, !!s.open])).toEqual([
      [key, true],
    ]);
  });

  it('a tranche the clock took over (an amendment of its release or terms) closes its open trancheOverdue step', () => {
    const announced = contractAnnouncements(contract, [], {}, overdueAt).announced;
    const later = overdueAt + 3 * DAY;
    const out = contractAnnouncements(contract, [], announced, later, view(['t1'], [key]));
    expect(out.events).toEqual([]);
    expect(out.steps).toEqual([{ key, resolve: { reason: 'tranche on the payer’s clock', at: later } }]);
    // Not open: nothing to close.
    expect(contractAnnouncements(contract, [], announced, later, view(['t1'])).steps).toEqual([]);
  });

  it('a tranche the clock let go of (overdue, announced, no step open) opens its trancheOverdue step', () => {
    const announced = contractAnnouncements(contract, [], {}, overdueAt, view(['t1'])).announced;
    const later = overdueAt + 3 * DAY;
    const out = contractAnnouncements(contract, [], announced, later, view([]));
    expect(out.events).toEqual([]);
    expect(out.steps).toEqual([t1Opened]);
    // Open already, or a change of it queued: left alone.
    expect(contractAnnouncements(contract, [], announced, later, view([], [key])).steps).toEqual([]);
    expect(contractAnnouncements(contract, [], announced, later, view([], [], [key])).steps).toEqual([]);
  });
});
