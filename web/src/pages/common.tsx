// Pieces shared by the pages.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { CheckpointState, TrancheState } from '../../../domain/status';
import type { ContractStatus, EscalationState, Severity } from '../types';
import type { Tone } from '../ui';

/** The page's h1; takes the focus when the page opens, so screen readers announce the new page. */
export function PageTitle({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <div class="page-title">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {sub}
    </div>
  );
}

// Each state's badge colour, typed by its list in domain/: a state added without one fails the typecheck.
const CONTRACT_TONE: Record<ContractStatus, Tone> = {
  active: 'info',
  completed: 'ok',
  closed: 'bad',
  terminated: 'muted',
};
const SEVERITY_TONE: Record<Severity, Tone> = { critical: 'bad', warning: 'warn', info: 'info' };
const ESCALATION_TONE: Record<EscalationState, Tone> = {
  open: 'bad',
  acknowledged: 'warn',
  resolved: 'ok',
  superseded: 'muted',
};
export const CHECKPOINT_TONE: Record<CheckpointState, Tone> = {
  met: 'ok',
  missed: 'bad',
  recovered: 'warn',
  pending: 'muted',
};
export const TRANCHE_TONE: Record<TrancheState, Tone> = { paid: 'ok', overdue: 'bad', upcoming: 'muted' };

export const statusTone = (status: ContractStatus) => CONTRACT_TONE[status];
export const severityTone = (severity: Severity) => SEVERITY_TONE[severity];
export const escalationTone = (state: EscalationState) => ESCALATION_TONE[state];
