import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import UPNG from 'upng-js';
import type { Page } from '@playwright/test';
import { expect, test, type AppPage } from './fixtures';

/** A 20×20 PNG: a light shape on a dark background (a disc or a square). */
function shapePng(kind: 'disc' | 'square', shift: number): Uint8Array {
  const size = 20;
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - 10 - shift;
      const dy = y - 10;
      const on = kind === 'disc' ? dx * dx + dy * dy < 36 : Math.abs(dx) < 5 && Math.abs(dy) < 5;
      rgba.set([on ? 250 : 5, on ? 250 : 5, on ? 250 : 5, 255], (y * size + x) * 4);
    }
  }
  return new Uint8Array(UPNG.encode([rgba.buffer], size, size, 0));
}

/** An IDX file of unsigned bytes. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** n 28×28 images of a bar at a class-dependent row, and their labels 0/1/2. */
function idxPair(n: number): { images: Buffer; labels: Buffer } {
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let x = 4; x < 24; x++) pixels[i * 784 + (6 + 7 * (i % 3)) * 28 + x] = 255;
  }
  return { images: idx([n, 28, 28], pixels), labels: idx([n], labels) };
}

/** A new model on the data set in use, a few steps, then a sample of it. */
async function trainAndSample(
  app: AppPage,
  page: Page,
  dataName: string,
  classes: readonly string[],
): Promise<void> {
  await app.fillTrainSettings({ Batch: 4, Steps: 3, 'Preview every': 0 });
  await app.trainNewModel();
  await expect(page.getByTestId('train-status')).toHaveText('finished', { timeout: 120_000 });
  await page.getByRole('tab', { name: /Sample/ }).click();
  await expect(page.getByTestId('sample-model')).toContainText(`trained on “${dataName}”`);
  const form = page.getByRole('region', { name: 'Sampling settings' });
  // The class menu names the set's classes.
  await expect(form.getByLabel('Class', { exact: true }).locator('option')).toHaveText([
    'any (unconditional)',
    ...classes,
  ]);
  await form.getByLabel('Steps', { exact: true }).fill('5');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('sample-xt')).toHaveAttribute('data-frame', '4');
  await expect(page.getByTestId('quality-dataset-note')).toContainText('reads only digits');
  await page.getByRole('tab', { name: /Train/ }).click();
}

