import { readFile } from 'node:fs/promises';
import { correlation, expect, mean, pngSize, std, test } from './fixtures';

test.beforeEach(async ({ app }) => {
  await app.open();
});

test('loads with a real MNIST digit, on the expected backend @key', async ({ app, page }) => {
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 7, #0');
  const x0 = await app.pixels('x0-canvas');
  expect(x0).toHaveLength(784);
  // A handwritten digit: mostly black, with a stroke of bright pixels.
  expect(x0.filter((v) => v > 200).length).toBeGreaterThan(40);
  expect(x0.filter((v) => v < 20).length).toBeGreaterThan(500);
  await expect(page.getByTestId('formula-live')).toContainText('x500 = 0.2789 · x0 + 0.9603 · ε');
});

test('dragging t from 0 to T−1: x_t goes from x0 to pure noise @key', async ({ app, page }) => {
  const x0 = await app.pixels('x0-canvas');
  const noise = await app.pixels('noise-canvas');

  await app.dragSlider(0.5, 0);
  await expect(page.getByTestId('t-value')).toHaveText('0');
  await app.waitForFrame('0');
  const start = await app.pixels('xt-canvas');
  // √ᾱ_0 = 0.99995 and √(1−ᾱ_0) = 0.01: within a few grey levels of x0.
  expect(mean(start.map((v, i) => Math.abs(v - (x0[i] ?? 0))))).toBeLessThan(2);
  expect(Math.max(...start.map((v, i) => Math.abs(v - (x0[i] ?? 0))))).toBeLessThan(12);

  const seen = new Set<string>();
  const box = (await app.slider().boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + 2 + (i / 10) * (box.width - 4), box.y + box.height / 2);
    const t = await app.t();
    await app.waitForFrame(String(t));
    seen.add((await app.pixels('xt-canvas')).join(','));
  }
  await page.mouse.up();
  expect(seen.size).toBeGreaterThanOrEqual(9);

  await expect(page.getByTestId('t-value')).toHaveText('999');
  await app.waitForFrame('999');
  const end = await app.pixels('xt-canvas');
  // ᾱ_999 = 4e-5: x_t is the noise, the digit is gone, and grey levels are those of N(0,1) clipped.
  expect(correlation(end, noise)).toBeGreaterThan(0.99);
  expect(Math.abs(correlation(end, x0))).toBeLessThan(0.2);
  expect(mean(end)).toBeGreaterThan(110);
  expect(mean(end)).toBeLessThan(145);
  expect(std(end)).toBeGreaterThan(75);
  const clipped = end.filter((v) => v === 0 || v === 255).length / end.length;
  expect(clipped).toBeGreaterThan(0.2); // P(|z| > 1) ≈ 0.32
  expect(clipped).toBeLessThan(0.45);
  await expect(page.getByTestId('alpha-bar')).toHaveText('4.036e-5');
});

test('arrow keys step t and the live numbers follow', async ({ app, page }) => {
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page.getByTestId('t-value')).toHaveText('512');
  await app.waitForFrame('512');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('stat-t')).toHaveText('511');
  await app.waitForFrame('511');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('alpha-bar')).toHaveText('0.9999');
});

test('switching the schedule changes the chart and the numbers', async ({ app, page }) => {
  const line = page.locator('[data-testid="chart-alpha-bar"] .recharts-line path').first();
  const before = await line.getAttribute('d');
  expect(before).toBeTruthy();
  await page.getByLabel('Schedule', { exact: true }).selectOption('sigmoid');
  await expect(line).not.toHaveAttribute('d', before!);
  await expect(page.getByTestId('alpha-bar')).toHaveText('0.2989');
  await page.getByLabel('Schedule', { exact: true }).selectOption('cosine');
  await expect(page.getByTestId('alpha-bar')).toHaveText('0.4923');
  await app.waitForFrame('500');
  // Comparing: both schedules' curves are drawn, and "none" leaves one.
  await page.getByLabel('Compare with').selectOption('linear');
  await expect(page.locator('[data-testid="chart-log-snr"] .recharts-line')).toHaveCount(2);
  await page.getByLabel('Compare with').selectOption('');
  await expect(page.locator('[data-testid="chart-log-snr"] .recharts-line')).toHaveCount(1);
});

