import { expect, test } from './fixtures';

// This machine's WebGPU and WebGL are SwiftShader (the CPU), so measured speed must pick
// WebAssembly, where going by order would pick WebGPU.
test('without ?backend= the fastest backend by measurement trains a new model, and the header says why', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/');
  const name = page.getByTestId('backend-name');
  await expect(name).toHaveText('wasm', { timeout: 90_000 });
  const decision = page.getByTestId('backend-decision');
  await expect(decision).toContainText(
    /WebGPU here is a software renderer[^—]*—.*training on WebAssembly, [\d.]+ s\/step/,
  );
  console.log('header:', await page.getByTestId('backend-status').innerText());
  await expect(page.getByLabel('Backend', { exact: true })).toHaveValue('auto');

  // A new model with the default recipe trains there.
  await page.getByRole('tab', { name: /Train/ }).click();
  await app.waitForDefaultModel();
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('running');
  const chart = page.getByTestId('loss-chart');
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('train-status')).toHaveText('paused', { timeout: 60_000 });
  const step = (await page.getByTestId('train-step').innerText()).split('/')[0]!.trim();

  // Picking a backend from the menu moves the model there with every step kept, and the URL
  // says so; "Fastest" measures again.
  await page.getByLabel('Backend', { exact: true }).selectOption('webgl');
  await expect(name).toHaveText('webgl', { timeout: 90_000 });
  expect(new URL(page.url()).searchParams.get('backend')).toBe('webgl');
  await expect(page.getByTestId('train-message')).toContainText(
    `Continuing on webgl from step ${step}`,
  );
  await page.getByLabel('Backend', { exact: true }).selectOption('auto');
  await expect(name).toHaveText('wasm', { timeout: 90_000 });
  expect(new URL(page.url()).searchParams.has('backend')).toBe(false);

  // The decision is remembered for this browser: a reload takes it without measuring.
  await page.reload();
  await expect(name).toHaveText('wasm', { timeout: 60_000 });
  await expect(decision).toContainText('(measured ');
});

test('?backend= still forces one', async ({ page }) => {
  await page.goto('/?backend=webgpu');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  await expect(page.getByLabel('Backend', { exact: true })).toHaveValue('webgpu');
  await expect(page.getByTestId('backend-decision')).toHaveCount(0);
});
