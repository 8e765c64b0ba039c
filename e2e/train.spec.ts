import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

const STEPS = 120;

// WebGPU on SwiftShader takes ~20 s per training step on these machines, so the training flow
// runs on wasm, the CPU training backend (unit tests cover the math on every path).
test('train on wasm, watch loss and previews, pause, reload, download, load back', async ({
  app,
  page,
}) => {
  test.setTimeout(600_000);
  await app.openTrainTab('wasm');
  // Long tasks are counted from here: the page is loaded and the charts are mounted.
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await app.watchLongTasks();
  // Enough steps that Pause lands mid-run: a wasm step at batch 4 takes ~0.1–0.3 s here.
  await app.fillTrainSettings({
    Batch: 4,
    Steps: STEPS,
    'Preview every': 12,
    'Autosave every': 12,
  });
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('running');
  const chart = page.getByTestId('loss-chart');
  // The chart starts again with the new model: a few points, not the default model's history
  // (a bare "fewer than STEPS + 1" would already hold at 0).
  await expect
    .poll(
      async () => {
        const n = Number(await chart.getAttribute('data-points'));
        return n >= 1 && n <= STEPS;
      },
      { timeout: 60_000 },
    )
    .toBe(true);

  // The loss chart grows and the first preview (from the EMA weights) arrives at step 12.
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 300_000 })
    .toBeGreaterThan(12);
  await expect(page.getByTestId('preview-canvas')).toHaveAttribute('data-frame', '12', {
    timeout: 300_000,
  });
  await expect(chart.locator('.recharts-line path').first()).toHaveAttribute('d', /M.+L.+L/);
  await expect(page.getByTestId('steps-per-sec')).not.toHaveText('–');
  // The charts' "appears once training runs" notes are gone.
  for (const id of ['loss-chart', 'bucket-chart', 'throughput-chart'])
    await expect(page.getByTestId(id).locator('.chart-empty')).toHaveCount(0);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 120_000 });
  const step = Number((await page.getByTestId('train-step').innerText()).split('/')[0]);
  expect(step).toBeGreaterThanOrEqual(12);
  expect(step).toBeLessThan(STEPS);
  const longTasks = await app.longTasks();
  console.log('long tasks while training (ms):', longTasks.map(Math.round).join(', ') || 'none');
  expect(Math.max(0, ...longTasks)).toBeLessThan(100);

  // A reload brings back the model, its optimiser step and the loss history from IndexedDB.
  await page.reload();
  await page.getByRole('tab', { name: /Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId('train-message')).toHaveText(
    `Restored the autosaved model at step ${step}.`,
  );
  await expect(page.getByTestId('train-step')).toHaveText(`${step} / ${STEPS}`);
  await expect(chart).toHaveAttribute('data-points', String(step));

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download model' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(
    `dp-model_tiny_epsilon_linear-T1000_step${step}.dpmodel`,
  );
  const path = (await download.path())!;
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('DPCK');

  const input = page.getByTestId('model-file');
  const replace = page.getByRole('button', { name: 'Load and replace' });
  // A file would replace the learner's own model: the page asks first; "Keep" changes nothing.
  await input.setInputFiles(path);
  await expect(page.getByRole('alertdialog')).toContainText('replaces the current model');
  await page.getByRole('button', { name: 'Keep the current model' }).click();
  await expect(page.getByTestId('train-message')).not.toContainText('Loaded');
  await input.setInputFiles({
    name: 'broken.dpmodel',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('garbage!'),
  });
  await replace.click();
  await expect(page.getByRole('alert')).toContainText(
    '“broken.dpmodel” is not a Diffusion Playground model',
  );
  const truncated = bytes.subarray(0, bytes.length - 100);
  await input.setInputFiles({
    name: 'cut.dpmodel',
    mimeType: 'application/octet-stream',
    buffer: truncated,
  });
  await replace.click();
  await expect(page.getByRole('alert')).toContainText('“cut.dpmodel” is truncated');
  await expect(page.getByTestId('train-step')).toHaveText(`${step} / ${STEPS}`);

  await input.setInputFiles(path);
  await replace.click();
  await expect(page.getByTestId('train-message')).toContainText(`(step ${step})`);

  // A setting that needs a new model asks first; keeping the model changes nothing.
  await page.getByLabel('Model preset').selectOption('small');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('These settings need a new model');
  await page.getByRole('button', { name: 'Keep the current model' }).click();
  await page.getByLabel('Model preset').selectOption('tiny');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 300_000 });
  await expect(page.getByTestId('train-step')).toHaveText(`${STEPS} / ${STEPS}`);
  await expect(page.getByTestId('preview-canvas')).toHaveAttribute('data-frame', String(STEPS));
  expect(app.consoleErrors).toEqual([]);
});
