import type { Page } from '@playwright/test';
import { cutGrid, shareClassifiedAs } from './classify';
import { type AppPage, expect, test } from './fixtures';
import { serveStatic, type StaticServer } from './static-server';

// tfjs' threaded wasm needs a cross-origin isolated page. The built app is served three ways:
// by `vite preview`, which sends COOP/COEP; by a plain static host, where the service worker the
// page registers adds them and reloads once; and by a plain static host in a browser without
// service workers (as in a private window), where wasm runs on one thread and says why.

/** Threads the app should take here: tfjs' threaded build starts 8 pthread workers. */
async function expectedThreads(page: Page): Promise<number> {
  return Math.min(8, await page.evaluate(() => navigator.hardwareConcurrency));
}

async function openWasmAt(page: Page, url: string): Promise<void> {
  await page.goto(`${url}?backend=wasm`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
}

/** Samples 16 digits of `label` from the loaded model; most must read as that digit. */
async function sampleDigit(app: AppPage, label: number): Promise<void> {
  const { page } = app;
  await page.getByRole('tab', { name: /Sample/ }).click();
  await expect(page.getByTestId('sample-model')).toContainText('pretrained default model', {
    timeout: 60_000,
  });
  await page.getByLabel('Class', { exact: true }).selectOption(String(label));
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 240_000 });
  const share = await shareClassifiedAs(cutGrid(await app.pixels('sample-xt'), 16, 4), label);
  console.log(`${share * 16} of 16 read as ${label}`);
  expect(share).toBeGreaterThanOrEqual(0.75);
}

test.describe('wasm threads', () => {
  let plainHost: StaticServer;
  test.beforeAll(async () => {
    plainHost = await serveStatic(process.env['PW_DIST'] ?? 'dist');
  });
  test.afterAll(async () => {
    await plainHost.close();
  });

  test('isolated by the server: wasm samples and trains on several threads', async ({
    app,
    page,
  }) => {
    test.setTimeout(420_000);
    await app.openOn('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const threads = await expectedThreads(page);
    test.skip(threads < 2, 'a one-core machine has nothing to spread over threads');
    await expect(page.getByTestId('wasm-threads')).toHaveText(`· ${threads} threads`);

    await sampleDigit(app, 3);

    await page.getByRole('tab', { name: /Train/ }).click();
    await app.waitForDefaultModel();
    await app.fillTrainSettings({ Batch: 8, Steps: 6, 'Preview every': 3, 'Autosave every': 6 });
    await app.trainNewModel();
    // The step first: the shipped model also reads "finished" until the new run starts.
    await expect(page.getByTestId('train-step')).toHaveText('6 / 6', { timeout: 240_000 });
    await expect(page.getByTestId('train-status')).toHaveText('finished');
    await expect(page.getByTestId('preview-canvas')).toHaveAttribute('data-frame', '6');
    await expect(page.getByTestId('wasm-threads')).toHaveText(`· ${threads} threads`);
  });

  // A threaded start that fails (here its binary never arrives) falls back to the one-thread
  // build, not to another backend.
  test('the threaded build fails to load: one thread, said so, and it samples', async ({
    app,
    page,
  }) => {
    test.setTimeout(300_000);
    await page.route('**/tfjs-backend-wasm-threaded-simd-*.wasm', (route) => route.abort());
    await app.openOn('wasm');
    await expect(page.getByTestId('wasm-threads')).toHaveText(
      '· one thread: the threaded build did not start (it failed to initialise)',
    );
    await sampleDigit(app, 5);
  });

  test.describe('with the service worker', () => {
    // Blocked for the other specs (playwright.config.ts); this one is about it.
    test.use({ serviceWorkers: 'allow' });
    test('static host: the service worker isolates the page, then wasm runs on threads', async ({
      app,
      page,
    }) => {
      test.setTimeout(180_000);
      // The first load is not isolated; the service worker it registers reloads the page once.
      await page.goto(`${plainHost.url}?backend=wasm`);
      // Asked while the page reloads, the question fails; it is asked again.
      const isolated = () => page.evaluate(() => crossOriginIsolated).catch(() => false);
      await expect.poll(isolated, { timeout: 60_000 }).toBe(true);
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
      const threads = await expectedThreads(page);
      test.skip(threads < 2, 'a one-core machine has nothing to spread over threads');
      await expect(page.getByTestId('wasm-threads')).toHaveText(`· ${threads} threads`);
      await app.waitForFrame(String(await app.t()));
    });
  });

  test('not isolated (no headers, no service worker): one thread, said so, and it samples', async ({
    app,
    page,
  }) => {
    test.setTimeout(300_000);
    // What a private window or a browser without service workers leaves the script to work with.
    await page.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined }),
    );
    await openWasmAt(page, plainHost.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('wasm-threads')).toHaveText(
      '· one thread: this page is not cross-origin isolated',
    );
    await sampleDigit(app, 7);
  });
});
