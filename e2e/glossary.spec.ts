import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

test('the glossary opens from the header on every tab, filters, and links from the text', async ({
  app,
  page,
}) => {
  await app.openOn('wasm');
  const dialog = page.getByRole('dialog', { name: 'Glossary' });
  const button = page.getByRole('button', { name: 'Glossary', exact: true });
  for (const tab of ['Forward process', 'Train', 'Sample']) {
    await page.getByRole('tab', { name: new RegExp(tab) }).click();
    await button.click();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('term').first()).toHaveText('Forward process');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(button).toBeFocused();
  }

  await button.click();
  expect(await seriousViolations(page, 'glossary')).toEqual([]);
  const filter = dialog.getByRole('searchbox', { name: 'Filter the glossary' });
  await filter.fill('trailing');
  await expect(dialog.getByRole('term')).toHaveText(['Spacing (leading / trailing / linspace)']);
  await expect(dialog).toContainText('round(arange(T, 0, −T/n)) − 1');
  await filter.fill('zzzz');
  await expect(dialog).toContainText('No entry matches.');
  await filter.fill('');
  // "See:" links jump to the related entry.
  const eta = dialog.locator('#glossary-eta');
  await dialog
    .locator('.glossary-entry', { has: page.locator('#glossary-ddim') })
    .getByRole('button', { name: 'η (eta)' })
    .click();
  await expect(eta).toBeFocused();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // A term in the Sample tab's explanation opens its entry.
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByTestId('explainer-sample').getByRole('link', { name: 'DDIM' }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('#glossary-ddim')).toBeFocused();
  await expect(dialog.locator('#glossary-ddim')).toBeInViewport();
});
