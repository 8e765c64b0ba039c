import { expect, test } from './fixtures';

const WIDTHS = [390, 768, 1024, 1366, 1920];
const TABS = ['Forward process', 'Train', 'Sample'] as const;

// No horizontal scrolling at any common width, on any tab; screenshots land in test-results/ to
// be looked at.
for (const width of WIDTHS) {
  test(`no horizontal overflow at ${width} px`, async ({ app, page }, info) => {
    await page.setViewportSize({ width, height: 900 });
    await app.openOn('wasm');
    await app.waitForFrame('500');
    for (const tab of TABS) {
      await page.getByRole('tab', { name: new RegExp(tab) }).click();
      if (tab === 'Train') await app.waitForDefaultModel();
      if (tab === 'Sample') await expect(page.getByTestId('model-card')).toBeVisible();
      await page.waitForTimeout(300);
      await page.screenshot({
        path: info.outputPath(`${tab.split(' ')[0]!.toLowerCase()}-${width}.png`),
        fullPage: true,
      });
      await app.expectNoHorizontalOverflow(`${tab} at ${width}px`);
    }
  });
}
