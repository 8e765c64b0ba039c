/**
 * `train --data`: the learner's own images instead of the shipped digits, as the app imports
 * them (src/worker/data-set-job.ts): a zip or a folder of PNG images (labels from sub-folder names) or IDX
 * files (images and, optionally, labels; .gz too). JPEG and the other formats the app decodes
 * with the browser need a browser: the CLI reads PNG.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import UPNG from 'upng-js';
import { idxDataSet } from '../src/ml/data/idx';
import {
  checkImageFiles,
  labelledImages,
  skippedNote,
  type ImageFiles,
} from '../src/ml/data/image-files';
import {
  buildImageSet,
  DataSetError,
  FIT_NOTE,
  fitToDigit,
  IMAGE_AREA,
  type ImageSet,
} from '../src/ml/data/image-set';
import { zipImages } from '../src/ml/data/zip-images';
import { CliError } from './common';

export interface CliDataSet {
  /** The name a model records (the zip's or the images file's name, as in the app). */
  readonly name: string;
  readonly data: ImageSet;
  readonly note: string;
}

function read(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CliError(
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function fromZip(path: string): CliDataSet {
  const name = basename(path);
  return decodePngs(zipImages(read(path), name), name);
}

/** A folder's files by their path from the folder's own name on, as a browser lists them. */
function fromFolder(path: string): CliDataSet {
  const name = basename(resolve(path));
  let entries: string[];
  try {
    entries = readdirSync(path, { recursive: true, encoding: 'utf8' });
  } catch (error) {
    throw new CliError(
      `cannot read the folder ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const files = entries
    .filter((entry) => statSync(join(path, entry)).isFile())
    .map((entry) => ({ path: `${name}/${entry.split(sep).join('/')}`, data: join(path, entry) }));
  const found = labelledImages(files);
  // Only the images are read.
  const images = found.images.map((i) => ({ ...i, data: read(i.data) }));
  return decodePngs({ images, skipped: found.skipped }, name);
}

/** A zip's or a folder's PNGs decoded as the app decodes them (fitToDigit), into a set. */
function decodePngs(found: ImageFiles<Uint8Array>, name: string): CliDataSet {
  const source = `“${name}”`;
  checkImageFiles(found, source);
  const { images } = found;
  const pixels = new Uint8Array(images.length * IMAGE_AREA);
  images.forEach((image, i) => {
    if (image.mime !== 'image/png') {
      throw new DataSetError(
        `“${image.path}” in ${source} is not a PNG: the CLI reads PNG images (the app reads JPEG, GIF, WebP and BMP too).`,
      );
    }
    let rgba: Uint8Array;
    let png: UPNG.Image;
    try {
      png = UPNG.decode(image.data.slice().buffer);
      rgba = new Uint8Array(UPNG.toRGBA8(png)[0] ?? new ArrayBuffer(0));
    } catch {
      throw new DataSetError(`Could not read “${image.path}” in ${source} as a PNG image.`);
    }
    pixels.set(fitToDigit(rgba, png.width, png.height), i * IMAGE_AREA);
  });
  return {
    name,
    data: buildImageSet(
      pixels,
      images.map((i) => i.label),
      source,
    ),
    note: FIT_NOTE + skippedNote(found.skipped),
  };
}

/** The data set in these files; a DataSetError becomes a CliError with the same words. */
export async function loadDataSet(paths: readonly string[]): Promise<CliDataSet> {
  try {
    const [first] = paths;
    if (!first) throw new CliError('--data needs a zip or a folder of images, or IDX files');
    if (isFolder(first)) {
      if (paths.length > 1) throw new CliError('--data takes one folder (or IDX files)');
      return fromFolder(first);
    }
    if (first.toLowerCase().endsWith('.zip')) {
      if (paths.length > 1) throw new CliError('--data takes one zip file (or IDX files)');
      return fromZip(first);
    }
    const r = await idxDataSet(paths.map((p) => ({ name: basename(p), bytes: read(p) })));
    return { name: basename(first), data: r.set, note: r.note };
  } catch (error) {
    if (error instanceof DataSetError) throw new CliError(error.message);
    throw error;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // A missing path is reported where it is read.
    return false;
  }
}
