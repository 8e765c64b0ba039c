import { expect, test } from './fixtures';

// A new model from the pretrained one's page gets the recommended recipe: the quality meter runs on its own (≤ 10 % of the
// time) and charts class accuracy against training time. Whether and when digits pass 80 % is
// a benchmark (scripts/bench-time-to-digits-ui.mjs), not a test.
test('the recommended recipe trains with the quality meter on, charting accuracy against time', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm');
  await expect(page.getByLabel('Quality meter', { exact: true })).toBeVisible();
  // The pretrained model's own settings fill the form; "New model" left as it is starts from
  // the recommended recipe instead of that model's long one.
  await expect(page.getByLabel('Model preset')).toHaveValue('tiny');
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('running');
  await expect(page.getByLabel('Model preset')).toHaveValue('micro');
  await expect(page.getByLabel('Prediction target')).toHaveValue('x0');
  await expect(page.getByLabel('Quality meter', { exact: true })).toHaveValue('auto');
  const chart = page.getByTestId('accuracy-chart');
  await expect(chart).toContainText('appears here as training runs');
  await expect(chart).toHaveAttribute('data-points', '1', { timeout: 180_000 });
  const row = page.getByTestId('train-quality').locator('tbody tr').first();
  await expect(row.locator('td').nth(1)).toHaveText(/^\d+%$/);
  // Measured after about 20 s of training, the clock stopped while scoring.
  const trainingTime = await row.locator('td').nth(5).innerText();
  expect(trainingTime).toMatch(/^(2\d|3\d) s$/);
  const took = parseFloat(await row.locator('td').nth(6).innerText());
  console.log(`first quality measurement at ${trainingTime} of training, took ${took} s`);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 60_000 });
});
