import AxeBuilder from '@axe-core/playwright';
import UPNG from 'upng-js';
import { expect, pngSize, test, type AppPage } from './fixtures';

/** Draws a "7" on the draw pad with the mouse: a bar, then a diagonal down to the left. */
async function drawSeven(app: AppPage): Promise<void> {
  const page = app.page;
  const box = (await page.getByTestId('draw-pad').boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(0.28, 0.25));
  await page.mouse.down();
  await page.mouse.move(...at(0.72, 0.25), { steps: 10 });
  await page.mouse.move(...at(0.45, 0.8), { steps: 14 });
  await page.mouse.up();
}

// The shipped default model on wasm (WebGPU here is SwiftShader, far too slow to sample with).
test('Create: SDEdit a drawing step by step, inpaint under a mask, interpolate and export', async ({
  app,
  page,
}) => {
  test.setTimeout(600_000);
  await app.openOn('wasm');
  await page.getByRole('tab', { name: /Create/ }).click();
  await expect(page.getByTestId('explainer-create-sdedit')).toContainText('SDEdit');
  await expect(page.getByRole('button', { name: 'SDEdit', exact: true })).toBeEnabled({
    timeout: 60_000,
  });
  await app.watchLongTasks();
  const progress = page.getByTestId('sample-progress');
  const state = page.getByTestId('sample-state');

  // SDEdit: draw, then step through from x_t0.
  await page.getByRole('tab', { name: 'Draw' }).click();
  await drawSeven(app);
  await expect(page.getByTestId('x0-source')).toHaveText('your drawing');
  await page.getByLabel('Steps', { exact: true }).fill('10');
  await page.getByLabel('Class', { exact: true }).selectOption('7');
  await page.getByLabel('Strength', { exact: true }).fill('0.6');
  await expect(page.getByTestId('sdedit-plan')).toContainText('the last 6 of 10 steps');
  await page.getByRole('button', { name: 'New run, paused' }).click();
  await expect(state).toHaveText('paused');
  // First x_t0 (linear T = 1000, 10 trailing steps: step 5 starts at t = 599), beside the drawing.
  await expect(progress).toContainText('start · x at t = 599, before step 5 of 10');
  const drawn = await app.pixels('draw-pad');
  await expect.poll(async () => (await app.pixels('create-x0')).join(',')).toBe(drawn.join(','));
  for (const [i, t] of [
    [5, '599 → 499'],
    [6, '499 → 399'],
  ] as const) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(progress).toContainText(`step ${i} of 10 · t = ${t}`);
  }
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(progress).toContainText('step 5 of 10');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(state).toHaveText('done', { timeout: 120_000 });
  await expect(progress).toContainText('step 10 of 10 · t = 99 → -1');
  // The canvas draws on the next display frame: wait until it shows the last step.
  await expect(page.getByTestId('create-xt')).toHaveAttribute('data-frame', '9');
  const edited = await app.pixels('create-xt');
  expect(edited.filter((v) => v > 128).length).toBeGreaterThan(30);
  const png = await app.download('create-export-xt');
  expect(png.name).toBe('xt_sdedit_seed1_step10of10.png');
  expect(pngSize(png.bytes)).toEqual({ width: 224, height: 224 });

  // The strengths strip: five finished images from one seed.
  await page.getByRole('button', { name: 'Strengths strip' }).click();
  await expect(page.locator('[data-testid="strength-tile"][data-done="yes"]')).toHaveCount(5, {
    timeout: 120_000,
  });

  // Inpainting: an MNIST digit, an empty mask refused in words, then the bottom half.
  await page.getByRole('tab', { name: 'Inpaint', exact: true }).click();
  await page.getByRole('tab', { name: 'MNIST digit' }).click();
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('x0-source')).toHaveText(/MNIST digit 7/);
  await page.getByLabel('Class', { exact: true }).selectOption('any');
  await page.getByRole('button', { name: 'Inpaint', exact: true }).click();
  await expect(page.getByTestId('create-message')).toContainText('The mask is empty');
  await page.getByRole('button', { name: 'Bottom half' }).click();
  // A stroke with the mask brush in the kept half adds to the mask (its pixels turn red).
  const pad = (await page.getByTestId('mask-pad').boundingBox())!;
  await page.mouse.move(pad.x + pad.width * 0.1, pad.y + pad.height * 0.1);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width * 0.2, pad.y + pad.height * 0.1, { steps: 4 });
  await page.mouse.up();
  const masked = await page.getByTestId('mask-pad').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    const red = (x: number, y: number) => d[4 * (y * 28 + x)]! - d[4 * (y * 28 + x) + 1]!;
    return { stroke: red(4, 2), top: red(20, 8), bottom: red(14, 20) };
  });
  expect(masked.stroke).toBeGreaterThan(50);
  expect(masked.top).toBe(0);
  expect(masked.bottom).toBeGreaterThan(50);
  // Back to exactly the bottom half, with 2 resamplings to keep the run short.
  await page.getByRole('button', { name: 'Bottom half' }).click();
  await page.getByLabel('Resample count', { exact: true }).fill('2');
  await expect(page.getByTestId('inpaint-cost')).toContainText('19 model evaluations for 10 steps');
  await page.getByRole('button', { name: 'Inpaint', exact: true }).click();
  await expect(page.getByTestId('create-message')).toHaveCount(0);
  await expect(state).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('mask-outline').first()).toBeVisible();
  // 10 steps and 9 stretches of 1 taken again (a jump back and a step each): 28 moves.
  await expect(progress).toContainText('step 28 of 28');
  await expect(page.getByTestId('create-xt')).toHaveAttribute('data-frame', '27');
  const painted = await app.pixels('create-xt');
  // The start frame shows what is kept of the input beside pure noise: its top half is the digit.
  await page.getByTestId('sample-scrub').fill('0');
  await expect(progress).toContainText('start · x at t = 999');
  await expect(page.getByTestId('create-x0')).toHaveAttribute('data-frame', '-1');
  const kept = await app.pixels('create-x0');
  expect(kept.slice(0, 14 * 28).filter((v) => v > 128).length).toBeGreaterThan(5);
  expect(Math.max(...kept.slice(14 * 28))).toBe(0);
  // The kept top half is the input's, to the pixel.
  for (let i = 0; i < 14 * 28; i++) expect(Math.abs(painted[i]! - kept[i]!)).toBeLessThanOrEqual(1);
  expect(painted.slice(14 * 28).filter((v) => v > 128).length).toBeGreaterThan(5);

  // Interpolation between two seeds: a row of 5 frames and its animated PNG.
  await page.getByRole('tab', { name: 'Interpolate', exact: true }).click();
  await page.getByLabel('Frames', { exact: true }).fill('5');
  await page.getByLabel('Class', { exact: true }).selectOption('3');
  await page.getByRole('button', { name: 'Interpolate', exact: true }).click();
  await expect(state).toHaveText('done', { timeout: 120_000 });
  const row = await page.getByTestId('create-xt').evaluate((el) => (el as HTMLCanvasElement).width);
  expect(row).toBe(5 * 28 + 4 * 2);
  const apng = await app.download('create-export-apng');
  expect(apng.name).toBe('interpolate_seed1_5frames.png');
  const decoded = UPNG.decode(
    apng.bytes.buffer.slice(
      apng.bytes.byteOffset,
      apng.bytes.byteOffset + apng.bytes.byteLength,
    ) as ArrayBuffer,
  );
  expect(decoded.frames).toHaveLength(5);
  expect([decoded.width, decoded.height]).toEqual([224, 224]);

  const longest = Math.max(0, ...(await app.longTasks()));
  console.log(`Create flow: longest main-thread task ${longest.toFixed(0)} ms`);
  expect(longest).toBeLessThan(100);
});

