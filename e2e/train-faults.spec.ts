import { readFile } from 'node:fs/promises';
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

/** The same model file with its JSON header's config edited (the weights copied as they are). */
function editModelFile(bytes: Buffer, edit: (config: Record<string, unknown>) => void): Buffer {
  const length = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + length).toString('utf8')) as {
    config: Record<string, unknown>;
  };
  const data = bytes.subarray(Math.ceil((12 + length) / 4) * 4);
  edit(header.config);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const offset = Math.ceil((12 + json.length) / 4) * 4;
  const out = Buffer.alloc(offset + data.length);
  bytes.copy(out, 0, 0, 8);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  data.copy(out, offset);
  return out;
}

test('a model file whose settings are outside the spec is refused naming the field', async ({
  app,
  page,
}) => {
  test.setTimeout(180_000);
  await app.openTrainTab('wasm');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download model' }).click(),
  ]);
  const bytes = await readFile((await download.path())!);
  const input = page.getByTestId('model-file');
  const cases: [string, (c: Record<string, unknown>) => void, string][] = [
    [
      'huge-T.dpmodel',
      (c) => ((c['settings'] as { schedule: { T: number } }).schedule.T = 5e8),
      '"schedule.T" (T) must be a whole number from 10 to 1000, not 500000000',
    ],
    [
      'banana.dpmodel',
      (c) => ((c['settings'] as { prediction: string }).prediction = 'banana'),
      '"prediction" (Predicts) must be one of epsilon, v, x0, flow, not "banana"',
    ],
    ['no-history.dpmodel', (c) => (c['history'] = null), '"history" must hold two lists'],
  ];
  for (const [name, edit, message] of cases) {
    await input.setInputFiles({
      name,
      mimeType: 'application/octet-stream',
      buffer: editModelFile(bytes, edit),
    });
    await expect(page.getByRole('alert')).toContainText(`“${name}”: ${message}`);
  }
  // The model in use is untouched.
  await expect(page.getByTestId('train-step')).toHaveText(/^11000 \//);
  expect(app.consoleErrors).toEqual([]);
});
