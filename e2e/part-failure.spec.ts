import { expect, test } from './fixtures';

// Offline, or a tab older than a redeploy: a code chunk fails to download. Only that part says
// so, the rest keeps working, and "Reload this part" (or the next request) tries again.
test('a chart chunk that fails to download is explained and reloaded, not a blank page', async ({
  app,
  page,
}) => {
  const block = /TrainCharts-[\w-]+\.js$/;
  await page.route(block, (route) => route.abort('internetdisconnected'));
  await app.openTrainTab('wasm');
  const error = page.getByTestId('part-error');
  await expect(error).toContainText('Part of the training charts could not be downloaded', {
    timeout: 30_000,
  });
  // The rest of the tab works: the controls and the model's status are there.
  await expect(page.getByTestId('train-status')).toHaveText('finished');
  await page.unroute(block);
  await page.getByRole('button', { name: 'Reload this part' }).click();
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await expect(error).toHaveCount(0);
  // The browser logs the failed request itself; nothing else may be logged.
  app.consoleErrors.splice(0, app.consoleErrors.length);
});

test("the worker's training code failing to download is explained and tried again", async ({
  app,
  page,
}) => {
  test.setTimeout(180_000);
  const block = /train-job-[\w-]+\.js$/;
  await page.route(block, (route) => route.abort('internetdisconnected'));
  await app.openOn('wasm');
  await expect(page.getByRole('alert')).toContainText('could not be downloaded', {
    timeout: 60_000,
  });
  await page.unroute(block);
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  app.consoleErrors.splice(0, app.consoleErrors.length);
});