test('axe: the Create tab has no serious or critical violations in any mode', async ({
  app,
  page,
}) => {
  await app.openOn('wasm');
  await page.getByRole('tab', { name: /Create/ }).click();
  await expect(page.getByRole('button', { name: 'SDEdit', exact: true })).toBeEnabled({
    timeout: 60_000,
  });
  for (const mode of ['SDEdit', 'Inpaint', 'Interpolate']) {
    await page.getByRole('tab', { name: mode, exact: true }).click();
    await expect(page.getByRole('button', { name: mode, exact: true })).toBeVisible();
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const summary = bad.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    expect(summary, mode).toEqual([]);
  }
});

// The same runs on WebGL (its kernels, not wasm's): short ones, as SwiftShader is slow here.
test('Create runs on WebGL too: SDEdit, inpainting with resampling, class interpolation', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openOn('webgl');
  await page.getByRole('tab', { name: /Create/ }).click();
  await expect(page.getByRole('button', { name: 'SDEdit', exact: true })).toBeEnabled({
    timeout: 60_000,
  });
  const state = page.getByTestId('sample-state');
  await page.getByLabel('Steps', { exact: true }).fill('4');
  await page.getByRole('tab', { name: 'MNIST digit' }).click();
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('button', { name: 'SDEdit', exact: true }).click();
  await expect(state).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('sample-progress')).toContainText('step 4 of 4');

  await page.getByRole('tab', { name: 'Inpaint', exact: true }).click();
  await page.getByRole('button', { name: 'Left half' }).click();
  await page.getByLabel('Resample count', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Inpaint', exact: true }).click();
  await expect(state).toHaveText('done', { timeout: 120_000 });
  // 4 steps, 3 stretches of 1 taken again (a jump back and a step each).
  await expect(page.getByTestId('sample-progress')).toContainText('of 10');

  await page.getByRole('tab', { name: 'Interpolate', exact: true }).click();
  await page.getByLabel('Interpolate between', { exact: true }).selectOption('classes');
  await page.getByLabel('Frames', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Interpolate', exact: true }).click();
  await expect(state).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('create-xt')).toHaveAttribute('data-frame', '3');
  const row = await app.pixels('create-xt');
  expect(row).toHaveLength(28 * (3 * 28 + 2 * 2));
  expect(row.filter((v) => v > 128).length).toBeGreaterThan(30);
});
