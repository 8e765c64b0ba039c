import { readFile } from 'node:fs/promises';
import { expect, pngSize, test } from './fixtures';

/** Frame count from an animated PNG's acTL chunk (0 when it is not animated). */
function apngFrames(bytes: Buffer): number {
  for (let at = 8; at < bytes.length;) {
    const len = bytes.readUInt32BE(at);
    if (bytes.subarray(at + 4, at + 8).toString('latin1') === 'acTL')
      return bytes.readUInt32BE(at + 8);
    at += 12 + len;
  }
  return 0;
}

// A model of our own: a few quick training steps on wasm (T = 50 keeps DDPM short).
test('sample step by step, step back, scrub, export PNG and APNG, cancel, compare', async ({
  app,
  page,
}) => {
  test.setTimeout(600_000);
  await app.openTrainTab('wasm');
  // The quality meter also runs during training, here every N steps ("Quality every").
  await page.getByLabel('Quality meter', { exact: true }).selectOption('steps');
  await app.fillTrainSettings({
    'Training T': 50,
    Batch: 2,
    Steps: 3,
    'Preview every': 0,
    'Quality every': 3,
  });
  // T is a setting that needs a new model: Train asks first.
  await page.getByRole('button', { name: 'Train more' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('These settings need a new model');
  await page.getByRole('button', { name: 'Discard and train a new model' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('running');
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 300_000 });
  const quality = page.getByTestId('train-quality');
  await expect(quality.locator('tbody tr')).toHaveCount(1);
  await expect(quality.locator('tbody tr td').first()).toHaveText('3');
  await expect(quality.locator('tbody tr td').nth(1)).toHaveText(/^\d+%$/);

  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByLabel('Samples', { exact: true }).fill('4');
  await page.getByLabel('Steps', { exact: true }).fill('10');
  await page.getByLabel('Class', { exact: true }).selectOption('3');
  // Before any run the canvases say what to press instead of showing black boxes.
  await expect(page.getByTestId('sample-xt-placeholder')).toHaveText('Press “Sample”');
  await page.getByRole('button', { name: 'New run, paused' }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('paused');
  const progress = page.getByTestId('sample-progress');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(progress).toContainText(`step ${i} of 10`);
  }
  await expect(progress).toContainText('t = 39 → 34');
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(progress).toContainText('step 2 of 10 · t = 44 → 39');
  await page.getByTestId('sample-scrub').fill('0');
  await expect(progress).toContainText('step 1 of 10 · t = 49 → 44');
  await expect(page.getByTestId('sample-xt')).toHaveAttribute('data-frame', '0');
  await expect(page.getByTestId('sample-xt-placeholder')).toBeHidden();

  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  await expect(progress).toContainText('step 10 of 10 · t = 4 → -1');
  const xt = await app.pixels('sample-xt');
  expect(xt).toHaveLength(58 * 58);
  expect(new Set(xt).size).toBeGreaterThan(10);

  const png = await app.download('export-sample-xt');
  expect(png.name).toBe('xt_ddim10-eta0_seed1_class3_cfg2_grid_step10of10.png');
  expect(pngSize(png.bytes)).toEqual({ width: 464, height: 464 });

  const [strip] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-trajectory').click(),
  ]);
  expect(pngSize(await readFile((await strip.path())!))).toEqual({
    width: (8 * 28 + 7 * 2) * 8,
    height: 224,
  });

  const [anim] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-apng').click(),
  ]);
  expect(anim.suggestedFilename()).toBe(
    'denoising_ddim10-eta0_seed1_class3_cfg2_grid_10frames.png',
  );
  const apng = await readFile((await anim.path())!);
  expect(pngSize(apng)).toEqual({ width: 232, height: 232 });
  expect(apngFrames(apng)).toBe(10);

  // "Export which": sample 3 is the third sample, in every export's name and picture.
  await page.getByLabel('Export which').selectOption({ label: 'sample 3' });
  const [one] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-sample-xt').click(),
  ]);
  expect(one.suggestedFilename()).toBe('xt_ddim10-eta0_seed1_class3_cfg2_sample3_step10of10.png');
  const [oneAnim] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-apng').click(),
  ]);
  expect(oneAnim.suggestedFilename()).toBe(
    'denoising_ddim10-eta0_seed1_class3_cfg2_sample3_10frames.png',
  );
  const oneApng = await readFile((await oneAnim.path())!);
  expect(pngSize(oneApng)).toEqual({ width: 224, height: 224 });
  expect(apngFrames(oneApng)).toBe(10);
  await page.getByLabel('Export which').selectOption('grid');

  // Cancel mid-run: nothing more arrives.
  await page.getByLabel('Delay per step').fill('300');
  await expect(page.getByText('300 ms')).toBeVisible();
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(progress).toContainText(/step [2-7] of 10/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('cancelled');
  const stopped = await progress.innerText();
  expect(stopped).not.toContain('step 10 of 10');
  await page.waitForTimeout(1500);
  await expect(progress).toHaveText(stopped);

  await expect(page.getByTestId('compare-a-placeholder')).toHaveText('Press “Run both”');
  await page.getByLabel('DDIM steps to compare').fill('5');
  await page.getByRole('button', { name: 'Run both' }).click();
  await expect(page.getByTestId('compare-a-result')).toContainText('50 steps in', {
    timeout: 300_000,
  });
  await expect(page.getByTestId('compare-b-result')).toContainText('5 steps in');
  await expect(page.getByTestId('compare-b-placeholder')).toBeHidden();

  // The quality meter scores class-conditional samples with the shipped classifier.
  await page.getByLabel('Samples to score').fill('20');
  await page.getByRole('button', { name: 'Measure quality' }).click();
  await expect(page.getByTestId('quality-report')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('quality-kid')).toHaveText(/^-?\d/);
  await expect(page.getByTestId('quality-accuracy')).toHaveText(/^\d+(\.\d)?%$/);
  await expect(page.getByText(/98\.7% on held-out digits/)).toBeVisible();
  expect(app.consoleErrors).toEqual([]);
});
