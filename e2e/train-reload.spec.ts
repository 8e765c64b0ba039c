import { expect, test } from './fixtures';

const CHARTS = ['loss-chart', 'bucket-chart', 'throughput-chart', 'accuracy-chart'] as const;

// The run's charts and its last preview belong to the run: they are saved with the model and come
// back after a reload. Each chart is one labelled picture, not a focus stop.
test('after a reload the training charts and the last preview come back', async ({ app, page }) => {
  test.setTimeout(480_000);
  await app.openTrainTab('wasm');
  await page.getByLabel('Quality meter', { exact: true }).selectOption('steps');
  await app.fillTrainSettings({
    Batch: 2,
    Steps: 4,
    'Preview every': 2,
    // One measurement (it samples 50 digits, slow on a busy 2-core machine).
    'Quality every': 4,
  });
  await app.trainNewModel();
  // The shipped model read 'finished' until the new run started.
  await expect(page.getByTestId('train-status')).toHaveText('running');
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 400_000 });
  await expect(page.getByTestId('accuracy-chart')).toHaveAttribute('data-points', '1');
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '4');
  await expect(page.getByTestId('preview-canvas')).toBeVisible();
  const before: Record<string, string | null> = {};
  for (const id of CHARTS) before[id] = await page.getByTestId(id).getAttribute('data-points');
  expect(Number(before['throughput-chart'])).toBeGreaterThan(0);
  expect(Number(before['bucket-chart'])).toBeGreaterThan(0);
  const preview = await app.pixels('preview-canvas');
  expect(new Set(preview).size).toBeGreaterThan(1);

  // Each chart says what it shows in words; none is a focus stop of its own.
  const charts = page.getByRole('region', { name: 'Training charts' });
  await expect(
    charts.getByRole('img', { name: /^Loss: 4 points, last [\d.e-]+ at step 4, lowest/ }),
  ).toBeVisible();
  await expect(
    charts.getByRole('img', { name: /^Class accuracy: 1 measurement, last \d+%/ }),
  ).toBeVisible();
  await expect(charts.getByRole('img', { name: /^Throughput: \d+ points?, last/ })).toBeVisible();
  await expect(
    charts.getByRole('img', { name: /^Loss by timestep over \d+ ranges? of t/ }),
  ).toBeVisible();
  await expect(charts.locator('[tabindex]:not([tabindex="-1"])')).toHaveCount(0);

  await page.reload();
  await expect(page.getByRole('tab', { name: /Train/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('train-message')).toContainText(
    'Restored the autosaved model at step 4',
    {
      timeout: 60_000,
    },
  );
  for (const id of CHARTS)
    await expect(page.getByTestId(id), id).toHaveAttribute('data-points', before[id] ?? '');
  await expect(page.getByTestId('preview-canvas')).toBeVisible();
  await expect
    .poll(async () => new Set(await app.pixels('preview-canvas')).size)
    .toBeGreaterThan(1);
  expect(await app.pixels('preview-canvas')).toEqual(preview);
  await expect(charts.getByRole('img', { name: /^Loss: 4 points/ })).toBeVisible();
});