test('T from 10 to 1000 resizes the slider and the strip', async ({ app, page }) => {
  const T = page.getByLabel('Number of timesteps T');
  await T.fill('10');
  await T.press('Enter');
  await expect(app.slider()).toHaveAttribute('max', '9');
  await expect(page.getByTestId('t-value')).toHaveText('5');
  await app.waitForFrame('5');
  await expect(page.getByRole('button', { name: 't=9' })).toBeVisible();
  await page.getByRole('button', { name: 't=9' }).click();
  await app.waitForFrame('9');
  // A schedule that ends far from noise says so, with its numbers.
  await expect(page.getByTestId('schedule-end-note')).toContainText('never reaches pure noise');
  // Out of range: refused in words, never silently changed.
  await T.fill('5');
  await T.press('Enter');
  await expect(T).toHaveValue('10');
  await expect(page.getByTestId('t-refused')).toHaveText(
    'T must be a whole number from 10 to 1000; 5 was not used.',
  );
  await T.fill('1000');
  await T.press('Enter');
  await expect(page.getByTestId('schedule-end-note')).toHaveCount(0);
});

test('new noise changes ε and x_t', async ({ app, page }) => {
  const before = await app.pixels('noise-canvas');
  const seed = await page.getByTestId('noise-seed').innerText();
  await page.getByRole('button', { name: 'New noise' }).click();
  await expect(page.getByTestId('noise-seed')).not.toHaveText(seed);
  await expect
    .poll(async () => (await app.pixels('noise-canvas')).join(','))
    .not.toBe(before.join(','));
  const after = await app.pixels('noise-canvas');
  expect(Math.abs(correlation(before, after))).toBeLessThan(0.2);
});

test('picking another digit by class and index @key', async ({ app, page }) => {
  const before = await app.pixels('x0-canvas');
  // The digit follows the class at once; Enter in the index field shows that digit.
  await page.getByLabel('Digit class').selectOption('3');
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 3, #0');
  await page.getByLabel('Digit index').fill('12');
  await page.getByLabel('Digit index').press('Enter');
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 3, #12');
  await page.getByLabel('Digit index').fill('13');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 3, #13');
  await expect
    .poll(async () => (await app.pixels('x0-canvas')).join(','))
    .not.toBe(before.join(','));
  await page.getByRole('button', { name: 'Random digit' }).click();
  await expect(page.getByTestId('x0-source')).toHaveText(/MNIST digit \d, #\d+/);
});

test("an index typed while the class's digit is still arriving is kept", async ({ page, app }) => {
  // Hold every digit reply from the worker for 1.5 s, so the reply to the class change lands
  // after the learner has typed an index (a slow worker, or a busy one, does the same).
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.Worker = class extends Native {
      override set onmessage(fn: ((e: MessageEvent) => void) | null) {
        super.onmessage = fn
          ? (e: MessageEvent) => {
              const late = (e.data as { type?: string } | null)?.type === 'data/digit';
              if (late) setTimeout(() => fn.call(this, e), 1500);
              else fn.call(this, e);
            }
          : null;
      }
      override get onmessage() {
        return super.onmessage;
      }
    };
  });
  await app.open();
  await expect(page.getByTestId('x0-source')).toHaveText(/MNIST digit/);
  await page.getByLabel('Digit class').selectOption('4');
  await page.getByLabel('Digit index').fill('9');
  // The class's first digit arrives now; the typed index must survive it.
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 4, #0');
  await expect(page.getByLabel('Digit index')).toHaveValue('9');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 4, #9');
});

