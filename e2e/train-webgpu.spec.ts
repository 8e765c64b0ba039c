import { expect, test } from './fixtures';

// WebGPU on SwiftShader needs ~20–60 s per training step here, so this only proves that training
// really runs on webgpu in the browser, and that losing the device moves it to WebGL: step 1 on
// webgpu, then ?fault=device-loss@1 reports the device lost (the same handler as a real loss)
// and step 2 runs on webgl from the checkpoint of step 1.
test('training runs on WebGPU and survives a lost device on WebGL', async ({ app, page }) => {
  test.setTimeout(600_000);
  await app.openTrainTab('webgpu', 'fault=device-loss@1');
  await app.fillTrainSettings({ Batch: 1, Steps: 2, 'Preview every': 0, 'Autosave every': 1 });
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('running');
  await expect(page.getByText(/on webgpu/)).toBeVisible();

  await expect(page.getByRole('alert')).toContainText('The WebGPU device was lost', {
    timeout: 300_000,
  });
  await expect(page.getByTestId('backend-name')).toHaveText('webgl', { timeout: 60_000 });
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 300_000 });
  await expect(page.getByText(/on webgl/)).toBeVisible();
  await expect(page.getByTestId('train-step')).toHaveText('2 / 2');
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '2', {
    timeout: 10_000,
  });
  expect(app.consoleErrors).toEqual([]);
});

// After its first step, a WebGPU run replays that step's recorded GPU commands with new inputs
// (ml/replay): the page says so, and the steps train as before.
test('WebGPU steps after the first are replayed from a recording', async ({ app, page }) => {
  test.setTimeout(600_000);
  await app.openTrainTab('webgpu');
  await app.fillTrainSettings({ Batch: 1, Steps: 3, 'Preview every': 0, 'Autosave every': 0 });
  await app.trainNewModel();
  // Not the status first: the loaded default model reads "finished" until the new run starts.
  await expect(page.getByTestId('train-step')).toHaveText('3 / 3', { timeout: 500_000 });
  await expect(page.getByTestId('train-status')).toHaveText('finished');
  await expect(page.getByTestId('train-replay')).toHaveText(
    // GPU/step: timestamp queries, which Chromium has here (ml/replay/gpu-step-timer.ts).
    /^replayed from a recording \(\d+ programs, \d+ copies\) · [\d.]+ ms JS\/step · [\d.]+ ms GPU\/step$/,
  );
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '3');
  // Steps are whole numbers, on the axis too (no tick at step 1.5).
  await expect(
    page.getByTestId('loss-chart').locator('.recharts-xAxis-tick-labels text'),
  ).toHaveText(['1', '2', '3']);
  await page.screenshot({ path: test.info().outputPath('replayed.png') });
  expect(app.consoleErrors).toEqual([]);
});
