import AxeBuilder from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function openLab(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await page.getByRole('tab', { name: '2-D lab' }).click();
  await expect(page.getByTestId('lab2d-plot')).toBeVisible();
}

/** A drag across the plot from (x0, y0) to (x1, y1), in fractions of its size. */
async function drag(page: Page, x0: number, y0: number, x1: number, y1: number): Promise<void> {
  const box = await page.getByTestId('lab2d-plot').boundingBox();
  if (!box) throw new Error('no plot');
  await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) {
    const u = k / 20;
    await page.mouse.move(
      box.x + (x0 + u * (x1 - x0)) * box.width,
      box.y + (y0 + u * (y1 - y0)) * box.height,
    );
  }
  await page.mouse.up();
}

async function train(page: Page, objective: string, steps: string): Promise<void> {
  await page.getByLabel('Predicts').selectOption({ label: objective });
  await page
    .getByRole('region', { name: 'Train a denoiser' })
    .getByRole('spinbutton', { name: 'Steps', exact: true })
    .fill(steps);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('lab2d-train-status')).toContainText(
    `${objective}: ${steps} steps`,
    {
      timeout: 60_000,
    },
  );
}

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'latin1') };
}

test('2-D lab: draw points, train ε and flow matching, sample with trails, fields, exports', async ({
  page,
}) => {
  await openLab(page);
  const plot = page.getByTestId('lab2d-plot');
  await expect(plot).toHaveAttribute('data-points', '2000');

  // Draw two strokes on an empty canvas, one per label.
  await page.getByRole('button', { name: 'Clear points' }).click();
  await expect(plot).toHaveAttribute('data-points', '0');
  await drag(page, 0.3, 0.3, 0.45, 0.45);
  await page.getByLabel('Brush label').selectOption({ index: 1 });
  await drag(page, 0.55, 0.6, 0.7, 0.7);
  const drawn = Number(await plot.getAttribute('data-points'));
  expect(drawn).toBeGreaterThan(40);
  await expect(page.getByTestId('lab2d-data-note')).toHaveText(`${drawn} points, drawn.`);
  // The eraser takes points away.
  await page.getByLabel('Brush', { exact: true }).selectOption('erase');
  await drag(page, 0.3, 0.3, 0.35, 0.35);
  await expect.poll(async () => Number(await plot.getAttribute('data-points'))).toBeLessThan(drawn);
  await page.getByLabel('Brush', { exact: true }).selectOption('off');

  // The slider noises the points and the heatmap follows.
  await page.getByTestId('lab2d-t').fill('400');
  await expect(plot).toHaveAttribute('data-density', '400');
  await expect(plot).toHaveAccessibleName(/at t = 400: x_t = 0\.\d\d·x₀ \+ 0\.\d\d·ε/);

  await train(page, 'Noise ε (DDPM)', '150');
  await expect(page.getByTestId('lab2d-backend')).toContainText('WebAssembly');
  await train(page, 'Flow matching (ε − x₀)', '150');

  await page.getByRole('spinbutton', { name: 'Particles' }).fill('100');
  await page
    .getByRole('region', { name: 'See the reverse process' })
    .getByRole('spinbutton', { name: 'Steps', exact: true })
    .fill('20');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  for (const m of ['ddpm', 'ddim', 'flow'])
    await expect(page.getByTestId(`lab2d-traj-${m}`)).toBeVisible();
  const ddim = page.getByTestId('lab2d-traj-ddim');
  await expect(ddim).toHaveAccessibleName(/step 20 of 20, t = -1/, { timeout: 20_000 });
  // The player: step back, step, scrub.
  await page.getByRole('button', { name: '◀ Step back' }).click();
  await expect(ddim).toHaveAccessibleName(/step 19 of 20/);
  await page.getByRole('button', { name: 'Step ▶' }).click();
  await expect(ddim).toHaveAccessibleName(/step 20 of 20/);
  await page.getByTestId('lab2d-scrub').fill('5');
  await expect(page.getByTestId('lab2d-traj-flow')).toHaveAccessibleName(/step 5 of 20, t = 0\.75/);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(ddim).toHaveAccessibleName(/step 20 of 20/);

  // Fields: learned beside exact.
  await page.getByLabel('Show fields').check();
  await expect(page.getByTestId('lab2d-field-learned')).toHaveAttribute('data-drawn', 'yes');
  await expect(page.getByTestId('lab2d-field-exact')).toHaveAttribute('data-drawn', 'yes');
  await page.getByLabel('Field of').selectOption('flow');
  await expect(page.getByTestId('lab2d-field-learned')).toHaveAttribute('data-drawn', 'yes');

  // Exports.
  const csv = await download(page, 'Save samples (CSV)');
  expect(csv.name).toBe('lab2d-samples.csv');
  const rows = csv.text.trim().split('\n');
  expect(rows[0]).toBe('method,x,y');
  expect(rows).toHaveLength(301);
  expect(rows.filter((r) => r.startsWith('flow,'))).toHaveLength(100);
  const svg = await download(page, 'Save trails (SVG)');
  expect(svg.name).toBe('lab2d-trails.svg');
  expect(svg.text).toMatch(/^<svg /);
  // 80 trails a panel (SampleCard's TRAILS), three panels.
  expect(svg.text.match(/<path /g)).toHaveLength(240);
  const png = await download(page, 'Save panels (PNG)');
  expect(png.text.slice(1, 4)).toBe('PNG');
  const plotPng = await download(page, 'Save plot (PNG)');
  expect(plotPng.name).toBe('lab2d-plot-t400.png');
  expect(plotPng.text.slice(1, 4)).toBe('PNG');
});

