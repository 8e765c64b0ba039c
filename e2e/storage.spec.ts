import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** After a reload: the Train tab's step of the autosave it restored. */
async function restoredStep(page: Page): Promise<number> {
  await page.getByRole('tab', { name: /Train/ }).click();
  const message = page.getByTestId('train-message');
  await expect(message).toContainText('Restored the autosaved model', { timeout: 60_000 });
  return Number(/step (\d+)/.exec(await message.innerText())![1]);
}

// A private window without IndexedDB: everything works in memory and the header says so.
test('without IndexedDB the default model loads, samples and trains, and autosave is said to be off', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm', 'fault=no-storage');
  await expect(page.getByTestId('storage-status')).toContainText(
    'Autosave off: this browser window has no usable IndexedDB',
  );
  await app.fillTrainSettings({ Steps: 11_002, 'Preview every': 0 });
  await page.getByRole('button', { name: 'Train more' }).click();
  await expect(page.getByTestId('train-step')).toHaveText('11002 / 11002', { timeout: 120_000 });
  await expect(page.getByTestId('train-status')).toHaveText('finished');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download model' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/step11002\.dpmodel$/);
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
});

// Two tabs never overwrite each other's model: the first owns the autosave; the second keeps
// its model in memory, and takes the autosave over (with its model) when the first closes.
test('two tabs: one autosave owner, the other in memory until it takes over', async ({
  app,
  page,
  context,
}) => {
  test.setTimeout(420_000);
  await app.openTrainTab('wasm');
  await expect(page.getByTestId('storage-status')).toHaveCount(0);

  const second = await context.newPage();
  const app2 = new (app.constructor as new (p: typeof page, b: 'wasm') => typeof app)(
    second,
    'wasm',
  );
  await app2.openTrainTab('wasm');
  await expect(second.getByTestId('storage-status')).toContainText(
    'another tab of the playground holds the autosave',
  );
  // "New model" in the second tab trains 3 steps and leaves the first tab's autosave alone.
  await app2.fillTrainSettings({ Batch: 2, Steps: 3, 'Preview every': 0 });
  await app2.trainNewModel();
  await expect(second.getByTestId('train-step')).toHaveText('3 / 3', { timeout: 120_000 });
  await expect(second.getByTestId('train-status')).toHaveText('finished');

  // The first tab's autosave (the pretrained default on a first visit) is still there: a third
  // tab restores it read-only... after the first closes, the second takes over and saves its own.
  await page.close();
  await expect(second.getByTestId('storage-status')).toHaveCount(0, { timeout: 30_000 });
  const third = await context.newPage();
  const app3 = new (app.constructor as new (p: typeof page, b: 'wasm') => typeof app)(
    third,
    'wasm',
  );
  await app3.openOn('wasm');
  await third.getByRole('tab', { name: /Train/ }).click();
  await expect(third.getByTestId('train-message')).toContainText(
    'Restored the autosaved model at step 3. Another tab holds the autosave',
    { timeout: 60_000 },
  );
  expect(app2.consoleErrors).toEqual([]);
  expect(app3.consoleErrors).toEqual([]);
});

