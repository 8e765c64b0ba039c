import { expect, test } from './fixtures';

// ?fault=nan-loss@3 feeds step 3 a batch of NaN pixels, so its loss really is NaN and the real
// guard has to act: stop, restore the last good weights, say so; then training can go on.
test('a NaN loss stops training, restores the last good weights and says so', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm', 'fault=nan-loss@3');
  await app.fillTrainSettings({ Batch: 2, Steps: 5, 'Preview every': 0, 'Autosave every': 1 });
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 120_000 });
  await expect(page.getByTestId('train-message')).toHaveText(
    'The loss became NaN or infinite at step 3: training stopped and the weights from step 2 ' +
      'were restored. Try a lower learning rate.',
  );
  await expect(page.getByTestId('train-step')).toHaveText('2 / 5');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 120_000 });
  await expect(page.getByTestId('train-step')).toHaveText('5 / 5');
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '5');
  expect(app.consoleErrors).toEqual([]);
});

// "Train more" on the default model (step 11,000) with new batch and steps: after a NaN the run's
// own settings stay (they are not silently replaced by the checkpoint's), and Resume finishes it.
test('after a NaN on "Train more" the form keeps the run settings', async ({ app, page }) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm', 'fault=nan-loss@11003');
  await app.fillTrainSettings({ Batch: 2, Steps: 11_005, 'Preview every': 0 });
  await page.getByRole('button', { name: 'Train more' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 120_000 });
  await expect(page.getByTestId('train-message')).toContainText(
    'The loss became NaN or infinite at step 11003',
  );
  await expect(page.getByLabel('Batch', { exact: true })).toHaveValue('2');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('11005');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 120_000 });
  await expect(page.getByTestId('train-step')).toHaveText('11005 / 11005');
  expect(app.consoleErrors).toEqual([]);
});
