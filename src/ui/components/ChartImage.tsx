import type { ReactNode } from 'react';

/**
 * A chart as one picture with a sentence for screen readers (ui/chart-summaries.ts). The charts
 * inside are built without recharts' keyboard layer, so they are no focus stops of their own.
 */
export function ChartImage({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={summary} className="chart-image">
      {children}
    </div>
  );
}
