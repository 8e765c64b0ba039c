import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

// A fresh browser: the tour is not marked as seen, so it must start on its own.
test.use({ tourSeen: false });

const STEPS = 10;

test('the first visit starts the tour, which walks forward → sample → train live', async ({
  app,
  page,
}) => {
  test.setTimeout(240_000);
  await app.openOn('wasm');
  await expect(page.getByRole('dialog', { name: 'Welcome' })).toBeVisible();
  await expect(page.getByTestId('tour-count')).toContainText(`Step 1 of ${STEPS}`);
  // Focus moved into the dialog; its ring marks the tabs.
  await expect(page.locator('#tour-title')).toBeFocused();
  await expect(page.getByTestId('tour-ring')).toBeVisible();
  expect(await seriousViolations(page, 'tour')).toEqual([]);

  // Scoped to the tour: other panels have buttons named Next too.
  const tour = page.getByTestId('tour');
  const next = tour.getByRole('button', { name: 'Next' });
  await next.click();
  // Step 2 moves t itself: from 0 up to 60 % of T − 1, and x_t follows.
  await expect(page.getByRole('dialog', { name: 'The forward process' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Forward/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('t-value')).toHaveText('599');
  await app.waitForFrame('599');
  await expect(page.getByTestId('tour-live-mix')).toContainText('t = 599');

  // Back and forth work, and the count follows.
  await tour.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByTestId('tour-count')).toContainText(`Step 1 of ${STEPS}`);
  await next.click();
  await next.click();
  await expect(page.getByRole('dialog', { name: 'Your turn: move t' })).toBeVisible();
  await app.slider().focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tour-live-mix')).toContainText(/t = 600\b/);

  await next.click();
  // Step 4 switches to Sample and runs a DDIM sample from the pretrained model.
  await expect(page.getByRole('dialog', { name: 'Sampling: noise to digits' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('sample-progress')).toContainText('step 20 of 20');
  await expect(page.getByTestId('tour-live-sample')).toContainText('Done');
  expect(await seriousViolations(page, 'tour, sampling step')).toEqual([]);

  await next.click();
  await expect(page.getByRole('dialog', { name: 'Sampling settings' })).toBeVisible();
  await next.click();
  await expect(page.getByRole('dialog', { name: 'Training a denoiser' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Train/ })).toHaveAttribute('aria-selected', 'true');
  // The ring sits on the Train more / Train button.
  const start = page.getByRole('region', { name: 'Training controls' }).locator('button.primary');
  await expect
    .poll(async () => {
      const [ring, button] = [
        await page.getByTestId('tour-ring').boundingBox(),
        await start.boundingBox(),
      ];
      return ring && button ? Math.round(button.x - ring.x) : null;
    })
    .toBe(6);
  await next.click();
  await expect(page.getByRole('dialog', { name: 'The loss chart' })).toBeVisible();
  await next.click();
  await expect(page.getByRole('dialog', { name: 'Create with the model' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Create/ })).toHaveAttribute('aria-selected', 'true');
  await next.click();
  await expect(page.getByRole('dialog', { name: 'The 2-D lab' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /2-D lab/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: 'Train a denoiser' })).toBeVisible();
  await next.click();
  await expect(page.getByTestId('tour-count')).toContainText(`Step ${STEPS} of ${STEPS}`);
  await tour.getByRole('button', { name: 'Finish' }).click();
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Tour', exact: true })).toBeFocused();

  // Seen: a reload does not start it again.
  await page.reload();
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('tour')).toHaveCount(0);

  // Replayed from the header, and skipped with Escape; focus returns to the button.
  await page.getByRole('button', { name: 'Tour', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Welcome' })).toBeVisible();
  await next.click();
  await expect(page.getByTestId('tour-count')).toContainText(`Step 2 of ${STEPS}`);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Tour', exact: true })).toBeFocused();
});

test('the tour fits a 390 px phone and can be skipped with its button', async ({ app, page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await app.openOn('wasm');
  const dialog = page.getByTestId('tour');
  await expect(dialog).toBeVisible();
  for (let i = 0; i < 3; i++) {
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844).toBe(true);
    await dialog.getByRole('button', { name: 'Next' }).click();
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await dialog.getByRole('button', { name: 'Skip tour' }).click();
  await expect(dialog).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(dialog).toHaveCount(0);
});
