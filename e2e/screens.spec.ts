import { expect, test } from './fixtures';

const WIDTHS = [390, 768, 1024, 1366, 1920];

// The screens that only appear after an action, at every width: the schedule's notes with zero
// terminal SNR, the draw pad with its keyboard cursor, the quality meter mid-measurement.
// Screenshots go to the test's output folder, to be looked at.
for (const width of WIDTHS) {
  test(`action screens at ${width} px`, async ({ app, page }, info) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height: 900 });
    await app.openOn('wasm');
    await app.waitForFrame('500');
    const T = page.getByLabel('Number of timesteps T');
    await T.fill('50');
    await T.press('Enter');
    await expect(page.getByTestId('schedule-end-note')).toBeVisible();
    await page.screenshot({
      path: info.outputPath(`forward-end-note-${width}.png`),
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Rescale to zero terminal SNR' }).click();
    await expect(page.getByTestId('schedule-zero-snr-note')).toBeVisible();
    await page.getByRole('tab', { name: 'Draw' }).click();
    await page.getByTestId('draw-pad').focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('pad-cursor')).toBeVisible();
    await app.expectNoHorizontalOverflow(`forward at ${width}px`);
    await page.screenshot({
      path: info.outputPath(`forward-zero-snr-pad-${width}.png`),
      fullPage: true,
    });

    await page.getByRole('tab', { name: /Train/ }).click();
    await app.waitForDefaultModel();
    await page.getByLabel('Training zero terminal SNR').check();
    await page.getByLabel('Prediction target').selectOption('epsilon');
    await expect(page.getByTestId('zero-snr-epsilon-warning')).toBeVisible();
    await app.expectNoHorizontalOverflow(`train at ${width}px`);
    await page.screenshot({ path: info.outputPath(`train-zero-snr-${width}.png`), fullPage: true });

    await page.getByRole('tab', { name: /Sample/ }).click();
    await expect(page.getByTestId('model-card')).toBeVisible();
    await page.getByLabel('Samples to score').fill('500');
    await page.getByRole('button', { name: 'Measure quality' }).click();
    await expect(page.getByTestId('quality-progress')).toContainText('sampling', {
      timeout: 60_000,
    });
    await app.expectNoHorizontalOverflow(`sample at ${width}px`);
    await page
      .getByRole('region', { name: 'Quality meter' })
      .screenshot({ path: info.outputPath(`sample-quality-${width}.png`) });
    await page.getByRole('button', { name: 'Cancel measurement' }).click();
    await expect(page.getByTestId('quality-progress')).toHaveText('Measurement cancelled.');
  });
}
