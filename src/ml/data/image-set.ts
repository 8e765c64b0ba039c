/**
 * A data set of the learner's own 28×28 grayscale images, in the shape training already reads
 * (MnistSet): labels 0–9 by class, pixels row-major, indices grouped by class. Class names come
 * from the source (sub-folder names, IDX label values); images without one share class 0.
 */
import type { MnistSet } from '../mnist';

export const IMAGE_SIDE = 28;
export const IMAGE_AREA = IMAGE_SIDE * IMAGE_SIDE;
/** Kept in memory and in IndexedDB as bytes: 100,000 images are 78 MB. */
export const MAX_IMAGES = 100_000;
/** The UNet's class embedding has ten classes. */
export const MAX_CLASSES = 10;

export class DataSetError extends Error {}

export interface ImageSet {
  readonly set: MnistSet;
  /** What each class index stands for ("cat", "3"); ["all"] when the images had no labels. */
  readonly classNames: readonly string[];
}

/** Refuses 0 images and more than MAX_IMAGES, before any work is spent on them. */
export function checkImageCount(count: number, source: string): void {
  if (count === 0) throw new DataSetError(`${source} has no images.`);
  if (count > MAX_IMAGES) {
    throw new DataSetError(
      `${source} has ${count.toLocaleString('en')} images; the limit is ${MAX_IMAGES.toLocaleString('en')} (kept in this browser's memory).`,
    );
  }
}

/** The set, or a DataSetError saying what is wrong in words (no images, too many, labels). */
export function buildImageSet(
  pixels: Uint8Array,
  names: readonly (string | null)[],
  source: string,
): ImageSet {
  checkImageCount(names.length, source);
  const labelled = names.some((n) => n !== null);
  const distinct = [...new Set(names.map((n) => n ?? 'unlabelled'))].sort(naturalOrder);
  if (distinct.length > MAX_CLASSES) {
    throw new DataSetError(
      `${source} has ${distinct.length} labels (${distinct.slice(0, 12).join(', ')}${distinct.length > 12 ? ', …' : ''}); the model knows at most ${MAX_CLASSES} classes.`,
    );
  }
  const index = new Map(distinct.map((name, i) => [name, i]));
  const labels = Uint8Array.from(names, (n) => index.get(n ?? 'unlabelled') ?? 0);
  return imageSetOf(pixels, labels, labelled ? distinct : ['all']);
}

/** The set from its stored form: pixels, class indices and the classes' names. */
export function imageSetOf(
  pixels: Uint8Array,
  labels: Uint8Array,
  classNames: readonly string[],
): ImageSet {
  const count = labels.length;
  if (pixels.length !== count * IMAGE_AREA) {
    throw new Error(
      `expected ${count * IMAGE_AREA} pixels for ${count} images, got ${pixels.length}`,
    );
  }
  const byClass: number[][] = Array.from({ length: MAX_CLASSES }, () => []);
  labels.forEach((label, i) => byClass[label]?.push(i));
  return {
    set: { count, rows: IMAGE_SIDE, cols: IMAGE_SIDE, labels, pixels, byClass },
    classNames,
  };
}

/** "2" before "10", then alphabetical: class names as a person sorts them. */
function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Any size of grayscale image scaled to 28×28 by area averaging (each output pixel the mean of
 * the source area it covers), so downscaling does not alias and upscaling is nearest-like.
 */
export function resizeGray(src: Uint8Array, rows: number, cols: number): Uint8Array {
  if (rows === IMAGE_SIDE && cols === IMAGE_SIDE) return src.slice();
  return resample(src, rows, cols, IMAGE_SIDE, IMAGE_SIDE);
}

/** `src` (rows × cols) resampled to outRows × outCols by area averaging. */
export function resample(
  src: Uint8Array,
  rows: number,
  cols: number,
  outRows: number,
  outCols: number,
): Uint8Array {
  const out = new Uint8Array(outRows * outCols);
  const sy = rows / outRows;
  const sx = cols / outCols;
  for (let y = 0; y < outRows; y++) {
    for (let x = 0; x < outCols; x++) {
      let sum = 0;
      let weight = 0;
      for (let v = Math.floor(y * sy); v < Math.min(rows, Math.ceil((y + 1) * sy)); v++) {
        const wy = Math.min(v + 1, (y + 1) * sy) - Math.max(v, y * sy);
        for (let u = Math.floor(x * sx); u < Math.min(cols, Math.ceil((x + 1) * sx)); u++) {
          const w = wy * (Math.min(u + 1, (x + 1) * sx) - Math.max(u, x * sx));
          sum += w * (src[v * cols + u] ?? 0);
          weight += w;
        }
      }
      out[y * outCols + x] = Math.round(sum / weight);
    }
  }
  return out;
}

/** What fitToDigit (and the worker's decoder) does to an image, in words for the learner. */
export const FIT_NOTE =
  'Each image was converted to grayscale, scaled to fit 22×22 with its shape kept and centred in 28×28 (as MNIST centres its digits), and inverted when its background is light (MNIST is white on black).';

/** The side of the box an image is fitted into, centred in 28×28 (MNIST centres its digits). */
export const FIT_BOX = 22;

/**
 * A decoded image (RGBA, any size) as the app decodes one in the worker (worker/image-decode.ts):
 * transparent parts on white paper, grayscale, inverted when the background is light, scaled to
 * fit FIT_BOX×FIT_BOX with its shape kept and centred in 28×28 on black.
 */
export function fitToDigit(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const gray = new Uint8Array(width * height);
  let sum = 0;
  for (let i = 0; i < gray.length; i++) {
    const a = (rgba[4 * i + 3] ?? 255) / 255;
    const lum =
      0.299 * (rgba[4 * i] ?? 0) + 0.587 * (rgba[4 * i + 1] ?? 0) + 0.114 * (rgba[4 * i + 2] ?? 0);
    const v = lum * a + 255 * (1 - a);
    gray[i] = Math.round(v);
    sum += v;
  }
  if (sum / gray.length > 127.5)
    for (let i = 0; i < gray.length; i++) gray[i] = 255 - (gray[i] ?? 0);
  const scale = FIT_BOX / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const small = resample(gray, height, width, h, w);
  const out = new Uint8Array(IMAGE_AREA);
  const top = Math.floor((IMAGE_SIDE - h) / 2);
  const left = Math.floor((IMAGE_SIDE - w) / 2);
  for (let y = 0; y < h; y++)
    out.set(small.subarray(y * w, (y + 1) * w), (top + y) * IMAGE_SIDE + left);
  return out;
}