test('a zip of images and IDX files become data sets that train and sample', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  await app.openTrainTab('wasm');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  const files: Record<string, Uint8Array> = { 'shapes/readme.txt': new Uint8Array([1]) };
  for (let i = 0; i < 6; i++) {
    files[`shapes/discs/${i}.png`] = shapePng('disc', i - 3);
    files[`shapes/squares/${i}.png`] = shapePng('square', i - 3);
  }
  await page.getByTestId('dataset-zip').setInputFiles({
    name: 'shapes.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from(zipSync(files)),
  });
  await expect(page.getByTestId('dataset-name')).toHaveText('shapes.zip', { timeout: 60_000 });
  await expect(page.getByTestId('dataset-summary')).toHaveText('12 images · discs: 6 · squares: 6');
  await expect(page.getByText('1 files that are not images were skipped')).toBeVisible();
  await page.getByLabel('Show label').selectOption({ label: 'squares' });
  await expect(page.getByTestId('dataset-grid')).toHaveAttribute(
    'aria-label',
    'Images of shapes.zip, label squares, page 1',
  );
  // The forward tab's x₀ now comes from this set.
  await page.getByRole('tab', { name: /Forward/ }).click();
  await expect(page.getByTestId('x0-source')).toContainText('shapes.zip');
  await page.getByRole('tab', { name: /Train/ }).click();
  await trainAndSample(app, page, 'shapes.zip', ['0 · discs', '1 · squares']);
  // Too few images to hold some out: the quality meter says so.
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByLabel('Samples to score').fill('10');
  await page.getByRole('button', { name: 'Measure quality' }).click();
  await expect(page.getByTestId('notice')).toContainText(
    'this data set has 0, and it needs at least 20',
    { timeout: 60_000 },
  );
  await page.getByRole('tab', { name: /Train/ }).click();
  await expect(page.getByRole('region', { name: 'Preview samples' })).toContainText(
    '“shapes.zip” has 0 discs, 1 squares',
  );

  const { images, labels } = idxPair(300);
  await page.getByTestId('dataset-idx').setInputFiles([
    { name: 'bars-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
    { name: 'bars-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await expect(page.getByTestId('dataset-name')).toHaveText('bars-images-idx3-ubyte', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('dataset-summary')).toHaveText(
    '300 images · 0: 100 · 1: 100 · 2: 100',
  );
  // A model of one set is not trained further on another.
  await page.getByRole('button', { name: 'Train more' }).click();
  await expect(page.getByTestId('notice')).toContainText(
    'This model was trained on “shapes.zip” and the data set in use is “bars-images-idx3-ubyte”',
  );
  await trainAndSample(app, page, 'bars-images-idx3-ubyte', ['0', '1', '2']);
  // Enough held-out images: KID against this set and the memorised share are measured.
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByLabel('Samples to score').fill('10');
  await page.getByRole('button', { name: 'Measure quality' }).click();
  await expect(page.getByTestId('quality-kid')).toHaveText(/\d/, { timeout: 120_000 });
  await page.getByRole('tab', { name: /Train/ }).click();

  // Kept in this browser: a reload comes back to the same set, and both are listed.
  await page.reload();
  await page.getByRole('tab', { name: /Train/ }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('bars-images-idx3-ubyte', {
    timeout: 60_000,
  });
  await expect(page.getByLabel('Train on').locator('option')).toHaveText([
    'MNIST digits',
    'bars-images-idx3-ubyte',
    'shapes.zip',
  ]);
});

test('a folder of images, labelled by its sub-folders, becomes a data set that trains and samples', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  const root = mkdtempSync(join(tmpdir(), 'dp-folder-'));
  try {
    const folder = join(root, 'blobs');
    for (const [label, kind, n] of [
      ['rings', 'disc', 5],
      ['tiles', 'square', 3],
    ] as const) {
      mkdirSync(join(folder, label), { recursive: true });
      for (let i = 0; i < n; i++)
        writeFileSync(join(folder, label, `${i}.png`), shapePng(kind, i - 2));
    }
    writeFileSync(join(folder, 'about.txt'), 'shapes drawn for a test');
    writeFileSync(join(folder, 'tiles', 'list.csv'), '0,1,2');
    await app.openTrainTab('wasm');
    await page.getByTestId('dataset-folder').setInputFiles(folder);
    await expect(page.getByTestId('dataset-name')).toHaveText('blobs', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-summary')).toHaveText('8 images · rings: 5 · tiles: 3');
    await expect(page.getByText('2 files that are not images were skipped')).toBeVisible();
    await trainAndSample(app, page, 'blobs', ['0 · rings', '1 · tiles']);

    // A folder without images is refused in words, and the set in use stays.
    const texts = join(root, 'texts');
    mkdirSync(texts);
    writeFileSync(join(texts, 'a.txt'), 'a');
    await page.getByTestId('dataset-folder').setInputFiles(texts);
    await expect(page.getByTestId('dataset-error')).toHaveText(
      '“texts” has no images (PNG, JPEG, GIF, WebP or BMP); its 1 other files were skipped. Nothing was changed.',
    );
    await expect(page.getByTestId('dataset-name')).toHaveText('blobs');

    // A zip dropped on the card is imported as the zip button does.
    const zip = Buffer.from(
      zipSync({
        'dropped/rings/0.png': shapePng('disc', 0),
        'dropped/tiles/0.png': shapePng('square', 0),
      }),
    ).toString('base64');
    const drop = await page.evaluateHandle((bytes) => {
      const dt = new DataTransfer();
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      dt.items.add(new File([data], 'dropped.zip', { type: 'application/zip' }));
      return dt;
    }, zip);
    const card = page.getByRole('region', { name: 'Data set' });
    await card.dispatchEvent('drop', { dataTransfer: drop });
    await expect(page.getByTestId('dataset-name')).toHaveText('dropped.zip', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-summary')).toHaveText('2 images · rings: 1 · tiles: 1');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bad data files are refused in words and change nothing', async ({ app, page }) => {
  await app.openTrainTab('wasm');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  const error = page.getByTestId('dataset-error');
  const zipInput = page.getByTestId('dataset-zip');
  const idxInput = page.getByTestId('dataset-idx');
  const bin = (name: string, buffer: Buffer | Uint8Array) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(buffer),
  });

  await zipInput.setInputFiles(bin('notes.zip', Buffer.from('not a zip at all')));
  await expect(error).toContainText('“notes.zip” could not be opened as a zip file');
  await zipInput.setInputFiles(bin('empty.zip', zipSync({ 'a/readme.txt': new Uint8Array([1]) })));
  await expect(error).toContainText('“empty.zip” has no images');
  await zipInput.setInputFiles(
    bin('broken.zip', zipSync({ 'x/broken.png': new Uint8Array([1, 2, 3]) })),
  );
  await expect(error).toContainText('Could not read “x/broken.png” as an image');
  await idxInput.setInputFiles(bin('photo.png', shapePng('disc', 0)));
  await expect(error).toContainText(
    '“photo.png” is not a valid IDX file: its first two bytes must be 0',
  );
  const { images } = idxPair(5);
  await idxInput.setInputFiles([
    bin('img-idx3-ubyte', images),
    bin('lab-idx1-ubyte', idx([4], new Uint8Array(4))),
  ]);
  await expect(error).toContainText(
    '“img-idx3-ubyte” has 5 images but “lab-idx1-ubyte” has 4 labels: they must match.',
  );
  await idxInput.setInputFiles(
    bin('many-idx3-ubyte', idx([100_001, 1, 1], new Uint8Array(100_001))),
  );
  await expect(error).toContainText('has 100,001 images; the limit is 100,000');
  await expect(error).toContainText('Nothing was changed.');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
});

test('drawings on the pad become a data set that trains and samples', async ({ app, page }) => {
  test.setTimeout(300_000);
  await app.openOn('wasm');
  await page.getByRole('tab', { name: 'Draw' }).click();
  const pad = page.getByTestId('draw-pad');
  const box = (await pad.boundingBox())!;
  const stroke = async (x0: number, y0: number, x1: number, y1: number) => {
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + x1 * box.width, box.y + y1 * box.height, { steps: 10 });
    await page.mouse.up();
  };
  const status = page.getByTestId('drawn-set-status');
  await stroke(0.5, 0.2, 0.5, 0.8);
  await page.getByLabel('Drawing label').fill('bar');
  await page.getByRole('button', { name: 'Add to my drawn set' }).click();
  await expect(status).toContainText('“My drawings” has 1 drawing (bar: 1)');
  await page.getByRole('button', { name: 'Clear pad' }).click();
  await stroke(0.2, 0.5, 0.8, 0.5);
  await page.getByLabel('Drawing label').fill('dash');
  await page.getByRole('button', { name: 'Add to my drawn set' }).click();
  await expect(status).toContainText('“My drawings” has 2 drawings (bar: 1 · dash: 1)');
  // An empty pad is not a drawing.
  await page.getByRole('button', { name: 'Clear pad' }).click();
  await page.getByRole('button', { name: 'Add to my drawn set' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The pad is empty' })).toBeVisible();

  await page.getByRole('tab', { name: /Train/ }).click();
  await app.waitForDefaultModel();
  await page.getByLabel('Train on').selectOption('My drawings');
  await expect(page.getByTestId('dataset-name')).toHaveText('My drawings');
  await expect(page.getByTestId('dataset-summary')).toHaveText('2 images · bar: 1 · dash: 1');
  await trainAndSample(app, page, 'My drawings', ['0 · bar', '1 · dash']);
});
