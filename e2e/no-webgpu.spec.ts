import { expect, test } from './fixtures';

// This project's browser has no WebGPU flag; its WebGL runs on SwiftShader (the CPU).
test('without WebGPU the app measures WebGL against WebAssembly and says why', async ({
  app,
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 90_000 });
  await expect(page.getByTestId('backend-why')).toContainText('WebGPU: no adapter');
  await expect(page.getByTestId('backend-decision')).toContainText(
    /WebGL here is a software renderer .*— training on WebAssembly, [\d.]+ s\/step/,
  );
  await app.waitForFrame('500');
});

test('an unknown ?backend= is reported and the fastest is used', async ({ app, page }) => {
  await page.goto('/?backend=tpu');
  await expect(page.getByRole('alert')).toContainText('Unknown backend "tpu"');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 90_000 });
  await app.waitForFrame('500');
});
