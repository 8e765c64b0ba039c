import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const WIDTHS = [390, 768, 1024, 1366, 1920];

/** The widest element past the viewport's right edge, for the failure message. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
  });
}

// The screens that only appear after an action, at every width: the schedule's notes with zero
// terminal SNR, the draw pad with its keyboard cursor, the quality meter mid-measurement.
// Screenshots go to the test's output folder, to be looked at.
for (const width of WIDTHS) {
  test(`action screens at ${width} px`, async ({ app, page }, info) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height: 900 });
    await app.openOn('wasm');
    await app.waitForFrame('500');
    const T = page.getByLabel('Number of timesteps T');
    await T.fill('50');
    await T.press('Enter');
    await expect(page.getByTestId('schedule-end-note')).toBeVisible();
    await page.screenshot({
      path: info.outputPath(`forward-end-note-${width}.png`),
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Rescale to zero terminal SNR' }).click();
    await expect(page.getByTestId('schedule-zero-snr-note')).toBeVisible();
    await page.getByRole('tab', { name: 'Draw' }).click();
    await page.getByTestId('draw-pad').focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('pad-cursor')).toBeVisible();
    let o = await overflow(page);
    expect(o.scroll, `forward at ${width}: ${o.wide.join('; ')}`).toBeLessThanOrEqual(o.client);
    await page.screenshot({
      path: info.outputPath(`forward-zero-snr-pad-${width}.png`),
      fullPage: true,
    });

    await page.getByRole('tab', { name: /Train/ }).click();
    await app.waitForDefaultModel();
    await page.getByLabel('Training zero terminal SNR').check();
    await page.getByLabel('Prediction target').selectOption('epsilon');
    await expect(page.getByTestId('zero-snr-epsilon-warning')).toBeVisible();
    o = await overflow(page);
    expect(o.scroll, `train at ${width}: ${o.wide.join('; ')}`).toBeLessThanOrEqual(o.client);
    await page.screenshot({ path: info.outputPath(`train-zero-snr-${width}.png`), fullPage: true });

    await page.getByRole('tab', { name: /Sample/ }).click();
    await expect(page.getByTestId('model-card')).toBeVisible();
    await page.getByLabel('Samples to score').fill('500');
    await page.getByRole('button', { name: 'Measure quality' }).click();
    await expect(page.getByTestId('quality-progress')).toContainText('sampling', {
      timeout: 60_000,
    });
    o = await overflow(page);
    expect(o.scroll, `sample at ${width}: ${o.wide.join('; ')}`).toBeLessThanOrEqual(o.client);
    await page
      .getByRole('region', { name: 'Quality meter' })
      .screenshot({ path: info.outputPath(`sample-quality-${width}.png`) });
    await page.getByRole('button', { name: 'Cancel measurement' }).click();
    await expect(page.getByTestId('quality-progress')).toHaveText('Measurement cancelled.');
  });
}
