import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/**
 * axe-core with WCAG 2.1 A/AA: the serious or critical violations, one line each (empty: clean).
 * Logs the counts with `what`, for the notes.
 */
export async function seriousViolations(page: Page, what: string): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(
    `${what}: ${results.violations.length} violations, ${bad.length} serious or critical`,
  );
  return bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join()}`);
}