test('2-D lab: the exact denoiser lands every sample on a training point', async ({ page }) => {
  await openLab(page);
  await page.getByLabel('Data set').selectOption('gaussians');
  await page.getByLabel('Denoiser', { exact: true }).selectOption('exact');
  await page.getByRole('spinbutton', { name: 'Particles' }).fill('50');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('lab2d-trajectories')).toHaveAttribute('data-source', 'exact');
  const csv = await download(page, 'Save samples (CSV)');
  const xs = csv.text
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => r.split(',').slice(1).map(Number));
  expect(xs).toHaveLength(150);
  // The 8 modes sit on a circle of radius 1.5: every sample ends on it (a data point there).
  for (const [x = 0, y = 0] of xs) expect(Math.abs(Math.hypot(x, y) - 1.5)).toBeLessThan(0.5);
});

test('2-D lab: a bad CSV is refused in words and changes nothing', async ({ page }) => {
  await openLab(page);
  await page.getByLabel('Load points from a CSV file').setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x,y\n1,2\n3,abc\n'),
  });
  await expect(page.getByTestId('lab2d-data-error')).toHaveText(
    'bad.csv: Line 3: "3,abc" does not start with two numbers x,y. Nothing was changed.',
  );
  await expect(page.getByTestId('lab2d-plot')).toHaveAttribute('data-points', '2000');
  await page.getByLabel('Load points from a CSV file').setInputFiles({
    name: 'good.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x,y,label\n0,0,a\n1,1,b\n2,0,a\n'),
  });
  await expect(page.getByTestId('lab2d-plot')).toHaveAttribute('data-points', '3');
  await expect(page.getByTestId('lab2d-data-note')).toHaveText(
    '3 points, 2 labels, centred and scaled by 2.',
  );
});

test('axe: no serious or critical violations on the 2-D lab tab', async ({ page }) => {
  await openLab(page);
  await page.getByLabel('Show fields').check();
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
});

test('2-D lab: a shared link opens the lab with its settings', async ({ page }) => {
  await page.goto(
    '/?backend=wasm&tab=lab2d&lab.data=spiral&lab.t=300&lab.objective=flow&lab.denoiser=exact',
  );
  await expect(page.getByLabel('Data set')).toHaveValue('spiral');
  await expect(page.getByTestId('lab2d-plot')).toHaveAccessibleName(/at t = 300/);
  await expect(page.getByLabel('Predicts')).toHaveValue('flow');
  await expect(page.getByLabel('Denoiser', { exact: true })).toHaveValue('exact');
  // A change goes back into the address.
  await page.getByLabel('Data set').selectOption('rings');
  await expect.poll(() => new URL(page.url()).searchParams.get('lab.data')).toBe('rings');
});

test('2-D lab: no horizontal overflow from a phone to a wide screen', async ({ app, page }) => {
  await openLab(page);
  await page.getByLabel('Denoiser', { exact: true }).selectOption('exact');
  await page.getByRole('spinbutton', { name: 'Particles' }).fill('20');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('lab2d-traj-flow')).toBeVisible();
  await page.getByLabel('Show fields').check();
  for (const width of [390, 768, 1366, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await app.expectNoHorizontalOverflow(`2-D lab at ${width}px`);
  }
});
