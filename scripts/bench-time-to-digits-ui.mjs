// Time to digits as a learner gets it: Debian's Chromium opens the production build with no URL
// flags (the backend chosen by measurement, wasm threads when the page is isolated), presses
// "New model" with the recommended recipe, and reads the Train tab's quality meter (class
// accuracy of its samples against training time, scoring not counted) until 90 % or --minutes.
// Prints figures; asserts nothing. Run `npm run build` first.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    backend: { type: 'string', default: '' },
  },
});
if (!existsSync('dist/index.html')) {
  console.error('No production build: run `npm run build` first.');
  process.exit(1);
}
const limitMs = Number(values.minutes) * 60_000;

const server = await preview({ preview: { port: 4175, strictPort: false, host: '127.0.0.1' } });
const url = server.resolvedUrls.local[0] + (values.backend ? `?backend=${values.backend}` : '');
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: WEBGPU_ARGS,
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
await page.goto(url);
await page
  .getByTestId('backend-status')
  .getByText(/^(webgpu|webgl|wasm|cpu)$/)
  .waitFor({
    timeout: 180_000,
  });
const header = (await page.getByTestId('backend-status').innerText()).replace(/\s+/g, ' ');
await page.getByRole('tab', { name: /Train/ }).click();
await page
  .getByTestId('train-status')
  .getByText(/finished|paused|empty/)
  .waitFor({
    timeout: 120_000,
  });
await page.getByRole('button', { name: 'New model' }).click();
const recipe = page.getByRole('button', { name: 'Discard and train the recommended recipe' });
if (await recipe.isVisible()) await recipe.click();
else await page.getByRole('button', { name: 'Discard and train a new model' }).click();
const wallStart = Date.now();
await page.getByTestId('train-status').getByText('running').waitFor();
const settings = await page
  .getByRole('region', { name: 'Training settings' })
  .locator('input, select')
  .evaluateAll((els) => els.map((el) => `${el.getAttribute('aria-label')}=${el.value}`).join(', '));

const rows = new Map();
const seconds = (text) => {
  const m = /(?:(\d+) h )?(?:(\d+) min )?(\d+) s/.exec(text);
  return m ? (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3]) : NaN;
};
let best = 0;
while (Date.now() - wallStart < limitMs && best < 0.9) {
  await page.waitForTimeout(3000);
  const table = page.getByTestId('train-quality');
  if ((await table.count()) === 0) continue;
  for (const cells of await table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    )) {
    const step = Number(cells[0]);
    if (rows.has(step)) continue;
    const accuracy = parseFloat(cells[1]) / 100;
    rows.set(step, {
      step,
      accuracy,
      trainingS: seconds(cells[5]),
      tookS: parseFloat(cells[6]),
      wallS: (Date.now() - wallStart) / 1000,
    });
    best = Math.max(best, accuracy);
  }
}
await page
  .getByRole('button', { name: 'Pause' })
  .click()
  .catch(() => undefined);

const list = [...rows.values()].sort((a, b) => a.step - b.step);
console.log(`Chromium ${browser.version()} · ${header}`);
console.log(`load average (1 min) at the end: ${loadavg()[0].toFixed(2)}`);
console.log(`settings: ${settings}`);
console.log(
  '\n| step | training time (s) | class accuracy | scoring took (s) | wall since Train (s) |',
);
console.log('|---|---|---|---|---|');
for (const r of list)
  console.log(
    `| ${r.step} | ${r.trainingS} | ${(r.accuracy * 100).toFixed(0)}% | ${r.tookS} | ${r.wallS.toFixed(0)} |`,
  );
for (const share of [0.5, 0.8, 0.9]) {
  const hit = list.find((r) => r.accuracy >= share);
  console.log(
    `time to ${share * 100}%: ${hit ? `${hit.trainingS} s of training (step ${hit.step}; ≤ ${hit.wallS.toFixed(0)} s of wall time)` : 'not reached'}`,
  );
}
await browser.close();
await server.close();
