/** `train --data`: the learner's own images from the command line, spawned like cli.test.ts. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import UPNG from 'upng-js';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../src/ml/checkpoint';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'bin.mjs');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** A 12×12 PNG, a light bar on dark at row `row`. */
function png(row: number): Uint8Array {
  const rgba = new Uint8Array(12 * 12 * 4);
  for (let i = 0; i < 144; i++) {
    const v = Math.floor(i / 12) === row ? 255 : 0;
    rgba.set([v, v, v, 255], i * 4);
  }
  return new Uint8Array(UPNG.encode([rgba.buffer], 12, 12, 0));
}

const datasetOf = (file: string) =>
  decodeCheckpoint<{ settings: { dataset?: string } }>(new Uint8Array(readFileSync(file)), file)
    .config.settings.dataset;

describe('cli train --data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-cli-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const train = (out: string, ...data: string[]) =>
    cli(
      'train',
      '--backend',
      'wasm',
      '--steps',
      '2',
      '--batch',
      '2',
      '--out',
      join(dir, out),
      '--data',
      ...data,
    );

  it('trains on IDX files and a zip of PNGs, and the model records the data set', () => {
    const images = join(dir, 'bars-images-idx3-ubyte');
    const labels = join(dir, 'bars-labels-idx1-ubyte');
    writeFileSync(images, idx([6, 28, 28], new Uint8Array(6 * 784).fill(9)));
    writeFileSync(labels, idx([6], new Uint8Array([0, 1, 2, 0, 1, 2])));
    let r = train('idx', labels, images);
    expect(r.stderr).toContain('data: bars-labels-idx1-ubyte, 6 images');
    expect(r.status).toBe(0);
    expect(datasetOf(join(dir, 'idx', 'model.dpmodel'))).toBe('bars-labels-idx1-ubyte');
    // Continuing it on other data is refused.
    r = cli('train', '--backend', 'wasm', '--steps', '3', '--out', join(dir, 'idx'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('was trained on “bars-labels-idx1-ubyte”, not “MNIST digits”');

    const zip = join(dir, 'bars.zip');
    writeFileSync(zip, zipSync({ 'bars/top/a.png': png(2), 'bars/low/b.png': png(9) }));
    r = train('zip', zip);
    expect(r.stderr).toContain('data: bars.zip, 2 images');
    expect(r.status).toBe(0);
    expect(datasetOf(join(dir, 'zip', 'model.dpmodel'))).toBe('bars.zip');
  });

  it('trains on a folder of PNGs, labelled by sub-folder, through the zip’s code', () => {
    const folder = join(dir, 'strokes');
    for (const [label, row] of [
      ['high', 2],
      ['low', 9],
    ] as const) {
      mkdirSync(join(folder, label), { recursive: true });
      for (let i = 0; i < 2; i++) writeFileSync(join(folder, label, `${i}.png`), png(row + i));
    }
    writeFileSync(join(folder, 'notes.txt'), 'not an image');
    writeFileSync(join(folder, '.DS_Store'), 'hidden');
    const r = train('folder', folder);
    expect(r.stderr).toContain('data: strokes, 4 images');
    expect(r.stderr).toContain('1 files that are not images were skipped');
    expect(r.status).toBe(0);
    expect(datasetOf(join(dir, 'folder', 'model.dpmodel'))).toBe('strokes');
  });

  it('says when a folder is empty or has no PNG', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    let r = train('empty', empty);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('“empty” has no images (PNG, JPEG, GIF, WebP or BMP).');
    const texts = join(dir, 'texts');
    mkdirSync(join(texts, 'a'), { recursive: true });
    writeFileSync(join(texts, 'a', 'one.txt'), '1');
    writeFileSync(join(texts, 'two.csv'), '2');
    r = train('texts', texts);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      '“texts” has no images (PNG, JPEG, GIF, WebP or BMP); its 2 other files were skipped.',
    );
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'cat.jpg'), new Uint8Array([1]));
    r = train('photos', photos);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('“photos/cat.jpg” in “photos” is not a PNG');
  });

  it('says what is wrong with bad files', () => {
    const bad = join(dir, 'bad-idx');
    writeFileSync(bad, Buffer.from([1, 2, 3, 4, 5]));
    let r = train('bad', bad);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('“bad-idx” is not a valid IDX file: its first two bytes must be 0');
    const jpg = join(dir, 'photos.zip');
    writeFileSync(jpg, zipSync({ 'a.jpg': new Uint8Array([1]) }));
    r = train('jpg', jpg);
    expect(r.stderr).toContain('“a.jpg” in “photos.zip” is not a PNG');
  });
});
