import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

// WAI-ARIA tabs: one tab stop, arrows and Home/End move and select; the tab survives a reload.
test('the main tabs work from the keyboard and come back after a reload', async ({ app, page }) => {
  await app.openOn('wasm');
  // Canvases say what they show, with the live numbers.
  await expect(page.getByTestId('xt-canvas')).toHaveAttribute(
    'aria-label',
    'x_t of MNIST digit 7 at t = 500: 0.28 of the digit plus 0.96 of the noise',
  );
  const forward = page.getByRole('tab', { name: /Forward process/ });
  await forward.focus();
  await expect(forward).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('tab', { name: /Train/ })).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('ArrowRight');
  const train = page.getByRole('tab', { name: /Train/ });
  await expect(train).toHaveAttribute('aria-selected', 'true');
  await expect(train).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: /Train/ })).toBeVisible();
  // Each tab opens with what the learner is looking at.
  await expect(page.getByTestId('explainer-train')).toContainText('Training objective');
  // End goes to the last section (more than three now), ArrowRight wraps to the first.
  const last = page.getByRole('tablist', { name: 'Sections' }).getByRole('tab').last();
  await page.keyboard.press('End');
  await expect(last).toBeFocused();
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(forward).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('explainer-forward')).toContainText('forward process');
  await page.keyboard.press('ArrowLeft');
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: /Sample/ })).toBeFocused();
  await expect(page.getByTestId('explainer-sample')).toContainText('The reverse process');
  await expect(page.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('sample');
  await page.reload();
  await expect(page.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Measure quality' })).toBeVisible();
});

/** Presses Tab (Shift+Tab when `back`) until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, back = false, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${String(target)} was not reached with ${back ? 'Shift+Tab' : 'Tab'}`);
}

// No mouse from here on: only Tab, Shift+Tab, arrows, Enter, Space and typing.
test('forward tab by keyboard: a class, t, and a digit drawn with the keys', async ({
  app,
  page,
}) => {
  await app.openOn('wasm');
  await app.waitForFrame('500');
  const classSelect = page.getByLabel('Digit class');
  await tabTo(page, classSelect);
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('x0-source')).toHaveText(/^MNIST digit 6, #\d+$/);
  await expect(page.getByTestId('x0-canvas')).toHaveAttribute('aria-label', /MNIST digit 6/);

  // The schedule charts are pictures with a sentence each, and no focus stops.
  const curves = page.getByRole('region', { name: 'Schedule curves' });
  await expect(
    curves.getByRole('img', {
      name: /^ᾱ against t: linear from 1 at t = 0 to 4\.04e-5 at t = 999; cosine from/,
    }),
  ).toBeVisible();
  await expect(
    curves.getByRole('img', { name: /^log SNR against t: linear from 9\.21/ }),
  ).toBeVisible();
  await expect(curves.locator('[tabindex]:not([tabindex="-1"])')).toHaveCount(0);
  await tabTo(page, app.slider());
  await page.keyboard.press('Home');
  await app.waitForFrame('0');
  await page.keyboard.press('ArrowRight');
  await app.waitForFrame('1');
  await page.keyboard.press('End');
  await app.waitForFrame('999');
  await expect(page.getByTestId('t-value')).toHaveText('999');

  // Back up the page to the picker's "Draw" tab, then draw an L with the pen.
  await tabTo(page, page.getByRole('tab', { name: 'Draw' }), true);
  await page.keyboard.press('Enter');
  const pad = page.getByTestId('draw-pad');
  // Start from the MNIST 6 on screen, then clear the pad again.
  const six = await app.pixels('x0-canvas');
  await tabTo(page, page.getByRole('button', { name: 'Copy x₀ into the pad' }));
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await app.pixels('draw-pad')).join(',')).toBe(six.join(','));
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Clear pad' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(async () => Math.max(...(await app.pixels('draw-pad')))).toBe(0);
  await tabTo(page, pad, true);
  await expect(pad).toHaveAccessibleDescription(/arrow keys move the cursor/);
  await expect(page.getByTestId('pad-cursor')).toBeVisible();
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('Space');
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('pad-status')).toHaveText('Cursor at column 21, row 19; pen up.');
  await expect(page.getByTestId('x0-source')).toHaveText('your drawing');
  // The pad's arrows moved the cursor, not t.
  await expect(page.getByTestId('t-value')).toHaveText('999');
  // The pad redraws on the next animation frame.
  await expect.poll(async () => (await app.pixels('draw-pad'))[18 * 28 + 19]).toBeGreaterThan(200);
  const drawn = await app.pixels('draw-pad');
  // The stroke down pixel column 14 from row 6 to 18, then along row 18 to column 20.
  expect(drawn[10 * 28 + 14]).toBeGreaterThan(200);
  expect(drawn[18 * 28 + 19]).toBeGreaterThan(200);
  expect(drawn[3 * 28 + 3]).toBe(0);
  await expect.poll(async () => (await app.pixels('x0-canvas')).join(',')).toBe(drawn.join(','));
  // The pad with its cursor, help and status passes axe (WCAG 2.1 A/AA).
  const axe = await new AxeBuilder({ page })
    .include('[aria-label="Choose x0"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  // X erases under the cursor, at the stroke's end.
  await page.keyboard.press('x');
  await expect.poll(async () => (await app.pixels('draw-pad'))[18 * 28 + 20]).toBe(0);
});

test('train and sample tabs by keyboard: train a few steps, sample, step back, export', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openOn('wasm');
  const forward = page.getByRole('tab', { name: /Forward process/ });
  await tabTo(page, forward);
  await page.keyboard.press('ArrowRight');
  await app.waitForDefaultModel();
  const status = page.getByTestId('train-status');
  const more = page.getByRole('button', { name: 'Train more' });
  await tabTo(page, more);
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('running');
  const pause = page.getByRole('button', { name: 'Pause' });
  await expect(pause).toBeFocused();
  // A few steps of the shipped model's run, then Pause (the same button, still focused).
  const step = page.getByTestId('train-step');
  const first = Number((await step.innerText()).split('/')[0]);
  await expect
    .poll(async () => Number((await step.innerText()).split('/')[0]), { timeout: 120_000 })
    .toBeGreaterThan(first + 2);
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('paused');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeFocused();

  await tabTo(page, page.getByRole('tab', { name: /Train/ }), true);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  const steps = page.getByLabel('Steps', { exact: true });
  await tabTo(page, steps);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('5');
  await page.keyboard.press('Tab');
  await tabTo(page, page.getByRole('button', { name: 'Sample', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  const progress = page.getByTestId('sample-progress');
  await expect(progress).toContainText('step 5 of 5');
  expect(new Set(await app.pixels('sample-xt')).size).toBeGreaterThan(10);
  await tabTo(page, page.getByRole('button', { name: 'Step back' }), true);
  await page.keyboard.press('Enter');
  await expect(progress).toContainText('step 4 of 5');
  await tabTo(page, page.getByTestId('export-sample-xt'));
  const [png] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(png.suggestedFilename()).toMatch(/^xt_ddim5-eta0_seed1_.*_step4of5\.png$/);
});