test('a digit drawn on the pad becomes x0 @key', async ({ app, page }) => {
  await page.getByRole('tab', { name: 'Draw' }).click();
  const pad = page.getByTestId('draw-pad');
  const box = (await pad.boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  // A "1": one vertical stroke, then a short flag.
  await page.mouse.move(...at(0.5, 0.2));
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(...at(0.5, 0.2 + (0.6 * i) / 12));
  await page.mouse.up();
  await page.mouse.move(...at(0.5, 0.2));
  await page.mouse.down();
  await page.mouse.move(...at(0.38, 0.3), { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('x0-source')).toHaveText('your drawing');
  const drawn = await app.pixels('draw-pad');
  expect(drawn.filter((v) => v > 200).length).toBeGreaterThan(20);
  await expect.poll(async () => (await app.pixels('x0-canvas')).join(',')).toBe(drawn.join(','));
  // Column 14 carries the stroke, the edges stay black.
  expect(drawn[14 * 28 + 14]).toBeGreaterThan(200);
  expect(drawn[14 * 28 + 2]).toBe(0);
  await page.getByRole('button', { name: 'Clear pad' }).click();
  await expect.poll(async () => Math.max(...(await app.pixels('x0-canvas')))).toBe(0);
});

test('exports x_t and the strip as real PNGs of the stated size @key', async ({ app, page }) => {
  await app.dragSlider(0.5, 0.25, 5);
  const t = String(await app.t());
  await app.waitForFrame(t);
  const shown = await app.pixels('xt-canvas');

  const [xt] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-xt').click(),
  ]);
  expect(xt.suggestedFilename()).toBe(`xt_linear_T1000_t${t}.png`);
  await expect(page.getByTestId('export-xt')).toContainText('448×448');
  const bytes = await readFile((await xt.path())!);
  expect(pngSize(bytes)).toEqual({ width: 448, height: 448 });
  // Decode it in the browser: every 16×16 block is one x_t pixel, exactly as on screen.
  const decoded = await page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const bitmap = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) out.push(data[4 * ((y * 16 + 8) * 448 + x * 16 + 8)]!);
    return out;
  }, bytes.toString('base64'));
  expect(decoded).toEqual(shown);

  const [strip] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-strip').click(),
  ]);
  expect(strip.suggestedFilename()).toBe(
    'xt-strip_linear_T1000_t0-143-285-428-571-714-856-999.png',
  );
  expect(pngSize(await readFile((await strip.path())!))).toEqual({ width: 1904, height: 224 });
});

test('a broken or non-image file gets a clear message and x0 stays', async ({ app, page }) => {
  const before = await app.pixels('x0-canvas');
  await page.getByRole('tab', { name: 'Image file' }).click();
  const input = page.getByTestId('x0-file');
  await input.setInputFiles({
    name: 'broken.png',
    mimeType: 'image/png',
    buffer: Buffer.from('not a png at all'),
  });
  await expect(page.getByRole('alert')).toContainText('Could not read “broken.png” as an image');
  await input.setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  });
  await expect(page.getByRole('alert')).toContainText('“notes.txt” is not an image');
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 7, #0');
  expect(await app.pixels('x0-canvas')).toEqual(before);
  // The app keeps working.
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  await app.waitForFrame('501');
});

test('an image file of any size becomes a 28×28 light-on-dark x0', async ({ app, page }) => {
  // A dark "L" on white paper, 300×200, made by the browser as a real PNG.
  const png = await page.evaluate(async () => {
    const c = new OffscreenCanvas(300, 200);
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 300, 200);
    ctx.fillStyle = '#000';
    ctx.fillRect(100, 20, 45, 160);
    ctx.fillRect(100, 135, 110, 45);
    const buf = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    return Array.from(buf);
  });
  await page.getByRole('tab', { name: 'Image file' }).click();
  await page
    .getByTestId('x0-file')
    .setInputFiles({ name: 'ell.png', mimeType: 'image/png', buffer: Buffer.from(png) });
  await expect(page.getByTestId('x0-source')).toHaveText('uploaded “ell.png”');
  const x0 = await app.pixels('x0-canvas');
  expect(mean(x0)).toBeLessThan(90);
  expect(x0.filter((v) => v > 200).length).toBeGreaterThan(30);
  expect(x0[0]).toBeLessThan(10);
});

test('scrubbing never blocks the main thread for more than 100 ms', async ({ app, page }) => {
  await app.watchLongTasks();
  await app.dragSlider(0, 1, 60);
  await app.dragSlider(1, 0, 60);
  await page.locator('h1').click();
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
  await app.waitForFrame('30');
  const longTasks = await app.longTasks();
  expect(Math.max(0, ...longTasks)).toBeLessThan(100);
  // Each drawn frame was measured from the t change that asked for it.
  const latencies = await page.evaluate(() => performance.getEntriesByName('dp:t-to-frame').length);
  expect(latencies).toBeGreaterThan(30);
});
