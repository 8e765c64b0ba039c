import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

// WCAG 2.1 A/AA with axe-core on every tab: no serious or critical violation.
for (const tab of ['Forward process', 'Train', 'Sample'] as const) {
  test(`axe: no serious or critical violations on the ${tab} tab`, async ({ app, page }) => {
    await app.openOn('wasm');
    await app.waitForFrame('500');
    await page.getByRole('tab', { name: new RegExp(tab) }).click();
    if (tab === 'Train') await app.waitForDefaultModel();
    if (tab === 'Sample') await expect(page.getByTestId('model-card')).toBeVisible();
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const summary = bad.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    console.log(
      `${tab}: ${results.violations.length} violations, ${bad.length} serious or critical`,
    );
    expect(summary).toEqual([]);
  });
}
