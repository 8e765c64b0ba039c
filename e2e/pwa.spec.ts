import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousViolations } from './axe';
import { cutGrid, shareClassifiedAs } from './classify';
import { expect, test } from './fixtures';
import { serveStatic } from './static-server';

// The other specs block service workers (playwright.config.ts): route-based faults do not see
// requests a worker answers, and each would precache the whole build. These are about it.
test.use({ serviceWorkers: 'allow' });

test('after one visit the app reloads with the network off: it draws a digit and samples the default model', async ({
  app,
  page,
  context,
}) => {
  test.setTimeout(300_000);
  // wasm: sampling on SwiftShader's WebGPU would take minutes.
  await app.openOn('wasm');
  await expect(page.getByTestId('offline-ready')).toContainText('works offline', {
    timeout: 120_000,
  });
  expect(await seriousViolations(page, 'offline-ready notice')).toEqual([]);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await app.waitForFrame(String(await app.t()));
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  // Served by the service worker with COOP/COEP: still isolated, so wasm keeps its threads.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await page.getByRole('tab', { name: 'Draw' }).click();
  const box = (await page.getByTestId('draw-pad').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId('x0-source')).toHaveText('your drawing');
  await expect.poll(async () => Math.max(...(await app.pixels('x0-canvas')))).toBeGreaterThan(200);

  await page.getByRole('tab', { name: /Sample/ }).click();
  await expect(page.getByTestId('sample-model')).toContainText('pretrained default model', {
    timeout: 60_000,
  });
  await page.getByLabel('Class', { exact: true }).selectOption('4');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 240_000 });
  expect(await shareClassifiedAs(cutGrid(await app.pixels('sample-xt'), 16, 4), 4)).toBeGreaterThan(
    0.5,
  );
  expect(app.consoleErrors).toEqual([]);
});

test('installable: the manifest parses, names the app, starts it standalone, and its icons load', async ({
  page,
}) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifestUrl = new URL(href!, page.url()).href;
  const response = await page.request.get(manifestUrl);
  expect(response.ok()).toBe(true);
  const manifest = (await response.json()) as {
    name: string;
    short_name: string;
    start_url: string;
    display: string;
    icons: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  expect(manifest.name).toBe('Diffusion Playground');
  expect(manifest.short_name.length).toBeLessThanOrEqual(12);
  expect(new URL(manifest.start_url, manifestUrl).href).toBe(new URL('/', page.url()).href);
  expect(['standalone', 'fullscreen', 'minimal-ui']).toContain(manifest.display);
  const sizes = manifest.icons.filter((i) => i.purpose !== 'maskable').map((i) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const url = new URL(icon.src, manifestUrl).href;
    // Decoded by the browser: a real PNG of the size the manifest claims.
    const size = await page.evaluate(async (u) => {
      const bitmap = await createImageBitmap(await (await fetch(u)).blob());
      return `${bitmap.width}x${bitmap.height}`;
    }, url);
    expect(size, icon.src).toBe(icon.sizes);
    expect(icon.type).toBe('image/png');
  }
});

test('on a static host the service worker isolates the page, and a new version announces itself and updates on reload', async ({
  app,
  page,
}) => {
  test.setTimeout(240_000);
  // A copy of the build, so this test can publish a "new version" of it.
  const dir = mkdtempSync(join(tmpdir(), 'dp-pwa-'));
  cpSync(process.env['PW_DIST'] ?? 'dist', dir, { recursive: true });
  const host = await serveStatic(dir);
  try {
    await page.goto(`${host.url}?backend=wasm`);
    // No COOP/COEP from this host: the worker's headers isolate the page after one reload.
    const isolated = () => page.evaluate(() => crossOriginIsolated).catch(() => false);
    await expect.poll(isolated, { timeout: 60_000 }).toBe(true);
    await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 120_000 });
    await expect(page).toHaveTitle('Diffusion Playground');

    // Publish a new version: another page title, and the worker's list says index.html changed.
    const html = join(dir, 'index.html');
    writeFileSync(
      html,
      readFileSync(html, 'utf8').replace(
        '<title>Diffusion Playground<',
        '<title>Diffusion Playground v2<',
      ),
    );
    const sw = join(dir, 'sw.js');
    const source = readFileSync(sw, 'utf8');
    const updated = source.replace(
      /"revision":"[^"]+","url":"index\.html"/,
      '"revision":"v2","url":"index.html"',
    );
    expect(updated).not.toBe(source);
    writeFileSync(sw, updated);

    // A reload finds it; the page keeps running the old version and says a new one is ready.
    await page.reload();
    await expect(page.getByTestId('update-banner')).toContainText(
      'A new version of the playground is ready',
      { timeout: 60_000 },
    );
    await expect(page).toHaveTitle('Diffusion Playground');
    expect(await seriousViolations(page, 'new-version banner')).toEqual([]);
    await page.getByRole('button', { name: 'Reload to update' }).click();
    await expect(page).toHaveTitle('Diffusion Playground v2', { timeout: 60_000 });
    await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
    await expect(page.getByTestId('update-banner')).toHaveCount(0);
    expect(await isolated()).toBe(true);
    expect(app.consoleErrors).toEqual([]);
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
