import { expect, test } from './fixtures';

// WAI-ARIA tabs: one tab stop, arrows and Home/End move and select; the tab survives a reload.
test('the main tabs work from the keyboard and come back after a reload', async ({ app, page }) => {
  await app.openOn('wasm');
  // Canvases say what they show, with the live numbers.
  await expect(page.getByTestId('xt-canvas')).toHaveAttribute(
    'aria-label',
    'x_t of MNIST digit 7 at t = 500: 0.28 of the digit plus 0.96 of the noise',
  );
  const forward = page.getByRole('tab', { name: /Forward process/ });
  await forward.focus();
  await expect(forward).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('tab', { name: /Train/ })).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('ArrowRight');
  const train = page.getByRole('tab', { name: /Train/ });
  await expect(train).toHaveAttribute('aria-selected', 'true');
  await expect(train).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: /Train/ })).toBeVisible();
  // Each tab opens with what the learner is looking at.
  await expect(page.getByTestId('explainer-train')).toContainText('Training objective');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: /Sample/ })).toBeFocused();
  await expect(page.getByTestId('explainer-sample')).toContainText('The reverse process');
  await page.keyboard.press('ArrowRight');
  await expect(forward).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('explainer-forward')).toContainText('forward process');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('sample');
  await page.reload();
  await expect(page.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Measure quality' })).toBeVisible();
});
