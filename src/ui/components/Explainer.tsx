import type { ReactNode } from 'react';

/** "What you are looking at": a short, closable explanation at the top of a panel. */
export function Explainer({ id, children }: { id: string; children: ReactNode }) {
  return (
    <details className="card explainer" open data-testid={`explainer-${id}`}>
      <summary>What you are looking at</summary>
      {children}
    </details>
  );
}