test('a loaded model file is autosaved, and unsaved steps are saved when the page is hidden', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download model' }).click(),
  ]);
  const file = (await download.path())!;
  await app.fillTrainSettings({ Batch: 2, Steps: 2, 'Preview every': 0 });
  await app.trainNewModel();
  // The step first: the shipped model also reads "finished" until the new run starts.
  await expect(page.getByTestId('train-step')).toHaveText('2 / 2', { timeout: 120_000 });
  await expect(page.getByTestId('train-status')).toHaveText('finished');
  await page.getByTestId('model-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Load and replace' }).click();
  await expect(page.getByTestId('train-message')).toContainText('(step 11000)');
  await page.reload();
  await page.getByRole('tab', { name: /Train/ }).click();
  await expect(page.getByTestId('train-message')).toHaveText(
    'Restored the autosaved model at step 11000.',
    { timeout: 60_000 },
  );

  // Autosave every 100,000 steps: only leaving the page saves the steps trained so far.
  await app.fillTrainSettings({
    Batch: 2,
    Steps: 12_000,
    'Autosave every': 100_000,
    'Preview every': 0,
  });
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect
    .poll(async () => Number((await page.getByTestId('train-step').innerText()).split('/')[0]), {
      timeout: 120_000,
    })
    .toBeGreaterThan(11_003);
  // The tab is hidden (another tab or window in front, a laptop lid closed): the worker saves
  // after its current step. A reload's own pagehide asks too, but the worker may be gone first.
  const before = Number((await page.getByTestId('train-step').innerText()).split('/')[0]);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(5000);
  await page.reload();
  const restored = await restoredStep(page);
  console.log(`hidden at step ${before}, restored at step ${restored}`);
  expect(restored).toBeGreaterThanOrEqual(before);
});

test('"Pretrained default" brings the shipped model back, after asking, also after a reload', async ({
  app,
  page,
}) => {
  test.setTimeout(240_000);
  await app.openTrainTab('wasm');
  const button = page.getByRole('button', { name: 'Pretrained default' });
  await expect(button).toBeDisabled();
  await app.fillTrainSettings({ Batch: 2, Steps: 2, 'Preview every': 0 });
  await app.trainNewModel();
  // The step first: the shipped model also reads "finished" until the new run starts.
  await expect(page.getByTestId('train-step')).toHaveText('2 / 2', { timeout: 120_000 });
  await expect(page.getByTestId('train-status')).toHaveText('finished');
  await button.click();
  await expect(page.getByRole('alertdialog')).toContainText('load the pretrained default model');
  await page.getByRole('button', { name: 'Keep the current model' }).click();
  await expect(page.getByTestId('train-step')).toHaveText('2 / 2');
  await button.click();
  await page.getByRole('button', { name: 'Discard and load the pretrained model' }).click();
  await expect(page.getByTestId('train-message')).toContainText(
    'Loaded the pretrained default model (step 11000)',
  );
  await page.reload();
  await page.getByRole('tab', { name: /Train/ }).click();
  await expect(page.getByTestId('train-message')).toContainText(
    'Loaded the pretrained default model (step 11000)',
    { timeout: 60_000 },
  );
});

test('leaving while a run trains asks first, and the steps trained by then are kept', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm');
  // Autosave every 100,000 steps: only leaving the page can save this run's steps.
  await app.fillTrainSettings({
    Batch: 2,
    Steps: 50_000,
    'Autosave every': 100_000,
    'Preview every': 0,
  });
  await app.trainNewModel();
  const shownStep = async () =>
    Number((await page.getByTestId('train-step').innerText()).split('/')[0]);
  // The new run's own steps (the shipped model's step is shown until the run starts).
  await expect(page.getByTestId('train-status')).toHaveText('running', { timeout: 60_000 });
  await expect.poll(shownStep, { timeout: 120_000 }).toBeGreaterThan(5);
  expect(await shownStep()).toBeLessThan(50_000);
  // The learner reads the browser's "Leave site?" and, a moment later, leaves anyway. (The page
  // cannot be read while the dialog is open: the step is read just before.)
  page.removeAllListeners('dialog');
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.type());
    setTimeout(() => void dialog.accept(), 3000);
  });
  const before = await shownStep();
  // Only until the new page commits: the tab's own waits follow (a "load" wait behind a
  // beforeunload dialog hung once on a loaded machine).
  await page.reload({ waitUntil: 'commit' });
  expect(asked).toEqual(['beforeunload']);
  const restored = await restoredStep(page);
  console.log(`asked at step ${before}, restored at step ${restored}`);
  expect(restored).toBeGreaterThanOrEqual(before);
});
