import { expect, test } from './fixtures';

test('without WebGPU the app falls back to WebGL and says why', async ({ app, page }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('webgl', { timeout: 60_000 });
  await expect(page.getByTestId('backend-why')).toContainText('WebGPU: no adapter');
  await app.waitForFrame('500');
});

test('an unknown ?backend= is reported and the default order is used', async ({ app, page }) => {
  await page.goto('/?backend=tpu');
  await expect(page.getByRole('alert')).toContainText('Unknown backend "tpu"');
  await expect(page.getByTestId('backend-name')).toHaveText('webgl', { timeout: 60_000 });
  await app.waitForFrame('500');
});
