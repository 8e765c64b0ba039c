import { readFile } from 'node:fs/promises';
import { test as base, expect, type Page } from '@playwright/test';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export interface BackendOption {
  /** The backend this project expects the worker to run on. */
  backend: BackendName;
}

interface Fixtures {
  app: AppPage;
}

/** Page object for the forward visualizer; reads what a person sees (canvases, text). */
export class AppPage {
  readonly consoleErrors: string[] = [];

  constructor(
    readonly page: Page,
    readonly backend: BackendName,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.consoleErrors.push(e.message));
    // Leaving a page that trains asks first; a test that reloads means to leave. Any other
    // dialog is dismissed, as Playwright does when no one listens.
    page.on('dialog', (d) => void (d.type() === 'beforeunload' ? d.accept() : d.dismiss()));
  }

  /** Opens the app; on a fallback project the backend is forced with ?backend=. */
  async open(): Promise<void> {
    await this.openOn(this.backend);
    await this.waitForFrame(String(await this.t()));
  }

  /**
   * Opens the app forced onto `backend` (with more URL parameters, e.g. fault=…) and waits until
   * the worker runs on it. Without ?backend= the app would take the fastest by measurement.
   */
  async openOn(backend: BackendName, more = ''): Promise<void> {
    const params = [`backend=${backend}`, more].filter(Boolean);
    await this.page.goto(`/?${params.join('&')}`);
    await expect(this.page.getByTestId('backend-name')).toHaveText(backend, { timeout: 60_000 });
  }

  /**
   * On the Train tab: waits for the pretrained default model a first visit loads (the form then
   * holds its settings), so that the test's own settings are not overwritten after it fills them.
   */
  async waitForDefaultModel(): Promise<void> {
    await expect(this.page.getByTestId('train-status')).toHaveText('finished', { timeout: 60_000 });
  }

  /**
   * Opens the app on `backend` (with more URL parameters), goes to the Train tab and waits for
   * the default model, so the form can be filled.
   */
  async openTrainTab(backend: BackendName, more = ''): Promise<void> {
    await this.openOn(backend, more);
    await this.page.getByRole('tab', { name: /Train/ }).click();
    await this.waitForDefaultModel();
  }

  /** Fills the Train form's fields by label, as a person types them ("Steps" matched exactly). */
  async fillTrainSettings(fields: Readonly<Record<string, string | number>>): Promise<void> {
    for (const [label, value] of Object.entries(fields)) {
      await this.page.getByLabel(label, { exact: true }).fill(String(value));
    }
  }

  /** "New model" → discard the current one and train a new model with the form's settings. */
  async trainNewModel(): Promise<void> {
    await this.page.getByRole('button', { name: 'New model' }).click();
    await this.page.getByRole('button', { name: 'Discard and train a new model' }).click();
  }

  /** Starts recording main-thread long tasks (PerformanceObserver 'longtask'). */
  async watchLongTasks(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => w.longTasks.push(e.duration)),
      ).observe({ type: 'longtask' });
    });
  }

  /** Durations (ms) of the long tasks recorded since watchLongTasks(). */
  async longTasks(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  }

  /** Fails when the page scrolls sideways, naming the first elements past its right edge. */
  async expectNoHorizontalOverflow(what: string): Promise<void> {
    const o = await this.page.evaluate(() => {
      const doc = document.documentElement;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
        .slice(0, 3)
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`,
        );
      return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
    });
    expect(o.scroll, `${what}: ${o.wide.join('; ')}`).toBeLessThanOrEqual(o.client);
  }

  slider() {
    return this.page.getByTestId('t-slider');
  }

  async t(): Promise<number> {
    return Number(await this.page.getByTestId('t-value').innerText());
  }

  /** Waits until the x_t canvas shows the frame computed for timestep t. */
  async waitForFrame(t: string): Promise<void> {
    await expect(this.page.getByTestId('xt-canvas')).toHaveAttribute('data-frame', t);
  }

  /** Grayscale values (red channel) of a canvas, as the page draws them. */
  async pixels(testId: string): Promise<number[]> {
    return this.page.getByTestId(testId).evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return Array.from(data.filter((_, i) => i % 4 === 0));
    });
  }

  /** Clicks the button with this test id and reads the file it downloads. */
  async download(testId: string): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(testId).click(),
    ]);
    return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
  }

  /** Presses the mouse at one end of the slider and drags to `to` (0 = left end, 1 = right end). */
  async dragSlider(from: number, to: number, steps = 20): Promise<void> {
    const box = await this.slider().boundingBox();
    if (!box) throw new Error('slider not visible');
    const x = (f: number) => box.x + 2 + f * (box.width - 4);
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x(from), y);
    await this.page.mouse.down();
    for (let i = 1; i <= steps; i++)
      await this.page.mouse.move(x(from + ((to - from) * i) / steps), y);
    await this.page.mouse.up();
  }
}

export interface TourOption {
  /** Marks the first-visit tour as seen before the page loads, so it does not start (default). */
  tourSeen: boolean;
}

export const test = base.extend<Fixtures & BackendOption & TourOption>({
  backend: ['webgpu', { option: true }],
  tourSeen: [true, { option: true }],
  context: async ({ context, tourSeen }, use) => {
    if (tourSeen)
      await context.addInitScript(() =>
        localStorage.setItem('diffusion-playground.tour-seen', 'e2e'),
      );
    await use(context);
  },
  app: async ({ page, backend }, use) => {
    const app = new AppPage(page, backend);
    await use(app);
    expect(app.consoleErrors, 'console errors').toEqual([]);
  },
});

export { expect };

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function std(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

export function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((v, i) => {
    const w = (b[i] ?? 0) - mb;
    num += (v - ma) * w;
    da += (v - ma) ** 2;
    db += w * w;
  });
  return num / Math.sqrt(da * db);
}

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect(Array.from(bytes.subarray(0, 8))).toEqual(signature);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
