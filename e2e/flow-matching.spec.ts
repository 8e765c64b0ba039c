import { expect, pngSize, test } from './fixtures';

// A flow-matching model of our own: a few quick steps on wasm (T = 50 keeps the runs short).
test('trains a flow-matching model, samples it with Euler and Heun, exports a PNG', async ({
  app,
  page,
}) => {
  test.setTimeout(600_000);
  await app.openTrainTab('wasm');
  await page.getByLabel('Prediction target').selectOption({ label: 'velocity (flow matching)' });
  await expect(page.getByTestId('flow-note')).toContainText('τ = (t+1)/T');
  // The schedule's ᾱ plays no part in flow matching.
  await expect(page.getByLabel('Training schedule')).toBeDisabled();
  await page.getByLabel('Quality meter', { exact: true }).selectOption('steps');
  await app.fillTrainSettings({
    'Training T': 50,
    Batch: 2,
    Steps: 3,
    'Preview every': 3,
    'Quality every': 3,
  });
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 300_000 });
  // The preview and the quality meter sample the flow model too (with Euler).
  const quality = page.getByTestId('train-quality');
  await expect(quality.locator('tbody tr td').first()).toHaveText('3', { timeout: 120_000 });
  await expect(quality.locator('tbody tr td').nth(1)).toHaveText(/^\d+%$/);

  await page.getByRole('tab', { name: /Sample/ }).click();
  await expect(page.getByTestId('sample-model')).toContainText('predicts flow');
  await page.getByLabel('Samples', { exact: true }).fill('4');
  await page.getByLabel('Steps', { exact: true }).fill('10');
  // The form was on DDIM, which cannot sample a flow model: it moved to Euler and says why;
  // DDPM and DDIM are offered but disabled.
  const sampler = page.getByLabel('Sampler', { exact: true });
  await expect(sampler).toHaveValue('euler');
  await expect(page.getByTestId('flow-sampler-note')).toContainText(
    'This model was trained with flow matching: it samples with Euler or Heun',
  );
  await expect(sampler.locator('option[value="ddpm"]')).toBeDisabled();
  await expect(sampler.locator('option[value="ddim"]')).toBeDisabled();
  // The form fits a phone and a laptop (screenshots in the test's output folder).
  for (const width of [390, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    await app.expectNoHorizontalOverflow(`Sample tab with a flow model at ${width} px`);
    await page.screenshot({
      path: test.info().outputPath(`flow-sample-${width}.png`),
      fullPage: true,
    });
  }
  // So "Sample" works at once.
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });

  const progress = page.getByTestId('sample-progress');
  for (const [kind, name] of [
    ['euler', 'Euler (flow matching)'],
    ['heun', 'Heun (flow matching)'],
  ] as const) {
    await sampler.selectOption({ label: name });
    await expect(page.getByTestId('sampler-refusal')).toBeHidden();
    // Only DDPM and DDIM read spacing and η.
    await expect(page.getByLabel('Spacing', { exact: true })).toBeHidden();
    await page.getByRole('button', { name: 'New run, paused' }).click();
    await expect(page.getByTestId('sample-state')).toHaveText('paused');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    // τ = 1 → 0.9 on the grid of T = 50: t = τ·T − 1.
    await expect(progress).toContainText('step 1 of 10 · t = 49 → 44');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
    await expect(progress).toContainText('step 10 of 10 · t = 4 → -1');
    const xt = await app.pixels('sample-xt');
    expect(xt).toHaveLength(58 * 58);
    expect(new Set(xt).size).toBeGreaterThan(10);
    const png = await app.download('export-sample-xt');
    expect(png.name).toBe(`xt_${kind}10_seed1_any_cfg2_grid_step10of10.png`);
    expect(pngSize(png.bytes)).toEqual({ width: 464, height: 464 });
  }

  // The compare panel sets a flow model's own samplers side by side.
  await page.getByLabel('Heun steps to compare').fill('5');
  await page.getByRole('button', { name: 'Run both' }).click();
  await expect(page.getByTestId('compare-a-result')).toContainText(
    'Euler, 50 steps · 50 steps in',
    {
      timeout: 300_000,
    },
  );
  await expect(page.getByTestId('compare-b-result')).toContainText('Heun, 5 steps · 5 steps in');
});
