// The 2-D lab as a learner gets it, in Debian's Chromium against a production build: for each
// preset × objective, the training seconds the Train card reports for the default recipe (the
// worker's clock, steps only), and optionally a screenshot of the samples. Prints figures; asserts
// nothing. `npm run bench:lab2d-ui [-- --dist DIR --presets a,b --objectives epsilon,flow --shots DIR]`
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';

const OBJECTIVE_LABELS = {
  epsilon: 'Noise ε (DDPM)',
  v: 'Velocity v (v-prediction)',
  x0: 'Clean point x₀',
  flow: 'Flow matching (ε − x₀)',
};
const PRESETS = ['two-moons', 'rings', 'spiral', 'gaussians', 'checkerboard', 'smiley'];

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    presets: { type: 'string', default: PRESETS.join(',') },
    objectives: { type: 'string', default: 'epsilon,flow' },
    shots: { type: 'string', default: '' },
  },
});
if (!existsSync(join(values.dist, 'index.html'))) {
  console.error(`No production build in ${values.dist}: run \`npm run build\` first.`);
  process.exit(1);
}
if (values.shots) mkdirSync(values.shots, { recursive: true });

const server = await preview({
  build: { outDir: values.dist },
  preview: { port: 4175, strictPort: false, host: '127.0.0.1' },
});
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS });
const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
await page.goto(`${url}?backend=wasm`);
await page.getByRole('tab', { name: '2-D lab' }).click();
console.log(
  `# 2-D lab in Chromium: ${cpus().length} cores, load ${loadavg()[0].toFixed(1)} at start`,
);
console.log('preset | objective | steps | train s (as the lab reports) | backend');
for (const preset of values.presets.split(',')) {
  await page.getByLabel('Data set').selectOption(preset);
  for (const objective of values.objectives.split(',')) {
    const label = OBJECTIVE_LABELS[objective];
    await page.getByLabel('Predicts').selectOption({ label });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const status = page.getByTestId('lab2d-train-status');
    await status.filter({ hasText: `${label}: ` }).waitFor({ timeout: 600_000 });
    const text = await status.textContent();
    const m = new RegExp(`${label.replace(/[()]/g, '\\$&')}: (\\d+) steps in ([\\d.]+) s`).exec(
      text ?? '',
    );
    const backend = await page.getByTestId('lab2d-backend').textContent();
    console.log(
      `${preset} | ${objective} | ${m?.[1]} | ${m?.[2]} | ${backend?.replace('The lab trains on ', '')}`,
    );
    if (values.shots) {
      await page.getByRole('button', { name: 'Sample', exact: true }).click();
      await page.getByTestId(`lab2d-traj-${objective === 'flow' ? 'flow' : 'ddim'}`).waitFor();
      await page.getByRole('button', { name: 'Step ▶' }).waitFor();
      await page.getByTestId('lab2d-scrub').fill('50');
      await page
        .getByTestId('lab2d-trajectories')
        .screenshot({ path: join(values.shots, `${preset}-${objective}.png`) });
    }
  }
}
await browser.close();
await new Promise((resolve) => server.httpServer.close(resolve));
