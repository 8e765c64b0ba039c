import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

// The system's dark setting gives the dark theme: every tab, the glossary and the tour stay
// axe-clean (contrast included), and screenshots at a phone's and a laptop's width are saved in
// test-results/ to be looked at.
test.use({ colorScheme: 'dark' });

const TABS = ['Forward process', 'Train', 'Sample'] as const;

for (const width of [390, 1366]) {
  test(`dark theme at ${width} px: every tab axe-clean`, async ({ app, page }, info) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height: 900 });
    await app.openOn('wasm');
    await app.waitForFrame('500');
    const bg = await page.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );
    expect(bg).toBe('rgb(15, 23, 42)');
    for (const tab of TABS) {
      await page.getByRole('tab', { name: new RegExp(tab) }).click();
      if (tab === 'Train') {
        await app.waitForDefaultModel();
        await expect(page.getByTestId('loss-chart')).toBeVisible();
      }
      if (tab === 'Sample') {
        await expect(page.getByTestId('model-card')).toBeVisible();
        await page.getByRole('button', { name: 'Sample', exact: true }).click();
        await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
      }
      const name = tab.split(' ')[0]!.toLowerCase();
      expect(await seriousViolations(page, `dark ${name} ${width}px`)).toEqual([]);
      await page.screenshot({ path: info.outputPath(`dark-${name}-${width}.png`), fullPage: true });
    }
    // The tabs after the first three (Create, 2-D lab …), whatever they are.
    const names = (
      await page.getByRole('tablist', { name: 'Sections' }).getByRole('tab').allInnerTexts()
    ).slice(3);
    for (const name of names) {
      await page.getByRole('tab', { name, exact: true }).click();
      await expect(page.getByRole('tabpanel', { name }).getByRole('button').first()).toBeVisible();
      const slug = name.replace(/\W+/g, '-').replace(/^-|-$/g, '').toLowerCase();
      expect(await seriousViolations(page, `dark ${slug} ${width}px`)).toEqual([]);
      await page.screenshot({ path: info.outputPath(`dark-${slug}-${width}.png`), fullPage: true });
    }
    await page.getByRole('button', { name: 'Glossary', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Glossary' })).toBeVisible();
    expect(await seriousViolations(page, `dark glossary ${width}px`)).toEqual([]);
    await page.screenshot({ path: info.outputPath(`dark-glossary-${width}.png`) });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Tour', exact: true }).click();
    await page.getByTestId('tour').getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('t-value')).toHaveText('599');
    expect(await seriousViolations(page, `dark tour ${width}px`)).toEqual([]);
    await page.screenshot({ path: info.outputPath(`dark-tour-${width}.png`) });
  });
}
