// Pieces shared by the pages.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ContractStatus, EscalationState, Severity } from '../types';

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

export const statusTone = (status: ContractStatus) =>
  status === 'active' ? 'info' : status === 'completed' ? 'ok' : status === 'closed' ? 'bad' : 'muted';

export const severityTone = (severity: Severity) => (severity === 'critical' ? 'bad' : severity === 'warning' ? 'warn' : 'info');

export const escalationTone = (state: EscalationState) =>
  state === 'open' ? 'bad' : state === 'acknowledged' ? 'warn' : state === 'resolved' ? 'ok' : 'muted';
