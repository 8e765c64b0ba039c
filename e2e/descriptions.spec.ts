import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Every control a learner can reach (button, input, select) carries a one-line description: a
 * tooltip (title) or an accessible description (aria-description, aria-describedby). Returns the ones without, by
 * their accessible name.
 */
function undescribedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
        .join('');
    const controls = [...document.querySelectorAll<HTMLElement>('button, input, select')].filter(
      (el) => el.getClientRects().length > 0 && !el.closest('dialog:not([open])'),
    );
    return controls
      .filter(
        (el) =>
          !el.title.trim() &&
          !el.getAttribute('aria-description')?.trim() &&
          !text(el.getAttribute('aria-describedby')),
      )
      .map(
        (el) =>
          `${el.tagName.toLowerCase()} “${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}”`,
      );
  });
}

for (const tab of ['Forward process', 'Train', 'Sample'] as const) {
  test(`every control on the ${tab} tab has a one-line description`, async ({ app, page }) => {
    test.setTimeout(180_000);
    await app.openOn('wasm');
    await app.waitForFrame('500');
    await page.getByRole('tab', { name: new RegExp(tab) }).click();
    if (tab === 'Train') await app.waitForDefaultModel();
    if (tab === 'Sample') {
      await expect(page.getByTestId('model-card')).toBeVisible();
      // Variance shows only for DDPM: both sampler forms.
      expect(await undescribedControls(page)).toEqual([]);
      await page
        .getByRole('combobox', { name: 'Sampler', exact: true })
        .first()
        .selectOption('ddpm');
    }
    if (tab === 'Forward process') {
      for (const source of ['Draw', 'Image file']) {
        await page.getByRole('tab', { name: source, exact: true }).click();
        expect(await undescribedControls(page), source).toEqual([]);
      }
      await page.getByRole('tab', { name: 'MNIST digit', exact: true }).click();
    }
    expect(await undescribedControls(page)).toEqual([]);
  });
}

test('every control on the other tabs has a one-line description', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.openOn('wasm');
  const tabs = page.getByRole('tablist', { name: 'Sections' }).getByRole('tab');
  const names = (await tabs.allInnerTexts()).slice(3);
  for (const name of names) {
    await page.getByRole('tab', { name, exact: true }).click();
    await expect(page.getByRole('tabpanel', { name })).toBeVisible();
    await expect(page.getByRole('tabpanel', { name }).getByRole('button').first()).toBeVisible();
    expect(await undescribedControls(page), name).toEqual([]);
  }
});
