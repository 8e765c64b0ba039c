import { expect, test } from './fixtures';

// A schedule that ends with the digit still visible offers zero terminal SNR; rescaled, its last
// step is pure noise, and a model trained on it samples to the end.
test('zero terminal SNR: offered by the note, shown, trained and sampled', async ({
  app,
  page,
}) => {
  test.setTimeout(480_000);
  await app.openOn('wasm');
  await app.waitForFrame('500');
  const T = page.getByLabel('Number of timesteps T');
  await T.fill('50');
  await T.press('Enter');
  await expect(page.getByTestId('schedule-end-note')).toContainText('0.78·x₀ + 0.63·ε');
  await page.getByRole('button', { name: 'Rescale to zero terminal SNR' }).click();
  await expect(page.getByTestId('schedule-end-note')).toBeHidden();
  await expect(page.getByTestId('schedule-zero-snr-note')).toContainText(
    'without rescaling it would be 0.78·x₀ + 0.63·ε',
  );
  await expect(page.getByLabel('Zero terminal SNR', { exact: true })).toBeChecked();
  await app.slider().focus();
  await page.keyboard.press('End');
  await app.waitForFrame('49');
  await expect(page.getByTestId('alpha-bar')).toHaveText('0');
  await expect(page.getByTestId('xt-canvas')).toHaveAttribute(
    'aria-label',
    /at t = 49: 0 of the digit plus 1 of the noise/,
  );
  // Unticked, the plain schedule and its note come back.
  await page.getByLabel('Zero terminal SNR', { exact: true }).uncheck();
  await expect(page.getByTestId('schedule-end-note')).toBeVisible();
  await expect(page.getByTestId('alpha-bar')).not.toHaveText('0');

  // Training: part of the schedule. ε with it is warned about; v is not.
  await page.getByRole('tab', { name: /Train/ }).click();
  await app.waitForDefaultModel();
  await app.fillTrainSettings({ 'Training T': 50, Batch: 2, Steps: 3, 'Preview every': 0 });
  await page.getByLabel('Training zero terminal SNR').check();
  await page.getByLabel('Prediction target').selectOption('epsilon');
  await expect(page.getByTestId('zero-snr-epsilon-warning')).toContainText(
    'Lin et al. recommend v-prediction',
  );
  await page.getByLabel('Prediction target').selectOption('v');
  await expect(page.getByTestId('zero-snr-epsilon-warning')).toBeHidden();
  await page.getByLabel('Prediction target').selectOption('epsilon');
  await page.getByLabel('Quality meter', { exact: true }).selectOption('off');
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 300_000 });
  await expect(page.getByText('(zero terminal SNR)')).toBeVisible();

  // Sampling an ε-model at ᾱ = 0 runs to the end with a picture (NaN would draw all black; three
  // training steps make no digits, only some image).
  await page.getByRole('tab', { name: /Sample/ }).click();
  await expect(page.getByTestId('sample-zero-snr-epsilon')).toBeVisible();
  await page.getByLabel('Samples', { exact: true }).fill('4');
  await page.getByLabel('Steps', { exact: true }).fill('10');
  for (const sampler of ['ddim', 'ddpm']) {
    await page.getByLabel('Sampler', { exact: true }).selectOption(sampler);
    await page.getByRole('button', { name: 'Sample', exact: true }).click();
    await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
    await expect(page.getByTestId('sample-progress')).toContainText('step 10 of 10 · t = 4 → -1');
    expect(new Set(await app.pixels('sample-xt')).size).toBeGreaterThan(1);
  }

  // The quality meter says how far it is and stops on Cancel.
  await page.getByLabel('Samples to score').fill('400');
  await page.getByRole('button', { name: 'Measure quality' }).click();
  const progress = page.getByTestId('quality-progress');
  await expect(progress).toContainText(/sampling \d+ of 400 digits \(step \d+ of 20\)/, {
    timeout: 120_000,
  });
  await page.getByRole('button', { name: 'Cancel measurement' }).click();
  await expect(progress).toHaveText('Measurement cancelled.');
  await expect(page.getByRole('button', { name: 'Measure quality' })).toBeEnabled();
  await expect(page.getByTestId('quality-report')).toBeHidden();
});

// DDPM with all 1000 steps of the shipped model in the player: progress as it goes, and Cancel.
test('DDPM-1000 in the player shows its progress and can be cancelled', async ({ app, page }) => {
  await app.openOn('wasm');
  await app.waitForFrame('500');
  await page.getByRole('tab', { name: /Sample/ }).click();
  await expect(page.getByTestId('model-card')).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Sampler', { exact: true }).selectOption('ddpm');
  await page.getByLabel('Samples', { exact: true }).fill('4');
  await page.getByLabel('Steps', { exact: true }).fill('1000');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  const progress = page.getByTestId('sample-progress');
  await expect(progress).toContainText(/step ([2-9]|\d\d+) of 1000/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('cancelled');
  const stopped = await progress.innerText();
  await page.waitForTimeout(1000);
  await expect(progress).toHaveText(stopped);
});
