// What a contract announces when time or a change moves its checkpoints and tranches: an audit
// event per state change, a notice to the parties where domain/notices has one (a stall is told by
// its escalation ladder's first level instead), and the money steps to hand to the escalation engine
// (opened when a checkpoint is missed or a tranche overdue, resolved when met, paid or removed).
// Pure: the contract workflow calls it, keys the events and notices, and queues the steps.
import type { Contract } from './contract';
import { stepDueAt, type StepKind } from './escalation';
import type { StepResolution } from './events';
import { announcedKey, parseAnnouncedKey, stepKey, stepReference, type Announced } from './ids';
import { checkpointNotice, checkpointStepSummary, trancheNotice, trancheStepSummary, type Notice } from './notices';
import { contractFigures, moneyStepHeldUntil, type LedgerInput } from './status';

/** A stalled step to open, as the escalation engine takes it (its id is given when it opens). */
export interface StepOpening {
  contractId: string;
  contractTitle: string;
  kind: StepKind;
  /** What stalled (domain/ids stepReference). */
  reference: string;
  /** When the step fell due, epoch ms (its hold begins). */
  dueAt: number;
  summary: ReturnType<typeof checkpointStepSummary>;
}

/** A change of a stalled step, by its key among the contract's steps (domain/ids stepKey). */
export interface StepChange<Opening = StepOpening> {
  key: string;
  open?: Opening;
  /** `at`: when the step's condition was met, epoch ms (may be before it was announced). */
  resolve?: { reason: StepResolution; at: number };
}

export interface Announcements {
  /** The last status announced per checkpoint and tranche (domain/ids announcedKey → status), after these. */
  announced: Record<string, string>;
  /** Audit events, `<checkpoint|tranche>.<status>`; `subject` (the announced key) tells apart events of one kind. */
  events: Array<{ kind: string; subject: string; payload: Record<string, unknown> }>;
  /** Notices to the parties, each of the announced key reaching `status`. */
  notices: Array<{ subject: string; status: string; notice: Notice }>;
  steps: StepChange[];
}

/**
 * What the payer's clock (workflows/payment-clock.ts) tells the announcements: the tranches it
 * watches (basis acceptance, released on application or after an approval) — late from the
 * clock's deadline, not their due date, so their paymentOverdue step climbs and no trancheOverdue
 * opens for them — and which steps are open now.
 */
export interface PayerClockView {
  watched: ReadonlySet<string>;
  isOpen: (stepKey: string) => boolean;
  /** Step keys with a change queued already (not yet handed over): left to it. */
  queued: ReadonlySet<string>;
}

/**
 * What changed since `announced` (the last status announced per checkpoint and tranche) at `now`
 * (epoch ms): a status is announced once, and a checkpoint or tranche that is still pending or
 * upcoming when first seen is not announced at all. A checkpoint or tranche an amendment removed
 * is forgotten and its step resolved. Calling it again with the `announced` it answered announces
 * nothing more.
 */
export function contractAnnouncements(
  contract: Contract,
  ledger: LedgerInput,
  announced: Readonly<Record<string, string>>,
  now: number,
  clock?: PayerClockView,
): Announcements {
  const figures = contractFigures(contract, ledger, now);
  const out: Announcements = { announced: { ...announced }, events: [], notices: [], steps: [] };
  const track = (
    what: Announced,
    id: string,
    status: string,
    payload: Record<string, unknown>,
    notice: Notice | undefined,
    step: {
      kind: StepKind;
      stalled: boolean;
      dueAt: number;
      summary: StepOpening['summary'];
      coveredOn: string | null;
      /** Why the step resolves when the status is not a stall: the checkpoint or tranche reached it. */
      resolution: StepResolution;
    },
  ) => {
    const key = announcedKey(what, id);
    const previous = out.announced[key];
    if (previous === status || (previous === undefined && (status === 'pending' || status === 'upcoming'))) return;
    out.announced[key] = status;
    out.events.push({ kind: `${what}.${status}`, subject: key, payload });
    if (notice && !step.stalled) out.notices.push({ subject: key, status, notice });
    const reference = stepReference([id]);
    const changeKey = stepKey(step.kind, reference);
    if (step.stalled) {
      out.steps.push({
        key: changeKey,
        open: {
          contractId: contract.id,
          contractTitle: contract.title,
          kind: step.kind,
          reference,
          dueAt: step.dueAt,
          summary: step.summary,
        },
      });
    } else {
      // Money can be recorded after it arrived: the step was held until the day it arrived.
      out.steps.push({
        key: changeKey,
        resolve: { reason: step.resolution, at: step.coveredOn ? moneyStepHeldUntil(step.coveredOn, now) : now },
      });
    }
  };
  for (const c of figures.checkpoints) {
    track('checkpoint', c.id, c.status, { ...c }, checkpointNotice(contract, c, now), {
      kind: 'paymentShortfall',
      stalled: c.status === 'missed',
      dueAt: stepDueAt(contract.checkpoints.find((d) => d.id === c.id)?.byAt ?? now),
      summary: checkpointStepSummary(c, now),
      coveredOn: c.coveredOn,
      resolution: `checkpoint ${c.status}`,
    });
  }
  // An amendment may remove a checkpoint or tranche: its stall ends with it.
  const current = new Set([
    ...figures.checkpoints.map((c) => announcedKey('checkpoint', c.id)),
    ...figures.tranches.map((t) => announcedKey('tranche', t.id)),
  ]);
  for (const key of Object.keys(out.announced)) {
    if (current.has(key)) continue;
    delete out.announced[key];
    // Parsed, not split: a checkpoint id may hold any separator.
    const { what, id } = parseAnnouncedKey(key)!;
    const kind: StepKind = what === 'checkpoint' ? 'paymentShortfall' : 'trancheOverdue';
    out.steps.push({
      key: stepKey(kind, stepReference([id])),
      resolve: { reason: `${what} removed by amendment`, at: now },
    });
  }
  for (const t of figures.tranches) {
    const onClock = clock?.watched.has(t.id) ?? false;
    const dueAt = stepDueAt(contract.tranches.find((d) => d.id === t.id)?.dueAt ?? now);
    const stalled = t.status === 'overdue' && !onClock;
    track('tranche', t.id, t.status, { ...t }, onClock ? undefined : trancheNotice(contract, t, now), {
      kind: 'trancheOverdue',
      stalled,
      dueAt,
      summary: trancheStepSummary(t, now),
      coveredOn: t.paidOn,
      resolution: `tranche ${t.status}`,
    });
    // The watcher changed while the status did not (an amendment of its release or the terms):
    // the trancheOverdue step follows (known only with the clock's view of the open steps).
    const key = stepKey('trancheOverdue', stepReference([t.id]));
    if (!clock || clock.queued.has(key) || out.steps.some((c) => c.key === key)) continue;
    const open = clock.isOpen(key);
    if (open && !stalled) out.steps.push({ key, resolve: { reason: 'tranche on the payer’s clock', at: now } });
    else if (!open && stalled && out.announced[announcedKey('tranche', t.id)] === 'overdue') {
      const reference = stepReference([t.id]);
      out.steps.push({
        key,
        open: {
          contractId: contract.id,
          contractTitle: contract.title,
          kind: 'trancheOverdue',
          reference,
          dueAt,
          summary: trancheStepSummary(t, now),
        },
      });
    }
  }
  return out;
}
