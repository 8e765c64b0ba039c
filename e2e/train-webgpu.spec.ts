import { expect, test } from './fixtures';

// WebGPU on SwiftShader needs ~20–60 s per training step here, so this only proves that training
// really runs on webgpu in the browser: two steps at batch 1, and the loss reaches the chart.
test('training runs on WebGPU in the browser', async ({ app, page }) => {
  test.setTimeout(600_000);
  await app.openOn('webgpu');
  await page.getByRole('tab', { name: /Train/ }).click();
  await app.waitForDefaultModel();
  await page.getByLabel('Batch').fill('1');
  await page.getByLabel('Steps', { exact: true }).fill('2');
  await page.getByLabel('Preview every').fill('0');
  await page.getByLabel('Autosave every').fill('0');
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('running');
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 540_000 });
  await expect(page.getByText(/on webgpu/)).toBeVisible();
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '2', {
    timeout: 10_000,
  });
  expect(app.consoleErrors).toEqual([]);
});
