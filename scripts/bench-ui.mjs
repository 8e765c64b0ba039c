/* global window, requestAnimationFrame */
// Measures, in Debian's Chromium against the production build: time from navigation to the first
// drawn x_t frame and to the tfjs backend being ready, and the latency from a slider change to its
// frame on screen while scrubbing. Prints figures; asserts nothing. Run `npm run build` first.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '5' },
    steps: { type: 'string', default: '200' },
    backend: { type: 'string', default: '' },
  },
});
if (!existsSync('dist/index.html')) {
  console.error('No production build: run `npm run build` first.');
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));

const server = await preview({ preview: { port: 4174, strictPort: false, host: '127.0.0.1' } });
const url = server.resolvedUrls.local[0] + (values.backend ? `?backend=${values.backend}` : '');
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: WEBGPU_ARGS,
});

const firstFrame = [];
const backendReady = [];
let backendName = '';
for (let i = 0; i < Number(values.loads); i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(url);
  await page.waitForFunction(
    () =>
      performance.getEntriesByName('dp:first-frame').length > 0 &&
      performance.getEntriesByName('dp:backend-ready').length > 0,
    null,
    { timeout: 120_000 },
  );
  const marks = await page.evaluate(() => ({
    first: performance.getEntriesByName('dp:first-frame')[0].startTime,
    ready: performance.getEntriesByName('dp:backend-ready')[0].startTime,
    backend: performance.getEntriesByName('dp:backend-ready')[0].detail,
  }));
  firstFrame.push(marks.first);
  backendReady.push(marks.ready);
  backendName = marks.backend;
  await page.close();
}

const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
await page.goto(url);
await page.waitForFunction(
  () => performance.getEntriesByName('dp:backend-ready').length > 0,
  null,
  { timeout: 120_000 },
);
await page.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((l) =>
    l.getEntries().forEach((e) => window.__longTasks.push(e.duration)),
  ).observe({ type: 'longtask' });
  // Display-frame intervals while scrubbing: the floor for any frame's latency.
  window.__frames = [];
  const tick = (now) => {
    window.__frames.push(now);
    if (window.__frames.length < 100000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  performance.clearMeasures('dp:t-to-frame');
  performance.clearMeasures('dp:t-to-reply');
});
const box = await page.getByTestId('t-slider').boundingBox();
const y = box.y + box.height / 2;
const steps = Number(values.steps);
await page.mouse.move(box.x + 2, y);
await page.mouse.down();
for (let i = 1; i <= steps; i++) {
  const frac = (i % (2 * 100)) / 100;
  await page.mouse.move(box.x + 2 + (frac <= 1 ? frac : 2 - frac) * (box.width - 4), y);
}
await page.mouse.up();
await page.waitForTimeout(300);
const scrub = await page.evaluate(() => ({
  latencies: performance.getEntriesByName('dp:t-to-frame').map((e) => e.duration),
  replies: performance.getEntriesByName('dp:t-to-reply').map((e) => e.duration),
  frameIntervals: window.__frames.slice(1).map((t, i) => t - window.__frames[i]),
  longTasks: window.__longTasks,
}));
await browser.close();
await server.close();

console.log(
  `Forward visualizer in Chromium ${browser.version()} (backend ${backendName}), ${Number(values.loads)} loads`,
);
console.log(
  `  navigation → first x_t frame drawn: median ${f(median(firstFrame))} ms  (all: ${firstFrame.map(f).join(', ')})`,
);
console.log(
  `  navigation → tfjs backend ready:    median ${f(median(backendReady))} ms  (all: ${backendReady.map(f).join(', ')})`,
);
console.log(`Scrubbing: ${steps} slider moves, ${scrub.latencies.length} frames drawn`);
console.log(
  `  slider change → frame on screen: median ${f(median(scrub.latencies))} ms, p95 ${f(pct(scrub.latencies, 0.95))} ms, max ${f(Math.max(...scrub.latencies))} ms`,
);
console.log(
  `  slider change → worker's frame back on the page: median ${f(median(scrub.replies))} ms, p95 ${f(pct(scrub.replies, 0.95))} ms`,
);
console.log(
  `  display frame interval while scrubbing: median ${f(median(scrub.frameIntervals))} ms, p95 ${f(pct(scrub.frameIntervals, 0.95))} ms`,
);
console.log(
  `  main-thread long tasks (>50 ms): ${scrub.longTasks.length}, longest ${f(Math.max(0, ...scrub.longTasks))} ms`,
);
