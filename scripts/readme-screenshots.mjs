// The README's screenshots, one per tab at a laptop width, from the production build in Debian's
// Chromium (wasm, the default model: a sampled grid of 7s, an interpolation from 3 to 8, the
// 2-D lab's two moons trained and sampled). Run `npm run build` first.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

if (!existsSync('dist/index.html')) {
  console.error('No production build: run `npm run build` first.');
  process.exit(1);
}
mkdirSync('docs/screenshots', { recursive: true });
const server = await preview({ preview: { port: 4176, strictPort: false, host: '127.0.0.1' } });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
});
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
// The first-visit tour would cover the tabs.
await page.addInitScript(() => localStorage.setItem('diffusion-playground.tour-seen', 'readme'));
await page.goto(`${server.resolvedUrls.local[0]}?backend=wasm`);
await page.getByTestId('xt-canvas').and(page.locator('[data-frame="500"]')).waitFor();
await page.screenshot({ path: 'docs/screenshots/forward-1366.png' });
await page.getByRole('tab', { name: /Train/ }).click();
await page.getByTestId('train-status').getByText('finished').waitFor({ timeout: 60_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/screenshots/train-1366.png' });
await page.getByRole('tab', { name: /Sample/ }).click();
await page.getByLabel('Class', { exact: true }).selectOption('7');
await page.getByRole('button', { name: 'Sample', exact: true }).click();
await page.getByTestId('sample-state').getByText('done').waitFor({ timeout: 120_000 });
await page.getByTestId('sample-xt').scrollIntoViewIfNeeded();
await page.screenshot({ path: 'docs/screenshots/sample-1366.png' });
await page.getByRole('tab', { name: /Create/ }).click();
await page.getByRole('tab', { name: 'Interpolate', exact: true }).click();
await page.getByLabel('Interpolate between', { exact: true }).selectOption('classes');
await page.getByLabel('From class', { exact: true }).selectOption('3');
await page.getByLabel('To class', { exact: true }).selectOption('8');
await page.getByRole('button', { name: 'Interpolate', exact: true }).click();
await page.getByTestId('sample-state').getByText('done').waitFor({ timeout: 120_000 });
await page.getByTestId('create-xt').scrollIntoViewIfNeeded();
await page.screenshot({ path: 'docs/screenshots/create-1366.png' });
await page.getByRole('tab', { name: '2-D lab' }).click();
// The default objective (ε) drives the DDPM and DDIM panels, a flow-matching model the third.
for (const objective of [null, 'Flow matching (ε − x₀)']) {
  if (objective) await page.getByLabel('Predicts').selectOption({ label: objective });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page
    .getByTestId('lab2d-train-status')
    .getByText(objective ? /Flow matching[^;]*steps/ : /steps/)
    .waitFor({ timeout: 120_000 });
}
await page.getByRole('button', { name: 'Sample', exact: true }).click();
const ddim = page.getByTestId('lab2d-traj-ddim');
// Until the player has reached the last step (its label reads "step n of n").
for (let k = 0; k < 240; k++) {
  const [, f, n] = /step (\d+) of (\d+)/.exec((await ddim.getAttribute('aria-label')) ?? '') ?? [];
  if (f !== undefined && f === n) break;
  await page.waitForTimeout(500);
}
await ddim.scrollIntoViewIfNeeded();
await page.screenshot({ path: 'docs/screenshots/lab2d-1366.png' });
await browser.close();
await server.close();
console.log('docs/screenshots/{forward,train,sample,create,lab2d}-1366.png');
