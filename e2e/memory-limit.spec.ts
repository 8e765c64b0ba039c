import { expect, test } from './fixtures';

// Our kernels (webgpu, wasm) keep about half the activations of the tfjs-ops path WebGL runs, so
// the same limit splits a batch into fewer passes there (src/ml/train/memory.ts).
test('the memory limit splits a big batch into passes by what the backend keeps @key', async ({
  app,
  page,
}) => {
  await app.openTrainTab(app.backend);
  const message = page.getByTestId('micro-batch');
  await app.fillTrainSettings({ Batch: 64, 'Memory limit (MB)': 512 });
  await expect(message).toContainText(
    app.backend === 'webgl' ? '3 passes of ≤ 22' : '2 passes of ≤ 32',
  );
  await app.fillTrainSettings({ 'Memory limit (MB)': 4096 });
  await expect(message).toContainText('One pass of 64');
});
