import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { torchPython } from '../src/node/torch-available';
import { expect, test } from './fixtures';

const PYTHON = torchPython();

/** The JSON header of a safetensors file: {name: {dtype, shape, data_offsets}}. */
function safetensorsHeader(bytes: Uint8Array): Record<string, { dtype: string; shape: number[] }> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
    string,
    { dtype: string; shape: number[] }
  >;
}

test('Export for PyTorch downloads safetensors + config; a model trained further in PyTorch loads back and samples', async ({
  app,
  page,
}) => {
  test.skip(PYTHON === null, 'needs python3 with torch (apt-get install python3-torch)');
  test.setTimeout(300_000);
  await app.openTrainTab('wasm');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export for PyTorch' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^dp-model_tiny_.*_step11000\.zip$/);
  const exported = (await download.path())!;
  const files = unzipSync(new Uint8Array(readFileSync(exported)));
  expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors']);
  const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as {
    format: string;
    unet: { channels: number[] };
    model: { step: number; settings: { preset: string } };
  };
  expect(config.format).toBe('diffusion-playground-torch');
  expect(config.unet.channels).toEqual([16, 32, 40]);
  expect(config.model.step).toBe(11_000);
  expect(config.model.settings.preset).toBe('tiny');
  const header = safetensorsHeader(files['model.safetensors']!);
  // PyTorch layouts: conv [out, in, kh, kw], linear [out, in].
  expect(header['ema.conv_in.weight']).toMatchObject({ dtype: 'F32', shape: [16, 1, 3, 3] });
  expect(header['model.fc1.weight']).toMatchObject({ dtype: 'F32', shape: [64, 16] });
  expect(header['adam.exp_avg.table']).toMatchObject({ shape: [11, 64] });

  // Two more steps in PyTorch, then back into the app through "Load model file".
  const trained = join(mkdtempSync(join(tmpdir(), 'dp-e2e-')), 'from-pytorch.zip');
  execFileSync(
    PYTHON!,
    ['-m', 'diffusion_playground', 'train', exported, '--steps', '2', '--batch', '4'].concat([
      '--device',
      'cpu',
      '--out',
      trained,
    ]),
    { env: { ...process.env, PYTHONPATH: 'python', OMP_NUM_THREADS: '1' }, timeout: 120_000 },
  );
  await page.getByTestId('model-file').setInputFiles(trained);
  await expect(page.getByTestId('train-message')).toContainText(
    'Loaded “from-pytorch.zip” (step 11002).',
    { timeout: 60_000 },
  );
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  expect(app.consoleErrors).toEqual([]);
});

test('a zip that is not a model is refused in words and changes nothing', async ({ app, page }) => {
  test.setTimeout(120_000);
  await app.openTrainTab('wasm');
  await page.getByTestId('model-file').setInputFiles({
    name: 'photos.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from(zipSync({ 'a.txt': strToU8('not a model') })),
  });
  await expect(page.getByRole('alert')).toContainText(
    '“photos.zip” is a zip without model.safetensors and config.json',
  );
  await expect(page.getByTestId('train-status')).toHaveText('finished');
  await expect(page.getByTestId('train-step')).toHaveText('11000 / 11000');
});
